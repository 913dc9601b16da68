package org.sipscreen.screening.check;

import java.util.Objects;

/**
 * A file a check reads, as its section names it.
 *
 * @param name stable snake_case name (the {@code list} label of list metrics, the name in inventories)
 * @param key the config key that names it, e.g. {@code screening.block_list.file} (the {@code file} label
 *     of the reload metrics: the same on every machine, whatever the paths)
 * @param file as written, relative to the config folder unless absolute
 */
public record DataFile(String name, String key, String file) {
  public DataFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(file, "file");
  }
}
