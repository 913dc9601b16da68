package org.sipscreen.http.client;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;

/** How a GET ended. The client's future always completes with one of these, never exceptionally. */
public sealed interface HttpResult {

  /**
   * A complete response, whatever its status. {@code body} is empty when the request did not read the
   * body of this status.
   */
  record Ok(HttpResponseStatus status, HttpHeaders headers, byte[] body) implements HttpResult {}

  /** The deadline passed before the response was complete; the connection was closed. */
  record TimedOut(Duration deadline) implements HttpResult {}

  /** Not attempted: the address policy refused every address of the host, or the URL's scheme. */
  record Refused(String reason) implements HttpResult {}

  /** Attempted and failed; {@code cause} is null when there was no exception. */
  record Failed(Failure failure, String detail, Throwable cause) implements HttpResult {}

  /** What went wrong in a {@link Failed} exchange. */
  enum Failure {
    /** The host name did not resolve. */
    DNS,
    /** No TCP connection. */
    CONNECT,
    /** The TLS handshake failed (untrusted certificate, wrong host name, no common protocol). */
    TLS,
    /** A malformed response, or the connection broke before the response was complete. */
    PROTOCOL,
    /** The body (or its Content-Length) exceeded the client's maximum. */
    TOO_LARGE,
    /** More requests in flight than the client allows, or its resolver is full. */
    BUSY,
    /** The client was closed. */
    CLOSED
  }
}
