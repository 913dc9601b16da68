package org.sipscreen.screening.check.stir_shaken;

import java.io.IOException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Why a {@link CertificateFetcher} could not deliver a certificate chain. {@link #reason} is a stable
 * snake_case word from a small fixed set (the constants below), used as a metric label; the message is for
 * logs and may quote the URL.
 */
public final class CertificateFetchException extends IOException {
  private static final long serialVersionUID = 1L;
  private static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9_]*");

  /** The URL is not an absolute http(s) URL with a host, or has user info. */
  public static final String BAD_URL = "bad_url";
  /** Refused by policy: http without allow_http, or the SSRF guard (private, loopback, ... address). */
  public static final String REFUSED = "refused";
  /** The host name did not resolve. */
  public static final String DNS = "dns";
  /** The TCP connection could not be made. */
  public static final String CONNECT = "connect";
  /** The TLS handshake failed (untrusted server certificate, wrong host name, protocol error). */
  public static final String TLS = "tls";
  /** The deadline for connect plus response passed. */
  public static final String TIMEOUT = "timeout";
  /** The server answered 3xx; redirects are not followed. */
  public static final String REDIRECT = "redirect";
  /** The server answered something other than 200 (and not 3xx). */
  public static final String HTTP_STATUS = "http_status";
  /** The response body exceeded the size cap. */
  public static final String TOO_LARGE = "too_large";
  /** The connection broke or the response was malformed. */
  public static final String PROTOCOL = "protocol";
  /** Too many fetches in flight; this one was not started. */
  public static final String BUSY = "busy";

  private final String reason;

  public CertificateFetchException(String reason, String message) {
    this(reason, message, null);
  }

  public CertificateFetchException(String reason, String message, Throwable cause) {
    super(message, cause);
    Objects.requireNonNull(reason, "reason");
    if (!SNAKE_CASE.matcher(reason).matches()) {
      throw new IllegalArgumentException("reason must be snake_case, was '" + reason + "'");
    }
    this.reason = reason;
  }

  /** The snake_case reason, e.g. {@code refused} or {@code http_status}. */
  public String reason() {
    return reason;
  }
}
