package org.sipscreen.config;

/** A config file that cannot be used; the message names the file, the key and, where known, the line. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
