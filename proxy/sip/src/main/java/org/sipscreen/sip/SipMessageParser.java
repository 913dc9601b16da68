package org.sipscreen.sip;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Frames one SIP message out of bytes: start line, header lines (with RFC 3261 §7.3.1 folding) and the body
 * by Content-Length (§18.3; over UDP a missing Content-Length means "the rest of the datagram", over a
 * stream it means zero). Shared by UDP and TCP; it reads nothing beyond what framing needs.
 *
 * <p>Problems that still leave a message the proxy can answer (a bad request line, a bad header line, a
 * Content-Length that does not fit) are recorded on the returned {@link SipMessage}; bytes that are no SIP
 * message at all are {@link Framed.Malformed}.
 */
public final class SipMessageParser {

  /** A message with more header lines than this is refused: no legitimate INVITE comes close. */
  public static final int MAX_HEADERS = 256;

  private SipMessageParser() {}

  /** Frames trusted bytes (tests, tools); {@link MalformedMessageException} when they are no SIP message. */
  public static SipMessage parse(byte[] buf, int off, int len, boolean datagram)
      throws MalformedMessageException {
    Framed framed = frame(buf, off, len, datagram);
    if (framed instanceof Framed.Malformed bad) {
      throw new MalformedMessageException(bad.reason(), bad.detail());
    }
    return (SipMessage) framed;
  }

  /** Frames the bytes a peer sent: the message, or {@link Framed.Malformed} when they are no SIP message. */
  public static Framed frame(byte[] buf, int off, int len, boolean datagram) {
    final int limit = off + len;
    int p = off;
    // RFC 3261 §7.5: ignore CRLFs before the start line (keepalives are just that).
    while (p < limit && (buf[p] == '\r' || buf[p] == '\n')) {
      p++;
    }
    if (p == limit) {
      return new Framed.Malformed("empty", "no bytes besides CRLF");
    }
    final int start = p;
    int startLineEnd = lineEnd(buf, p, limit);
    if (startLineEnd < 0) {
      return new Framed.Malformed("no_header_end", "start line is not terminated");
    }
    int startLineContentEnd = contentEnd(buf, p, startLineEnd);

    boolean request;
    String method = "";
    int uriStart = 0;
    int uriEnd = 0;
    String version;
    int status = 0;
    String reasonPhrase = "";
    String startLineProblem = null;

    if (startsWithIgnoreCase(buf, p, startLineContentEnd, "SIP/")) {
      request = false;
      int sp1 = indexOf(buf, p, startLineContentEnd, (byte) ' ');
      if (sp1 < 0) {
        return new Framed.Malformed("bad_status_line", "status line has no status code");
      }
      version = versionString(buf, p, sp1);
      int codeEnd = indexOf(buf, sp1 + 1, startLineContentEnd, (byte) ' ');
      if (codeEnd < 0) {
        codeEnd = startLineContentEnd;
      }
      if (codeEnd - (sp1 + 1) != 3 || !allDigits(buf, sp1 + 1, codeEnd)) {
        return new Framed.Malformed("bad_status_code", "status code is not three digits");
      }
      status = (buf[sp1 + 1] - '0') * 100 + (buf[sp1 + 2] - '0') * 10 + (buf[sp1 + 3] - '0');
      if (status < 100 || status > 699) {
        return new Framed.Malformed("bad_status_code", "status code out of range: " + status);
      }
      reasonPhrase = codeEnd < startLineContentEnd ? reasonString(buf, codeEnd + 1, startLineContentEnd) : "";
      if (!isSip20(version)) {
        return new Framed.Malformed("bad_version", "unsupported SIP version " + version);
      }
    } else {
      request = true;
      int sp1 = indexOf(buf, p, startLineContentEnd, (byte) ' ');
      int sp2 = lastIndexOf(buf, p, startLineContentEnd, (byte) ' ');
      if (sp1 <= p || sp2 <= sp1) {
        return new Framed.Malformed("bad_request_line", "request line is not METHOD SP URI SP VERSION");
      }
      method = methodString(buf, p, sp1);
      uriStart = sp1 + 1;
      uriEnd = sp2;
      version = versionString(buf, sp2 + 1, startLineContentEnd);
      if (!isToken(buf, p, sp1)) {
        startLineProblem = "bad_method";
      } else if (uriEnd <= uriStart || hasUriDelimiter(buf, uriStart, uriEnd)) {
        startLineProblem = "bad_request_uri";
      } else if (version.isEmpty()) {
        startLineProblem = "bad_request_line";
      } else if (!isSip20(version)) {
        startLineProblem = looksLikeSipVersion(version) ? "unsupported_version" : "bad_request_line";
      }
    }

    // Header lines. The index (the names, and five offsets per header in one array) is sized by the line
    // count up to the empty line, an upper bound on the headers: exact, not a fixed 32 entries per message.
    int cap = Math.max(1, Math.min(MAX_HEADERS, headerLinesAtMost(buf, startLineEnd, limit)));
    HeaderName[] names = new HeaderName[cap];
    int[] bounds = new int[5 * cap]; // per header: line start, name end, value start, value end, line end
    int count = 0;
    String headerProblem = null;

    p = startLineEnd;
    int headersEnd = -1;
    while (p < limit) {
      int le = lineEnd(buf, p, limit);
      if (le < 0) {
        break;
      }
      int ce = contentEnd(buf, p, le);
      if (ce == p) {
        headersEnd = p;
        p = le;
        break;
      }
      // A header occupies this line plus every following line that starts with SP or HT.
      int hdrEnd = le;
      int hdrContentEnd = ce;
      while (hdrEnd < limit && (buf[hdrEnd] == ' ' || buf[hdrEnd] == '\t')) {
        int nle = lineEnd(buf, hdrEnd, limit);
        if (nle < 0) {
          break;
        }
        int nce = contentEnd(buf, hdrEnd, nle);
        if (nce > hdrEnd) {
          hdrContentEnd = nce;
        }
        hdrEnd = nle;
      }
      if (buf[p] == ' ' || buf[p] == '\t') {
        headerProblem = headerProblem == null ? "folding_without_header" : headerProblem;
        p = hdrEnd;
        continue;
      }
      int colon = indexOf(buf, p, hdrContentEnd, (byte) ':');
      if (colon < 0) {
        headerProblem = headerProblem == null ? "header_without_colon" : headerProblem;
        p = hdrEnd;
        continue;
      }
      int ne = colon;
      while (ne > p && (buf[ne - 1] == ' ' || buf[ne - 1] == '\t')) {
        ne--;
      }
      if (ne == p || !isToken(buf, p, ne)) {
        headerProblem = headerProblem == null ? "bad_header_name" : headerProblem;
        p = hdrEnd;
        continue;
      }
      int vs = colon + 1;
      while (vs < hdrContentEnd && isLws(buf[vs])) {
        vs++;
      }
      int ve = hdrContentEnd;
      while (ve > vs && isLws(buf[ve - 1])) {
        ve--;
      }
      if (count == MAX_HEADERS) {
        return new Framed.Malformed("too_many_headers", "more than " + MAX_HEADERS + " headers");
      }
      if (count == cap) {
        cap *= 2;
        names = Arrays.copyOf(names, cap);
        bounds = Arrays.copyOf(bounds, 5 * cap);
      }
      names[count] = HeaderName.of(buf, p, ne);
      int at = 5 * count;
      bounds[at] = p;
      bounds[at + 1] = ne;
      bounds[at + 2] = vs;
      bounds[at + 3] = ve;
      bounds[at + 4] = hdrEnd;
      count++;
      p = hdrEnd;
    }
    if (headersEnd < 0) {
      return new Framed.Malformed("no_header_end", "headers are not terminated by an empty line");
    }
    String controlProblem = controlCharacterProblem(buf, start, p);
    if (controlProblem != null) {
      headerProblem = controlProblem;
    }

    // Body framing by Content-Length.
    final int bodyStart = p;
    int bodyEnd = limit;
    String framingProblem = null;
    int clIndex = -1;
    for (int i = 0; i < count; i++) {
      if (names[i] == HeaderName.CONTENT_LENGTH) {
        if (clIndex >= 0) {
          framingProblem = "multiple_content_length";
        }
        clIndex = i;
      }
    }
    if (clIndex >= 0 && framingProblem == null) {
      long cl = parseDecimal(buf, bounds[5 * clIndex + 2], bounds[5 * clIndex + 3], 9);
      if (cl < 0) {
        framingProblem = "bad_content_length";
      } else if (cl > limit - bodyStart) {
        framingProblem = "content_length_exceeds_message";
      } else {
        bodyEnd = bodyStart + (int) cl;
      }
    } else if (clIndex < 0 && !datagram) {
      bodyEnd = bodyStart;
    }
    int end = framingProblem == null ? bodyEnd : limit;
    return new SipMessage(buf, start, end, headersEnd, bodyStart, bodyEnd, request, method, uriStart,
        uriEnd, version, status, reasonPhrase, startLineProblem, headerProblem, count, names, bounds,
        framingProblem);
  }

  /**
   * Parses a non-negative decimal made of at most {@code maxDigits} digits (leading zeros allowed and not
   * counted); -1 when the text is empty, has a non-digit, or is longer.
   */
  public static long parseDecimal(byte[] buf, int from, int to, int maxDigits) {
    if (from >= to) {
      return -1;
    }
    while (from < to - 1 && buf[from] == '0') {
      from++;
    }
    if (to - from > maxDigits) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** The {@link #isControlCharacterProblem control-character problems}, as header problem reasons. */
  public static final String BARE_CR = "bare_cr";
  public static final String BARE_LF = "bare_lf";
  public static final String CONTROL_CHARACTER = "control_character";

  /** Whether a header problem is one of the control-character problems, which no element may forward. */
  public static boolean isControlCharacterProblem(String problem) {
    return problem == BARE_CR || problem == BARE_LF || problem == CONTROL_CHARACTER;
  }

  /**
   * The first control-character problem in the start line and header lines {@code buf[from, to)}, or null.
   * Lines end in CRLF (RFC 3261 §7); a CR or LF anywhere else is the classic way to hide a header from one
   * parser and show it to another (a parser that ends lines on a bare CR sees a header this one does not).
   * Other control characters (0x00-0x1F but HTAB, and DEL) may appear only escaped, as the second octet of
   * a quoted-pair (§25.1), as RFC 4475 §3.1.1.2 uses them.
   */
  private static String controlCharacterProblem(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      // Eight bytes at a time while they hold no control character (most of every line).
      while (i + Long.BYTES <= to && noControlCharacter((long) LONGS.get(buf, i))) {
        i += Long.BYTES;
      }
      if (i >= to) {
        break;
      }
      byte b = buf[i];
      if ((b & 0xe0) != 0 && b != 0x7f) {
        continue; // printable ASCII and every UTF-8 octet
      }
      if (b == '\r') {
        if (i + 1 >= to || buf[i + 1] != '\n') {
          return BARE_CR;
        }
        i++; // the LF of this CRLF
      } else if (b == '\n') {
        return BARE_LF;
      } else if (b != '\t' && (i == from || buf[i - 1] != '\\')) {
        return CONTROL_CHARACTER;
      }
    }
    return null;
  }

  /** Lines from {@code from} up to and including the empty line that ends the headers (or the limit). */
  private static int headerLinesAtMost(byte[] buf, int from, int limit) {
    int lines = 0;
    for (int i = newline(buf, from, limit); i >= 0; i = newline(buf, i + 1, limit)) {
      lines++;
      if (i + 1 < limit && (buf[i + 1] == '\n' || (buf[i + 1] == '\r' && i + 2 < limit && buf[i + 2] == '\n'))) {
        break;
      }
    }
    return lines + 1;
  }

  /** Index just after the LF that ends the line starting at {@code from}, or -1 when there is none. */
  private static int lineEnd(byte[] buf, int from, int limit) {
    int lf = newline(buf, from, limit);
    return lf < 0 ? -1 : lf + 1;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** Whether a byte of {@code x} is zero (exact: no false positives for the question "is there one"). */
  private static boolean hasZeroByte(long x) {
    return ((x - ONES) & ~x & HIGH_BITS) != 0;
  }

  /** The index of the first LF in {@code buf[from, to)}, or -1; eight bytes at a time. */
  static int newline(byte[] buf, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(buf, i) ^ (ONES * '\n'); // a zero byte where buf held an LF
      long zeros = (x - ONES) & ~x & HIGH_BITS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether none of the eight bytes is below 0x20 or DEL (0x7F); bytes of 0x80 and above (UTF-8) are not
   * control characters. "Below 0x20" is {@code (x - 0x20 * ONES) & ~x & HIGH_BITS}, exact for a bound of
   * at most 0x80.
   */
  private static boolean noControlCharacter(long x) {
    return ((x - ONES * 0x20) & ~x & HIGH_BITS) == 0 && !hasZeroByte(x ^ (ONES * 0x7f));
  }

  /** End of the line's content: before its LF and an optional CR. */
  private static int contentEnd(byte[] buf, int from, int lineEnd) {
    int e = lineEnd - 1;
    if (e > from && buf[e - 1] == '\r') {
      e--;
    }
    return e;
  }

  private static boolean isLws(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  private static int indexOf(byte[] buf, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] buf, int from, int to, byte b) {
    for (int i = to - 1; i >= from; i--) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code buf[from, to)} holds a byte no Request-URI may: SP, HTAB, {@code <}, {@code >} or DQUOTE. */
  private static boolean hasUriDelimiter(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      switch (buf[i]) {
        case ' ', '\t', '<', '>', '"' -> {
          return true;
        }
        default -> { }
      }
    }
    return false;
  }

  private static boolean allDigits(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] < '0' || buf[i] > '9') {
        return false;
      }
    }
    return true;
  }

  /** RFC 3261 §25.1 token characters, by ASCII code. */
  private static final boolean[] TOKEN = new boolean[128];

  static {
    for (int c = 0; c < 128; c++) {
      TOKEN[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "-.!%*_+`'~".indexOf(c) >= 0;
    }
  }

  /** RFC 3261 §25.1 token characters. */
  static boolean isTokenChar(int c) {
    return c >= 0 && c < 128 && TOKEN[c];
  }

  static boolean isToken(byte[] buf, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (!isTokenChar(buf[i] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithIgnoreCase(byte[] buf, int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (Character.toUpperCase((char) buf[from + i]) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSip20(String version) {
    return version.equalsIgnoreCase("SIP/2.0");
  }

  private static boolean looksLikeSipVersion(String version) {
    return version.regionMatches(true, 0, "SIP/", 0, 4) && version.length() <= 16
        && version.substring(4).matches("[0-9]+\\.[0-9]+");
  }

  private static final String[] KNOWN_METHODS = {
    "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "UPDATE", "INFO",
    "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH"
  };

  /** Known methods come back as shared constants, so the hot path compares and allocates nothing. */
  private static String methodString(byte[] buf, int from, int to) {
    int len = to - from;
    outer:
    for (String m : KNOWN_METHODS) {
      if (m.length() != len) {
        continue;
      }
      for (int i = 0; i < len; i++) {
        if (buf[from + i] != m.charAt(i)) {
          continue outer;
        }
      }
      return m;
    }
    return ascii(buf, from, to);
  }

  private static final String SIP_2_0 = "SIP/2.0";

  /** The version as written; the shared constant when it is {@code SIP/2.0}, as on nearly every message. */
  private static String versionString(byte[] buf, int from, int to) {
    return equalsAscii(buf, from, to, SIP_2_0) ? SIP_2_0 : ascii(buf, from, to);
  }

  private static final String[] COMMON_REASONS = {
    "OK", "Trying", "Ringing", "Session Progress", "Call Is Being Forwarded", "Busy Here", "Decline",
    "Request Terminated", "Not Found", "Temporarily Unavailable", "Service Unavailable"
  };

  /** The reason phrase (UTF-8); a shared constant for the common ones, so most responses allocate none. */
  private static String reasonString(byte[] buf, int from, int to) {
    for (String r : COMMON_REASONS) {
      if (equalsAscii(buf, from, to, r)) {
        return r;
      }
    }
    return new String(buf, from, to - from, StandardCharsets.UTF_8);
  }

  private static boolean equalsAscii(byte[] buf, int from, int to, String ascii) {
    if (to - from != ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (buf[from + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String ascii(byte[] buf, int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
