package org.sipscreen.http;

import java.time.Duration;

/**
 * What one client may take of the operations port.
 *
 * @param maxConnections connections open at once; a new one beyond is closed at once
 * @param idleTimeout a connection that completes no request for this long is closed (bytes that do not
 *     complete a request do not count, so a slow sender cannot hold a connection by trickling)
 * @param requestTimeout a request must arrive whole within this from its first byte (slow headers)
 * @param maxHeaderBytes the request line plus headers; beyond, 431
 * @param maxHeaders header lines in one request; beyond, 431
 */
public record HttpLimits(int maxConnections, Duration idleTimeout, Duration requestTimeout,
    int maxHeaderBytes, int maxHeaders) {

  public static final HttpLimits DEFAULT = new HttpLimits(64, Duration.ofSeconds(60), Duration.ofSeconds(10),
      8192, 100);

  public HttpLimits {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero() || requestTimeout.isNegative()
        || requestTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (maxHeaderBytes < 1024) {
      throw new IllegalArgumentException("maxHeaderBytes must be at least 1024, was " + maxHeaderBytes);
    }
    if (maxHeaders < 8) {
      throw new IllegalArgumentException("maxHeaders must be at least 8, was " + maxHeaders);
    }
  }
}
