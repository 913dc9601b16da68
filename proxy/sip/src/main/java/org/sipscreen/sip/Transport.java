package org.sipscreen.sip;

import java.util.Locale;

/** The transports sipscreen speaks. */
public enum Transport {
  UDP,
  TCP;

  /** Lower-case name, as used in URIs, config and metric labels. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The transport a Via or URI names, or null for ones we do not speak (TLS, SCTP, WS...). */
  public static Transport fromName(String name) {
    if (name == null) {
      return null;
    }
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "udp" -> UDP;
      case "tcp" -> TCP;
      default -> null;
    };
  }
}
