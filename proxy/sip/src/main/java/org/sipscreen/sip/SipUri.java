package org.sipscreen.sip;

import java.util.Locale;

/**
 * The parts of a sip:, sips: or tel: URI the proxy routes and screens by (RFC 3261 §19.1, RFC 3966). Other
 * schemes parse with only {@link #scheme()} set. The user part is kept as written (escapes included).
 */
public record SipUri(String scheme, String user, String host, int port, Parameters params,
    boolean hasHeaders) {

  public boolean isSip() {
    return scheme.equals("sip") || scheme.equals("sips");
  }

  public boolean isTel() {
    return scheme.equals("tel");
  }

  /** The transport parameter in lower case, or null. */
  public String transport() {
    String t = params.get("transport");
    return t == null ? null : t.toLowerCase(Locale.ROOT);
  }

  public boolean looseRouting() {
    return params.has("lr");
  }

  public static SipUri parse(String uri) {
    int colon = uri.indexOf(':');
    if (colon <= 0) {
      throw new SipSyntaxException("URI has no scheme");
    }
    String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    if (scheme.equals("tel")) {
      int semi = uri.indexOf(';', colon + 1);
      int numEnd = semi < 0 ? uri.length() : semi;
      String number = uri.substring(colon + 1, numEnd);
      if (number.isEmpty()) {
        throw new SipSyntaxException("empty tel number");
      }
      Parameters params =
          semi < 0 ? Parameters.EMPTY : Parameters.parse(uri, semi, uri.length(), true);
      return new SipUri(scheme, number, "", -1, params, false);
    }
    if (!scheme.equals("sip") && !scheme.equals("sips")) {
      return new SipUri(scheme, "", "", -1, Parameters.EMPTY, false);
    }
    int q = uri.indexOf('?', colon + 1);
    // '@' is legal only as the userinfo delimiter (RFC 3261 §25.1), so the last one ends the user part;
    // a '?' inside the user part (RFC 4475 §3.1.1.2) is not the start of headers.
    int at = uri.lastIndexOf('@');
    if (at > colon && q >= 0 && q < at) {
      q = uri.indexOf('?', at);
    }
    int end = q < 0 ? uri.length() : q;
    String user = "";
    int hostStart = colon + 1;
    if (at > colon && at < end) {
      String userinfo = uri.substring(colon + 1, at);
      int pw = userinfo.indexOf(':');
      user = pw < 0 ? userinfo : userinfo.substring(0, pw);
      hostStart = at + 1;
    }
    int p = hostStart;
    String host;
    if (p < end && uri.charAt(p) == '[') {
      int close = uri.indexOf(']', p);
      if (close < 0 || close >= end) {
        throw new SipSyntaxException("unterminated IPv6 reference");
      }
      host = uri.substring(p, close + 1);
      p = close + 1;
    } else {
      int hs = p;
      while (p < end && isHostChar(uri.charAt(p))) {
        p++;
      }
      host = uri.substring(hs, p);
    }
    if (host.isEmpty()) {
      throw new SipSyntaxException("URI has no host");
    }
    int port = -1;
    if (p < end && uri.charAt(p) == ':') {
      int ps = ++p;
      while (p < end && Character.isDigit(uri.charAt(p))) {
        p++;
      }
      port = parsePort(uri, ps, p);
    }
    Parameters params = Parameters.EMPTY;
    if (p < end) {
      if (uri.charAt(p) != ';') {
        throw new SipSyntaxException("unexpected '" + Parameters.printable(uri.charAt(p)) + "' in host");
      }
      params = Parameters.parse(uri, p, end, true);
    }
    return new SipUri(scheme, user, host.toLowerCase(Locale.ROOT), port, params, q >= 0);
  }

  static int parsePort(String s, int from, int to) {
    if (to == from || to - from > 5) {
      throw new SipSyntaxException("bad port");
    }
    int port = Integer.parseInt(s, from, to, 10);
    if (port < 1 || port > 65535) {
      throw new SipSyntaxException("port out of range: " + port);
    }
    return port;
  }

  static boolean isHostChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_';
  }
}
