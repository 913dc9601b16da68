package org.sipscreen.sip;

/**
 * What reading one header value or URI gave: the value itself, or a {@link SyntaxError} saying what is wrong
 * with it. Peer input is read this way, never by throwing: a fuzzed or hostile message costs no exception.
 *
 * @param <T> the value read
 */
public sealed interface Parsed<T> permits NameAddr, Via, SipUri, Parameters, SyntaxError {

  /**
   * The value; for a {@link SyntaxError}, throws a {@link SipSyntaxException} with its problem. For config
   * and other trusted text, where bad syntax is an error to report, not a message to answer.
   */
  T value();

  /** Whether this is a value, not a {@link SyntaxError}. */
  default boolean ok() {
    return !(this instanceof SyntaxError);
  }
}
