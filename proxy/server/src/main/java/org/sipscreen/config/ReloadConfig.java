package org.sipscreen.config;

import java.time.Duration;

/**
 * The {@code reload:} section: when a changed list or data file is applied, and which new versions of a
 * list are refused. A file renamed into place is applied as soon as the watch has been quiet for its
 * debounce; one written in place only once it has been unchanged for {@code settle}, so a slow writer
 * is never read half-way. A new version of a list that is empty (while the running one has entries) or
 * has lost more than {@code max_shrink_percent} of the entries of a running list of at least
 * {@code shrink_check_min_entries} is refused: the running list stays, and the refusal is counted and
 * logged. Every value reloads live.
 */
public record ReloadConfig(Duration settle, Boolean allowEmptyLists, Integer maxShrinkPercent,
    Integer shrinkCheckMinEntries) {

  /** No {@code reload:} section: the defaults. */
  public static final ReloadConfig DEFAULT = new ReloadConfig(null, null, null, null);

  public ReloadConfig {
    settle = settle == null ? Duration.ofSeconds(5) : settle;
    org.sipscreen.screening.check.ConfigDurations.require(settle, "settle", Duration.ZERO,
        Duration.ofMinutes(10));
    allowEmptyLists = allowEmptyLists == null ? Boolean.FALSE : allowEmptyLists;
    maxShrinkPercent = maxShrinkPercent == null ? 50 : maxShrinkPercent;
    if (maxShrinkPercent < 0 || maxShrinkPercent > 100) {
      throw new IllegalArgumentException("max_shrink_percent must be 0-100, was " + maxShrinkPercent);
    }
    shrinkCheckMinEntries = shrinkCheckMinEntries == null ? 100 : shrinkCheckMinEntries;
    if (shrinkCheckMinEntries < 1) {
      throw new IllegalArgumentException(
          "shrink_check_min_entries must be at least 1, was " + shrinkCheckMinEntries);
    }
  }


  /**
   * Why a list of {@code runningEntries} may not be replaced by one of {@code newEntries}: {@code empty},
   * {@code shrink}, or null when it may.
   */
  public String refusal(long runningEntries, long newEntries) {
    if (runningEntries > 0 && newEntries == 0 && !allowEmptyLists) {
      return "empty";
    }
    if (runningEntries >= shrinkCheckMinEntries && newEntries > 0
        && newEntries * 100 < runningEntries * (100L - maxShrinkPercent)) {
      return "shrink";
    }
    return null;
  }
}
