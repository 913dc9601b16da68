package org.sipscreen.http.client;

import java.util.Objects;

/**
 * Where requests go: scheme, host and port. {@code host} is a name or an address literal without IPv6
 * brackets.
 */
public record Origin(boolean https, String host, int port) {

  public Origin {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
  }

  /** The Host header: the host (IPv6 in brackets), and the port unless it is the scheme's default. */
  public String authority() {
    String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return port == (https ? 443 : 80) ? name : name + ":" + port;
  }

  @Override
  public String toString() {
    return (https ? "https://" : "http://") + authority();
  }
}
