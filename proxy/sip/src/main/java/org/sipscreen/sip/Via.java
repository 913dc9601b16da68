package org.sipscreen.sip;

import java.util.Locale;

/**
 * One Via value: {@code SIP/2.0/<transport> host[:port] *(;param)} (RFC 3261 §20.42), with the parameters
 * the proxy routes responses by: branch, received and rport (RFC 3581).
 */
public record Via(String transport, String host, int port, Parameters params) implements Parsed<Via> {

  /** The RFC 3261 §8.1.1.7 magic cookie that marks a branch as unique per transaction. */
  public static final String MAGIC_COOKIE = "z9hG4bK";

  @Override
  public Via value() {
    return this;
  }

  public String branch() {
    return params.get("branch");
  }

  public String received() {
    return params.get("received");
  }

  /** The rport value, -1 when there is none or it is a bare flag. */
  public int rport() {
    String v = params.get("rport");
    if (v == null) {
      return -1;
    }
    return SipUri.portOf(v, 0, v.length());
  }

  /** True when the branch carries the magic cookie and something after it (RFC 4475 §3.2.1). */
  public boolean hasRfc3261Branch() {
    String b = branch();
    return b != null && b.length() > MAGIC_COOKIE.length() && b.startsWith(MAGIC_COOKIE);
  }

  /** {@code host:port} as written in sent-by; the port is left out when absent. */
  public String sentBy() {
    return port < 0 ? host : host + ":" + port;
  }

  /** Formats the value back with received and rport replaced by the given ones. */
  public String withReceived(String receivedAddress, int rportValue) {
    return appendWithReceived(new StringBuilder(128), receivedAddress, rportValue).toString();
  }

  /** Appends {@link #withReceived} to {@code sb} (no string of its own); returns {@code sb}. */
  public StringBuilder appendWithReceived(StringBuilder sb, String receivedAddress, int rportValue) {
    sb.append("SIP/2.0/").append(transport).append(' ').append(host);
    if (port >= 0) {
      sb.append(':').append(port);
    }
    params.appendTo(sb, "received", "rport");
    return sb.append(";received=").append(receivedAddress).append(";rport=").append(rportValue);
  }

  /** Parses one value of trusted text; a {@link SipSyntaxException} says what is wrong. */
  public static Via parse(String value) {
    return read(value).value();
  }

  /** Reads one value a peer sent; a {@link SyntaxError} says what is wrong. */
  public static Parsed<Via> read(String value) {
    String s = value;
    int to = s.length();
    int p = Parameters.skipLws(s, 0, to);
    int ns = p;
    while (p < to && SipMessageParser.isTokenChar(s.charAt(p))) {
      p++;
    }
    boolean sip = p - ns == 3 && s.regionMatches(true, ns, "SIP", 0, 3);
    p = afterSlash(s, p, to);
    if (p < 0) {
      return new SyntaxError<>(MALFORMED_SENT_PROTOCOL);
    }
    int vs = p;
    while (p < to && SipMessageParser.isTokenChar(s.charAt(p))) {
      p++;
    }
    if (!sip || p - vs != 3 || !s.startsWith("2.0", vs)) {
      return new SyntaxError<>("Via protocol is not SIP/2.0");
    }
    p = afterSlash(s, p, to);
    if (p < 0) {
      return new SyntaxError<>(MALFORMED_SENT_PROTOCOL);
    }
    int ts = p;
    while (p < to && SipMessageParser.isTokenChar(s.charAt(p))) {
      p++;
    }
    if (p == ts) {
      return new SyntaxError<>("Via has no transport");
    }
    String transport = transportName(s, ts, p);
    int hs = Parameters.skipLws(s, p, to);
    if (hs == p || hs == to) {
      return new SyntaxError<>("Via has no sent-by");
    }
    p = hs;
    String host;
    if (s.charAt(p) == '[') {
      int close = s.indexOf(']', p);
      if (close < 0) {
        return new SyntaxError<>("unterminated IPv6 reference in Via");
      }
      host = s.substring(p, close + 1);
      p = close + 1;
    } else {
      while (p < to && SipUri.isHostChar(s.charAt(p))) {
        p++;
      }
      host = s.substring(hs, p);
    }
    if (host.isEmpty()) {
      return new SyntaxError<>("Via has no host");
    }
    int port = -1;
    p = Parameters.skipLws(s, p, to);
    if (p < to && s.charAt(p) == ':') {
      p = Parameters.skipLws(s, p + 1, to);
      int ps = p;
      while (p < to && Character.isDigit(s.charAt(p))) {
        p++;
      }
      port = SipUri.portOf(s, ps, p);
      if (port < 0) {
        return new SyntaxError<>(SipUri.BAD_PORT);
      }
    }
    Parsed<Parameters> params = Parameters.read(s, p, to, false);
    if (params instanceof SyntaxError<Parameters> bad) {
      return bad.as();
    }
    return new Via(transport, host.toLowerCase(Locale.ROOT), port, (Parameters) params);
  }

  private static final String MALFORMED_SENT_PROTOCOL = "malformed Via sent-protocol";

  private static final String[] TRANSPORTS = {"UDP", "TCP", "TLS", "SCTP", "WS", "WSS"};

  /** The transport token upper-cased: the shared constant for the usual ones, so reading allocates none. */
  private static String transportName(String s, int from, int to) {
    for (String t : TRANSPORTS) {
      if (t.length() == to - from && s.regionMatches(true, from, t, 0, to - from)) {
        return t;
      }
    }
    return s.substring(from, to).toUpperCase(Locale.ROOT);
  }

  /** The index after {@code LWS "/" LWS} at {@code p}, or -1 when there is no slash. */
  private static int afterSlash(String s, int p, int to) {
    p = Parameters.skipLws(s, p, to);
    if (p == to || s.charAt(p) != '/') {
      return -1;
    }
    return Parameters.skipLws(s, p + 1, to);
  }
}
