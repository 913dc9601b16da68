package org.sipscreen.sip;

import java.util.Locale;

/** The transports sipscreen speaks. */
public enum Transport {
  UDP,
  TCP,
  /** SIP over TLS over TCP (RFC 3261 §26.2.1): the TCP framing with TLS underneath. */
  TLS;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** Lower-case name, as used in URIs, config and metric labels. */
  public String label() {
    return label;
  }

  /** Whether messages travel on a connection (TCP and TLS): framed by Content-Length, answered on it. */
  public boolean isStream() {
    return this != UDP;
  }

  /** The port a URI without one means for this transport (RFC 3263 §4.2: 5061 for TLS, else 5060). */
  public int defaultPort() {
    return this == TLS ? 5061 : 5060;
  }

  /** The transport a Via or URI names, or null for ones we do not speak (SCTP, WS...). */
  public static Transport fromName(String name) {
    if (name == null) {
      return null;
    }
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "udp" -> UDP;
      case "tcp" -> TCP;
      case "tls" -> TLS;
      default -> null;
    };
  }
}
