package org.sipscreen.screening.check;

import java.time.Duration;
import java.util.Objects;

/**
 * One data file a check holds in memory, for inventories (reload, {@code /admin/lists}, metrics).
 *
 * @param name stable snake_case name, the same as in {@link CheckModule#files}
 * @param entries how many entries it holds
 * @param version content hash (equal content, equal version)
 * @param loadTime how long reading it took
 */
public record LoadedList(String name, long entries, String version, Duration loadTime) {
  public LoadedList {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(loadTime, "loadTime");
  }

  /** A number list's inventory entry. */
  public static LoadedList of(String name, org.sipscreen.screening.NumberList list) {
    return new LoadedList(name, (long) list.exactCount() + list.prefixCount(), list.version(),
        list.loadDuration());
  }
}
