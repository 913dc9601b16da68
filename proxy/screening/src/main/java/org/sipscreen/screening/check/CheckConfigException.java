package org.sipscreen.screening.check;

/**
 * A check's section cannot be used: a value is wrong, or a file it names cannot be read or parsed. The key
 * is relative to the section ({@code file}, {@code scores.attestation_c}); the loader prefixes the config
 * file and {@code screening.<check>}.
 */
public final class CheckConfigException extends Exception {

  private final String key;

  public CheckConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  public CheckConfigException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /** What went wrong reading a file, in the operator's words: no Java class names. */
  public static String describe(java.io.IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    return e.getMessage() != null ? e.getMessage() : "read error";
  }

  /** The key under the section, empty for the section as a whole. */
  public String key() {
    return key;
  }
}
