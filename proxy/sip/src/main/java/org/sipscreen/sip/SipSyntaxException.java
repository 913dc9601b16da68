package org.sipscreen.sip;

/**
 * A header value or URI does not follow the RFC 3261 §25 grammar. Thrown for peer input on the hot path, so
 * it carries no stack trace; {@link #getMessage()} says what was wrong and goes into the 400 reason phrase.
 */
public final class SipSyntaxException extends RuntimeException {
  public SipSyntaxException(String message) {
    super(message, null, false, false);
  }
}
