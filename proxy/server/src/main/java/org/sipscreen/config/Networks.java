package org.sipscreen.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Argument checks for addresses in config: IP literals only, so that loading never does DNS. */
public final class Networks {

  private Networks() {}

  static InetAddress requireIpLiteral(String text, String key) {
    if (text == null || text.isEmpty()
        || !(text.matches("[0-9.]+") || (text.indexOf(':') >= 0 && text.matches("[0-9a-fA-F:.]+")))) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not an IP address literal");
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not an IP address literal");
    }
  }

  /** Whether an address literal (already checked) is 0.0.0.0 or ::. */
  public static boolean isWildcard(String literal) {
    try {
      return InetAddress.getByName(literal).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The canonical text of an address literal (already checked), so that ::1 and 0:0::1 compare equal. */
  static String canonical(String literal) {
    try {
      return InetAddress.getByName(literal).getHostAddress();
    } catch (UnknownHostException e) {
      return literal;
    }
  }

  static void requireCidr(String text, String key) {
    if (text == null) {
      throw new IllegalArgumentException(key + ": empty network");
    }
    int slash = text.indexOf('/');
    InetAddress a = requireIpLiteral(slash < 0 ? text : text.substring(0, slash), key);
    if (slash >= 0) {
      int max = a.getAddress().length * 8;
      String bits = text.substring(slash + 1);
      if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > max) {
        throw new IllegalArgumentException(key + ": '" + text + "' has a bad prefix length");
      }
    }
  }

  /**
   * A next hop's URI: as {@link #requireRouteUri}, or with a host name in place of the address (resolved by
   * DNS later, never while loading).
   */
  static void requireNextHopUri(String text, String key) {
    try {
      org.sipscreen.sip.SipUri uri = org.sipscreen.sip.SipUri.parse(text);
      if (uri.isSip() && org.sipscreen.proxy.NextHop.ipLiteral(uri.host()) == null
          && org.sipscreen.proxy.NextHopName.of(text, 1, 1).isEmpty()) {
        String t = uri.transport();
        if (t != null && !t.equals("udp") && !t.equals("tcp") && !t.equals("tls")) {
          throw new IllegalArgumentException(key + ": transport must be udp, tcp or tls, was " + t);
        }
        throw new IllegalArgumentException(key + ": '" + text + "' names neither an IP address nor a host");
      }
      if (uri.isSip() && org.sipscreen.proxy.NextHop.ipLiteral(uri.host()) == null) {
        return; // a host name, with udp, tcp or tls
      }
    } catch (org.sipscreen.sip.SipSyntaxException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not a SIP URI: " + e.getMessage());
    }
    requireRouteUri(text, key);
  }

  /** {@code 192.0.2.1}, {@code 192.0.2.1:5353}, {@code [2001:db8::1]:53}: a name server's address. */
  public static java.net.InetSocketAddress requireHostPort(String text, String key) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException(key + ": empty address");
    }
    String host = text;
    int port = 53;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(key + ": '" + text + "' has no closing ]");
      }
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        port = portOf(text, text.substring(close + 1), key);
      }
    } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0) {
      host = text.substring(0, text.indexOf(':'));
      port = portOf(text, text.substring(text.indexOf(':')), key);
    }
    return new java.net.InetSocketAddress(requireIpLiteral(host, key), port);
  }

  private static int portOf(String text, String colonPort, String key) {
    if (!colonPort.matches(":[0-9]{1,5}") || Integer.parseInt(colonPort.substring(1)) < 1
        || Integer.parseInt(colonPort.substring(1)) > 65_535) {
      throw new IllegalArgumentException(key + ": '" + text + "' has a bad port (1-65535)");
    }
    return Integer.parseInt(colonPort.substring(1));
  }

  static void requireRouteUri(String text, String key) {
    try {
      org.sipscreen.sip.SipUri uri = org.sipscreen.sip.SipUri.parse(text);
      if (!uri.isSip()) {
        throw new IllegalArgumentException(key + ": '" + text + "' is not a sip: URI");
      }
      String host = uri.host().startsWith("[") ? uri.host().substring(1, uri.host().length() - 1)
          : uri.host();
      requireIpLiteral(host, key);
      String t = uri.transport();
      if (t != null && !t.equals("udp") && !t.equals("tcp") && !t.equals("tls")) {
        throw new IllegalArgumentException(key + ": transport must be udp, tcp or tls, was " + t);
      }
    } catch (org.sipscreen.sip.SipSyntaxException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not a SIP URI: " + e.getMessage());
    }
  }
}
