package org.sipscreen.reload;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One file of the running snapshot, for {@code /admin/lists} and the start-up summary.
 *
 * @param name the stable name ({@link ConfigFiles}), e.g. {@code block_list}
 * @param path where it was read from
 * @param entries numbers (or entries) loaded, -1 for files that are not a number list or feed
 * @param version 1 for the version loaded at start, plus one for every reload that found it changed
 * @param modified the file's modification time when it was loaded
 * @param loadedAt when the snapshot holding this version was built
 * @param loadMillis how long building that whole snapshot took
 */
public record LoadedFile(String name, Path path, long entries, long version, Instant modified,
    Instant loadedAt, long loadMillis) {}
