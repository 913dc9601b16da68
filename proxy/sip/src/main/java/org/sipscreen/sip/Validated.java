package org.sipscreen.sip;

/**
 * What checking a message as one the proxy may forward gave: the checked {@link SipRequest} or
 * {@link SipResponse}, or {@link Invalid} with the answer it deserves. No exception on peer input.
 *
 * @param <T> the checked message
 */
public sealed interface Validated<T> permits SipRequest, SipResponse, Invalid {

  /** The checked message; for {@link Invalid}, throws it as a {@link BadMessageException}. */
  T orThrow() throws BadMessageException;
}
