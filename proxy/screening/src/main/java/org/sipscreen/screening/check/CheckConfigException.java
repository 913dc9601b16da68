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

  /** The key under the section, empty for the section as a whole. */
  public String key() {
    return key;
  }
}
