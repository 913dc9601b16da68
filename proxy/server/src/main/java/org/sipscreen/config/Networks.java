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
