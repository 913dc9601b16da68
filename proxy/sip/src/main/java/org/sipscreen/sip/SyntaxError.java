package org.sipscreen.sip;

/**
 * A header value or URI that does not follow the RFC 3261 §25 grammar, and what is wrong with it (the text
 * goes into a 400 reason or a log line).
 *
 * @param <T> what was being read
 */
public record SyntaxError<T>(String problem) implements Parsed<T> {

  @Override
  public T value() {
    throw new SipSyntaxException(problem);
  }

  /** The same problem, for a caller that was reading something else. */
  @SuppressWarnings("unchecked")
  <U> SyntaxError<U> as() {
    return (SyntaxError<U>) this;
  }
}
