package org.sipscreen.sip;

/**
 * A request that frames but breaks a rule the proxy must enforce before forwarding. The proxy answers it
 * with {@link #status()} and {@link #getMessage()} as the reason phrase when it can address a response,
 * and counts it under {@link #reason()}.
 */
public final class BadMessageException extends Exception {

  private final int status;
  private final String reason;

  public BadMessageException(int status, String reason, String phrase) {
    super(phrase, null, false, false);
    this.status = status;
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  /** Stable snake_case text for the metric label. */
  public String reason() {
    return reason;
  }
}
