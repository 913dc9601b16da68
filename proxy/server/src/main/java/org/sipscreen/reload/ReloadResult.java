package org.sipscreen.reload;

import java.util.List;
import java.util.Optional;

/**
 * What one reload did: either the new snapshot runs ({@code error} empty), or the running one was kept
 * because {@code file} is bad ({@code error} names file, key and line).
 *
 * @param needsRestart config keys that changed but only take effect after a restart (the running values
 *     were kept)
 * @param refusedLists lists whose new version was refused (empty or shrunk too far): their running
 *     version stays while the rest of the reload applies
 */
public record ReloadResult(String trigger, Optional<String> error, Optional<String> file,
    List<String> needsRestart, long millis, List<RefusedList> refusedLists) {

  public ReloadResult {
    needsRestart = List.copyOf(needsRestart);
    refusedLists = List.copyOf(refusedLists);
  }

  public boolean applied() {
    return error.isEmpty();
  }
}
