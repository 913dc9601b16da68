package org.sipscreen.config;

import java.io.IOException;

/** A config file that cannot be used; the message names the file, the key and, where known, the line. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Why a file could not be read, in words and without exception class names ("no such file",
   * "permission denied"); the caller names the file.
   */
  public static String describe(IOException e) {
    return org.sipscreen.screening.check.CheckConfigException.describe(e);
  }
}
