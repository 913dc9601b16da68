package org.sipscreen.sip;

import java.util.Locale;

/**
 * The parts of a sip:, sips: or tel: URI the proxy routes and screens by (RFC 3261 §19.1, RFC 3966). Other
 * schemes parse with only {@link #scheme()} set. The user part is kept as written (escapes included).
 */
public record SipUri(String scheme, String user, String host, int port, Parameters params,
    boolean hasHeaders) implements Parsed<SipUri> {

  @Override
  public SipUri value() {
    return this;
  }

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

  /** Parses trusted text (config); a {@link SipSyntaxException} says what is wrong. */
  public static SipUri parse(String uri) {
    return read(uri).value();
  }

  /** Reads a URI a peer sent; a {@link SyntaxError} says what is wrong. */
  public static Parsed<SipUri> read(String uri) {
    int colon = uri.indexOf(':');
    if (colon <= 0) {
      return new SyntaxError<>("URI has no scheme");
    }
    String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    if (scheme.equals("tel")) {
      int semi = uri.indexOf(';', colon + 1);
      int numEnd = semi < 0 ? uri.length() : semi;
      String number = uri.substring(colon + 1, numEnd);
      if (number.isEmpty()) {
        return new SyntaxError<>("empty tel number");
      }
      Parsed<Parameters> params =
          semi < 0 ? Parameters.EMPTY : Parameters.read(uri, semi, uri.length(), true);
      if (params instanceof SyntaxError<Parameters> bad) {
        return bad.as();
      }
      return new SipUri(scheme, number, "", -1, (Parameters) params, false);
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
        return new SyntaxError<>("unterminated IPv6 reference");
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
      return new SyntaxError<>("URI has no host");
    }
    int port = -1;
    if (p < end && uri.charAt(p) == ':') {
      int ps = ++p;
      while (p < end && Character.isDigit(uri.charAt(p))) {
        p++;
      }
      port = portOf(uri, ps, p);
      if (port < 0) {
        return new SyntaxError<>(BAD_PORT);
      }
    }
    Parsed<Parameters> params = Parameters.EMPTY;
    if (p < end) {
      if (uri.charAt(p) != ';') {
        return new SyntaxError<>("unexpected '" + Parameters.printable(uri.charAt(p)) + "' in host");
      }
      params = Parameters.read(uri, p, end, true);
      if (params instanceof SyntaxError<Parameters> bad) {
        return bad.as();
      }
    }
    return new SipUri(scheme, user, host.toLowerCase(Locale.ROOT), port, (Parameters) params, q >= 0);
  }

  static final String BAD_PORT = "bad port: not 1-65535";

  /** The port written in {@code s[from, to)}, or -1 unless it is 1-5 digits with a value 1-65535. */
  static int portOf(String s, int from, int to) {
    if (to == from || to - from > 5) {
      return -1;
    }
    int port = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      port = port * 10 + (c - '0');
    }
    return port >= 1 && port <= 65535 ? port : -1;
  }

  static boolean isHostChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_';
  }
}
