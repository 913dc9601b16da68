package org.sipscreen.records;

/**
 * Decision records cannot be written as configured: the records directory cannot be created or opened. The
 * message names the config file and key.
 */
public final class RecordsException extends Exception {
  private static final long serialVersionUID = 1L;

  public RecordsException(String message) {
    super(message);
  }
}
