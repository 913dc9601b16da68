package org.sipscreen.screening.check;

import java.util.Objects;

/** A list or data file as config names it: {@code {file: lists/block.txt}}, relative to the config folder. */
public record ListFile(String file) {
  public ListFile {
    Objects.requireNonNull(file, "file");
    if (file.isBlank()) {
      throw new IllegalArgumentException("file must not be empty");
    }
  }
}
