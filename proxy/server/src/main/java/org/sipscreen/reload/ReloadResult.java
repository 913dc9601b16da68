package org.sipscreen.reload;

import java.util.List;
import java.util.Optional;

/**
 * What one reload did: either the new snapshot runs ({@code error} empty), or the running one was kept
 * because {@code file} is bad ({@code error} names file, key and line).
 *
 * @param needsRestart config keys that changed but only take effect after a restart (the running values
 *     were kept)
 */
public record ReloadResult(String trigger, Optional<String> error, Optional<String> file,
    List<String> needsRestart, long millis) {

  public boolean applied() {
    return error.isEmpty();
  }
}
