package org.sipscreen.reload;

import java.nio.file.Path;

/**
 * A new version of a list that a reload did not apply ({@link ListGuard}): the running version stays.
 *
 * @param name the list's name, e.g. {@code block_list}
 * @param file the file the refused version was read from
 * @param reason {@code empty} (the new version has no entries) or {@code shrink} (it lost more than
 *     {@code reload.max_shrink_percent} of the running version's entries)
 * @param runningEntries entries of the version that stays
 * @param refusedEntries entries of the refused version
 * @param refusedVersion the refused version's content version
 */
public record RefusedList(String name, Path file, String reason, long runningEntries, long refusedEntries,
    String refusedVersion) {

  /** One line for the log and the admin API. */
  public String message() {
    return name + " " + file + ": the new version has " + refusedEntries + " entries, the running one "
        + runningEntries + "; the running version stays (set reload."
        + (reason.equals("empty") ? "allow_empty_lists: true" : "max_shrink_percent higher")
        + " to apply it)";
  }
}
