package org.sipscreen.reload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sipscreen.config.ReloadConfig;
import org.sipscreen.screening.chain.InstalledChain;
import org.sipscreen.screening.check.LoadedList;

/**
 * Keeps the running version of a list whose new version a reload must not apply: empty while the running
 * one has entries, or shrunk by more than the configured share ({@link ReloadConfig#refusal}). A list is
 * judged only against the running version of the same file: a config that names another file for it, or
 * a list that is new, is applied as it is. Everything else in the reload is applied.
 */
final class ListGuard {

  private ListGuard() {}

  /** The chain to run and what it kept. */
  record Result(InstalledChain chain, List<RefusedList> refused) {}

  /**
   * {@code built} with each refused list replaced by its running version from {@code running}.
   *
   * @param runningFiles the files of the running snapshot (names and paths)
   * @param builtFiles the files of the new config, by name
   */
  static Result apply(InstalledChain running, List<LoadedFile> runningFiles, InstalledChain built,
      Map<String, Path> builtFiles, ReloadConfig rules) {
    List<RefusedList> refused = new ArrayList<>(0);
    InstalledChain chain = built;
    for (LoadedList after : built.lists()) {
      String name = after.name();
      Path file = builtFiles.get(name);
      if (file == null
          || runningFiles.stream().noneMatch(f -> f.name().equals(name) && f.path().equals(file))) {
        continue;
      }
      LoadedList before = Reloader.list(name, running);
      if (before == null || before.version().equals(after.version())) {
        continue;
      }
      String reason = rules.refusal(before.entries(), after.entries());
      if (reason != null) {
        refused.add(new RefusedList(name, file, reason, before.entries(), after.entries(), after.version()));
        chain = chain.keepList(name, running);
      }
    }
    return new Result(chain, List.copyOf(refused));
  }
}
