package org.sipscreen.sip;

/**
 * A message that failed the checks before forwarding: the status a request is answered with (400 or 505),
 * a stable snake_case reason for the metric label, and the reason phrase of the answer.
 *
 * @param <T> what was being checked
 */
public record Invalid<T>(int status, String reason, String phrase) implements Validated<T> {

  @Override
  public T orThrow() throws BadMessageException {
    throw new BadMessageException(status, reason, phrase);
  }

  /** The same finding, for a caller that was checking something else. */
  @SuppressWarnings("unchecked")
  <U> Invalid<U> as() {
    return (Invalid<U>) this;
  }
}
