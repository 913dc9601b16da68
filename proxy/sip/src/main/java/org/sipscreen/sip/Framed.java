package org.sipscreen.sip;

/**
 * What framing bytes gave: a {@link SipMessage} (whose own problems, such as a bad request line, are recorded
 * on it for the answer), or {@link Malformed} bytes that are no SIP message at all. No exception on peer
 * input.
 */
public sealed interface Framed permits SipMessage, Framed.Malformed {

  /**
   * Bytes that cannot be read as one SIP message.
   *
   * @param reason short, stable snake_case text: the {@code reason} label of
   *     {@code sipscreen_malformed_messages_total}
   * @param detail what is wrong, for people
   */
  record Malformed(String reason, String detail) implements Framed {}
}
