package org.sipscreen.screening.chain;

/**
 * A check's section could not be built into a check. {@link #key()} is the full key path under
 * {@code screening} ({@code block_list.file}), or a top-level path when {@link #topLevel()}.
 */
public final class ChainBuildException extends Exception {

  private final String key;
  private final boolean topLevel;

  ChainBuildException(String check, String key, String message) {
    this(check, key, message, null);
  }

  ChainBuildException(String check, String key, String message, Throwable cause) {
    this(check, key, message, cause, false);
  }

  ChainBuildException(String check, String key, String message, Throwable cause, boolean topLevel) {
    super(message, cause);
    this.key = topLevel || key.isEmpty() ? check : check + "." + key;
    this.topLevel = topLevel;
  }

  /** Where in the config the problem is: {@code <check>.<key>} under {@code screening}. */
  public String key() {
    return key;
  }

  /** Whether {@link #key()} names something outside {@code screening} (a peer's override). */
  public boolean topLevel() {
    return topLevel;
  }
}
