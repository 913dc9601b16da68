package org.sipscreen.sip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates the shared test corpus (/work/shared/corpus, see its README.md): the system property
 * {@code sipscreen.corpus} when set, else {@code ../../../shared/corpus} relative to the module directory,
 * which is surefire's working directory. A missing folder fails the test: skipping would hide that the
 * torture tests never ran.
 */
final class Corpus {

  static final String PROPERTY = "sipscreen.corpus";

  private Corpus() {}

  static Path root() {
    String configured = System.getProperty(PROPERTY);
    return configured != null ? Path.of(configured) : Path.of("../../../shared/corpus");
  }

  /** The named corpus folder; throws (failing the test) when it is not there. */
  static Path folder(String name) {
    Path dir = root().resolve(name);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("SIP corpus folder missing: " + dir.toAbsolutePath().normalize()
          + " (set -D" + PROPERTY + "=<corpus root>)");
    }
    return dir;
  }

  /** The files in {@code folder(name)} whose names end with {@code suffix}, sorted; never empty. */
  static List<Path> files(String name, String suffix) {
    Path dir = folder(name);
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
      if (files.isEmpty()) {
        throw new IllegalStateException("no *" + suffix + " files in " + dir.toAbsolutePath().normalize());
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
