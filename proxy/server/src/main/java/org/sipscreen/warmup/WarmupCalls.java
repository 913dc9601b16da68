package org.sipscreen.warmup;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The messages of the warm-up's calls (INVITE, 180, 200, ACK, BYE, 200), made for a caller and a callee that
 * keep no state: each answer and each in-dialog request is built from the message it follows, by copying
 * that message's header lines (Via, Record-Route, From, To, Call-ID, CSeq) as bytes. The callee answers what
 * the proxy forwarded; the caller follows the Record-Route of the 200 it got, as a user agent does, so the
 * proxy's own Route handling runs too.
 */
final class WarmupCalls {

  private final String proxyHostPort;
  private final String callerHostPort;
  private final String calleeHostPort;
  private int branches;

  /**
   * @param proxyHostPort the proxy's host:port, for Request-URIs
   * @param callerHostPort the caller's host:port, for its Via and Contact
   * @param callee where the proxy sends the calls (the callee's Contact and in-dialog Request-URIs)
   */
  WarmupCalls(String proxyHostPort, String callerHostPort, InetSocketAddress callee) {
    this.proxyHostPort = proxyHostPort;
    this.callerHostPort = callerHostPort;
    this.calleeHostPort = callee.getAddress().getHostAddress() + ":" + callee.getPort();
  }

  /** Call number {@code i}'s INVITE, from caller {@code +1212234nnnn} with nnnn = i mod 10,000. */
  byte[] invite(int i) {
    String from = "+1212234" + (char) ('0' + i / 1000 % 10) + (char) ('0' + i / 100 % 10)
        + (char) ('0' + i / 10 % 10) + (char) ('0' + i % 10);
    return ascii("INVITE sip:+13107940100@" + proxyHostPort + ";user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + callerHostPort + ";branch=z9hG4bK-w" + i + ";rport\r\n"
        + "From: \"Caller\" <sip:" + from + "@" + callerHostPort + ";user=phone>;tag=f" + i + "\r\n"
        + "To: <sip:+13107940100@" + proxyHostPort + ">\r\n"
        + "Call-ID: warmup-" + i + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        + "Contact: <sip:" + from + "@" + callerHostPort + ">\r\nContent-Type: application/sdp\r\n"
        + "Content-Length: 4\r\n\r\nv=0\n");
  }

  /**
   * The callee's answer with {@code code} to the request in {@code m[0, len)}: its Via, From, To (with a tag
   * made of the Call-ID when it has none), Call-ID and CSeq, and for an INVITE its Record-Route and a Contact.
   */
  byte[] answer(byte[] m, int len, int code) {
    boolean invite = startsWith(m, 0, len, "INVITE ");
    ByteArrayOutputStream out = new ByteArrayOutputStream(len + 64);
    out.writeBytes(ascii(code == 180 ? "SIP/2.0 180 Ringing\r\n" : "SIP/2.0 200 OK\r\n"));
    int callId = -1;
    int to = -1;
    int toEnd = -1;
    for (int line = lineAfter(m, 0, len); line < len; ) {
      int end = lineEnd(m, line, len);
      if (end == line) {
        break;
      }
      if (startsWith(m, line, end, "Call-ID:")) {
        callId = line;
      }
      if (startsWith(m, line, end, "To:")) {
        to = line;
        toEnd = end;
      } else if (startsWith(m, line, end, "Via:") || startsWith(m, line, end, "From:")
          || startsWith(m, line, end, "Call-ID:") || startsWith(m, line, end, "CSeq:")
          || (invite && startsWith(m, line, end, "Record-Route:"))) {
        out.write(m, line, Math.min(end + 2, len) - line);
      }
      line = end + 2;
    }
    if (to >= 0) {
      out.write(m, to, toEnd - to);
      if (indexOf(m, to, toEnd, ";tag=") < 0 && callId >= 0) {
        int value = callId + "Call-ID:".length();
        while (m[value] == ' ') {
          value++;
        }
        out.writeBytes(ascii(";tag="));
        out.write(m, value, lineEnd(m, value, len) - value);
      }
      out.writeBytes(ascii("\r\n"));
    }
    if (invite && code == 200) {
      out.writeBytes(ascii("Contact: <sip:" + calleeHostPort + ">\r\n"));
    }
    out.writeBytes(ascii("Content-Length: 0\r\n\r\n"));
    return out.toByteArray();
  }

  /**
   * The caller's {@code ACK} (with {@code bye} false) or {@code BYE} after the 200 to its INVITE in
   * {@code m[0, len)}: to the callee's Contact, through the route set the 200's Record-Route makes.
   */
  byte[] inDialog(byte[] m, int len, boolean bye) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(len + 64);
    String method = bye ? "BYE" : "ACK";
    out.writeBytes(ascii(method + " sip:" + calleeHostPort + " SIP/2.0\r\nVia: SIP/2.0/UDP " + callerHostPort
        + ";branch=z9hG4bK-" + (bye ? 'b' : 'a') + branches++ + ";rport\r\n"));
    // The route set is the Record-Route in reverse order; each entry a header line of its own here.
    int routes = 0;
    int[] starts = new int[8];
    int[] ends = new int[8];
    for (int line = lineAfter(m, 0, len); line < len; ) {
      int end = lineEnd(m, line, len);
      if (end == line) {
        break;
      }
      if (startsWith(m, line, end, "Record-Route:") && routes < starts.length) {
        starts[routes] = line + "Record-".length();
        ends[routes++] = end;
      } else if (startsWith(m, line, end, "From:") || startsWith(m, line, end, "To:")
          || startsWith(m, line, end, "Call-ID:")) {
        out.write(m, line, Math.min(end + 2, len) - line);
      }
      line = end + 2;
    }
    for (int r = routes - 1; r >= 0; r--) {
      out.write(m, starts[r], ends[r] - starts[r]);
      out.writeBytes(ascii("\r\n"));
    }
    out.writeBytes(ascii((bye ? "CSeq: 2 BYE" : "CSeq: 1 ACK") + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"));
    return out.toByteArray();
  }

  /** The status code of the response in {@code m[0, len)}, or 0 for a request. */
  static int status(byte[] m, int len) {
    if (len < 12 || !startsWith(m, 0, len, "SIP/2.0 ")) {
      return 0;
    }
    return (m[8] - '0') * 100 + (m[9] - '0') * 10 + (m[10] - '0');
  }

  /** Whether the CSeq line of {@code m[0, len)} names {@code method}. */
  static boolean cseqOf(byte[] m, int len, String method) {
    int at = indexOf(m, 0, len, "\r\nCSeq:");
    return at >= 0 && indexOf(m, at + 7, lineEnd(m, at + 2, len), method) >= 0;
  }

  static boolean startsWith(byte[] m, int at, int end, String prefix) {
    if (end - at < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (m[at + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] m, int from, int end, String s) {
    for (int i = from; i + s.length() <= end; i++) {
      if (startsWith(m, i, end, s)) {
        return i;
      }
    }
    return -1;
  }

  private static int lineEnd(byte[] m, int from, int len) {
    for (int i = from; i + 1 < len; i++) {
      if (m[i] == '\r' && m[i + 1] == '\n') {
        return i;
      }
    }
    return len;
  }

  private static int lineAfter(byte[] m, int from, int len) {
    return Math.min(len, lineEnd(m, from, len) + 2);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
