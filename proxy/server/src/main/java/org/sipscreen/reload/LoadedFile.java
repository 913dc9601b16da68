package org.sipscreen.reload;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One file of the running snapshot, for {@code /admin/lists}, the list metrics and the start-up summary.
 *
 * @param name the stable name ({@link ConfigFiles}), e.g. {@code block_list}
 * @param path where it was read from
 * @param entries numbers (or entries) loaded, -1 for files that are not a number list or feed
 * @param contentVersion the list's content hash ({@code NumberList.version()},
 *     {@code ReputationFeed.version()}: equal entries, equal version), empty for files that are not lists
 * @param generation 1 for the version loaded at start, plus one for every reload that found it changed
 * @param modified the file's modification time when it was loaded
 * @param loadedAt when the snapshot that first held this content was built
 * @param loadMillis how long reading and building this list took (for files that are not lists: the
 *     whole snapshot)
 */
public record LoadedFile(String name, Path path, long entries, String contentVersion, long generation,
    Instant modified, Instant loadedAt, long loadMillis) {

  /** Whether this is a number list or feed (it has entries and a content version). */
  public boolean isList() {
    return entries >= 0;
  }
}
