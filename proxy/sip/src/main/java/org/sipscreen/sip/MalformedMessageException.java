package org.sipscreen.sip;

/**
 * Thrown when bytes cannot be read as one SIP message. The {@link #reason} is short, stable snake_case text
 * used as the {@code reason} label of {@code sipscreen_malformed_messages_total}; the message is for humans.
 */
public final class MalformedMessageException extends Exception {

  private final String reason;

  public MalformedMessageException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
