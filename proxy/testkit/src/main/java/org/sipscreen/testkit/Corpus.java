package org.sipscreen.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the tests find their SIP message corpora. RFC 4475's torture messages are test data in the
 * repository ({@code proxy/sip/src/test/resources/rfc4475}, see its SOURCES.md), so their tests always
 * run. The other corpora (PROTOS c07-sip, which is GPL, the SHAKEN vectors, ...) stay outside the
 * repository, in {@code ../shared/corpus} beside the checkout or wherever {@code -Dsipscreen.corpus=DIR}
 * says: a test that needs one of them is skipped (a JUnit assumption, reported as skipped with the reason)
 * when it is not there.
 */
public final class Corpus {

  /** The system property naming the shared corpora's root. */
  public static final String PROPERTY = "sipscreen.corpus";
  /** Set to {@code true} (as CI does), a missing shared corpus fails the test instead of skipping it. */
  public static final String REQUIRED_PROPERTY = "sipscreen.corpus.required";
  /** The system property naming the repository root; surefire and failsafe set it (parent pom). */
  public static final String REPO_PROPERTY = "sipscreen.repo";

  private Corpus() {}

  /**
   * The repository root: {@code -Dsipscreen.repo} when set, else the nearest folder at or above the
   * working directory that holds {@code proxy/} and {@code config/} (running a test from an IDE).
   */
  public static Path repo() {
    String configured = System.getProperty(REPO_PROPERTY);
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("proxy")) && Files.isDirectory(p.resolve("config"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath()
        + " (set -D" + REPO_PROPERTY + "=DIR)");
  }

  /** The RFC 4475 torture messages (and EXPECTED.tsv) kept in the repository; always there. */
  public static Path rfc4475() {
    Path dir = repo().resolve("proxy/sip/src/test/resources/rfc4475");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("RFC 4475 test data missing: " + dir);
    }
    return dir;
  }

  /** The shared corpora's root: {@code -Dsipscreen.corpus} when set, else {@code ../shared/corpus}. */
  public static Path root() {
    String configured = System.getProperty(PROPERTY);
    return configured != null ? Path.of(configured).toAbsolutePath().normalize()
        : repo().resolve("../shared/corpus").normalize();
  }

  /** Whether the named shared corpus folder is there. */
  public static boolean has(String name) {
    return Files.isDirectory(root().resolve(name));
  }

  /**
   * The named shared corpus folder; when it is not there, the calling test is skipped (aborted by a JUnit
   * assumption) with the reason, or fails with it under {@code -Dsipscreen.corpus.required=true}.
   */
  public static Path folder(String name) {
    Path dir = root().resolve(name);
    String reason = "shared corpus folder " + dir + " is not there (it stays outside the repository: put"
        + " ../shared/corpus beside the checkout or set -D" + PROPERTY + "=DIR)";
    if (Boolean.getBoolean(REQUIRED_PROPERTY) && !Files.isDirectory(dir)) {
      throw new IllegalStateException(reason + "; -D" + REQUIRED_PROPERTY + "=true");
    }
    assumeTrue(Files.isDirectory(dir), reason);
    return dir;
  }

  /** The files in the shared {@code folder(name)} whose names end with {@code suffix}, sorted; never empty. */
  public static List<Path> files(String name, String suffix) {
    return files(folder(name), suffix);
  }

  /** The files in {@code dir} whose names end with {@code suffix}, sorted; never empty. */
  public static List<Path> files(Path dir, String suffix) {
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

  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
