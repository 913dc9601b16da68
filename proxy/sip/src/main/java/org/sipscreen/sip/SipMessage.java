package org.sipscreen.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One framed SIP message over the bytes it arrived in. Framing finds the start line, the header lines and
 * the body; header values are turned into strings only when asked for, and the bytes are never rewritten:
 * edits for forwarding are recorded in a {@link MessageEdits} and applied when the message is written.
 *
 * <p>Instances are built by {@link SipMessageParser} and are not thread-safe. A header value or the
 * Request-URI, once turned into a string, is kept: the proxy, the chain and the decision record each ask for
 * the same few (Call-ID, From, To, CSeq) and get the same string.
 */
public final class SipMessage implements Framed {

  final byte[] buf;
  final int start;
  final int end;
  final int headersEnd;
  final int bodyStart;
  final int bodyEnd;

  // Start line.
  final boolean request;
  final String method;
  final int uriStart;
  final int uriEnd;
  final String version;
  final int status;
  final String reasonPhrase;
  final String startLineProblem;
  final String headerProblem;

  // Header index, in order of appearance: the names, and five offsets per header in one array (line start,
  // name end, value start, value end, line end), so that a message allocates two arrays, not six.
  final int headerCount;
  final HeaderName[] names;
  final int[] bounds;
  final String framingProblem;

  /** Header values already turned into strings, by index; made at the first {@link #headerValue}. */
  private String[] valueText;
  private String requestUriText;

  SipMessage(byte[] buf, int start, int end, int headersEnd, int bodyStart, int bodyEnd, boolean request,
      String method, int uriStart, int uriEnd, String version, int status, String reasonPhrase,
      String startLineProblem, String headerProblem, int headerCount, HeaderName[] names, int[] bounds,
      String framingProblem) {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.headersEnd = headersEnd;
    this.bodyStart = bodyStart;
    this.bodyEnd = bodyEnd;
    this.request = request;
    this.method = method;
    this.uriStart = uriStart;
    this.uriEnd = uriEnd;
    this.version = version;
    this.status = status;
    this.reasonPhrase = reasonPhrase;
    this.startLineProblem = startLineProblem;
    this.headerProblem = headerProblem;
    this.headerCount = headerCount;
    this.names = names;
    this.bounds = bounds;
    this.framingProblem = framingProblem;
  }

  public boolean isRequest() {
    return request;
  }

  /** The request method exactly as received; empty for responses. */
  public String method() {
    return method;
  }

  /** The Request-URI text; empty for responses. */
  public String requestUri() {
    String text = requestUriText;
    if (text == null) {
      text = ascii(uriStart, uriEnd);
      requestUriText = text;
    }
    return text;
  }

  /** The SIP-Version text of the start line, as received. */
  public String version() {
    return version;
  }

  /** The status code of a response; 0 for requests. */
  public int status() {
    return status;
  }

  public String reasonPhrase() {
    return reasonPhrase;
  }

  /** Why the start line is not well-formed, or null when it is. */
  public String startLineProblem() {
    return startLineProblem;
  }

  /** Why a header line is not well-formed (no colon, bad name, folding before any header), or null. */
  public String headerProblem() {
    return headerProblem;
  }

  /** Why Content-Length framing failed (missing bytes, negative, several values), or null. */
  public String framingProblem() {
    return framingProblem;
  }

  public int headerCount() {
    return headerCount;
  }

  public HeaderName headerName(int index) {
    return names[index];
  }

  /** The header name exactly as written (compact or long form). */
  public String rawHeaderName(int index) {
    return ascii(lineStart(index), bounds[5 * index + 1]).trim();
  }

  /** The header value with line folding replaced by single spaces and surrounding whitespace trimmed. */
  public String headerValue(int index) {
    String[] texts = valueText;
    if (texts == null) {
      texts = new String[headerCount];
      valueText = texts;
    }
    String text = texts[index];
    if (text == null) {
      text = unfold(valueStart(index), valueEnd(index));
      texts[index] = text;
    }
    return text;
  }

  /** Index of the first header with this name, or -1. */
  public int indexOf(HeaderName name) {
    return indexOf(name, 0);
  }

  /** Index of the first header with this name at or after {@code from}, or -1. */
  public int indexOf(HeaderName name, int from) {
    for (int i = from; i < headerCount; i++) {
      if (names[i] == name) {
        return i;
      }
    }
    return -1;
  }

  /** How many header lines have this name. */
  public int count(HeaderName name) {
    int n = 0;
    for (int i = 0; i < headerCount; i++) {
      if (names[i] == name) {
        n++;
      }
    }
    return n;
  }

  /** The first value of this header, or null when absent. */
  public String first(HeaderName name) {
    int i = indexOf(name);
    return i < 0 ? null : headerValue(i);
  }

  /**
   * Every comma-separated value of every header line with this name, in order (RFC 3261 §7.3.1): commas
   * inside quoted strings and angle brackets do not split.
   */
  public List<String> values(HeaderName name) {
    List<String> out = new ArrayList<>(2);
    for (int i = 0; i < headerCount; i++) {
      if (names[i] == name) {
        HeaderValues.split(headerValue(i), out);
      }
    }
    return out;
  }

  /** The comma-separated values of one header line, in order. */
  public List<String> lineValues(int index) {
    List<String> out = new ArrayList<>(2);
    HeaderValues.split(headerValue(index), out);
    return out;
  }

  /** The raw bytes of the whole message. Callers must not modify the returned array. */
  public byte[] buffer() {
    return buf;
  }

  public int start() {
    return start;
  }

  public int end() {
    return end;
  }

  public int bodyLength() {
    return bodyEnd - bodyStart;
  }

  /** Start of a header line (its first byte) in {@link #buffer()}. */
  public int lineStart(int index) {
    return bounds[5 * index];
  }

  /** End of a header line, just after its CRLF, in {@link #buffer()}. */
  public int lineEnd(int index) {
    return bounds[5 * index + 4];
  }

  /** Start of the header value (after the colon and leading whitespace) in {@link #buffer()}. */
  public int valueStart(int index) {
    return bounds[5 * index + 2];
  }

  /** End of the header value (trailing whitespace excluded) in {@link #buffer()}. */
  public int valueEnd(int index) {
    return bounds[5 * index + 3];
  }

  /** Offset of the blank line that ends the headers; new header lines are inserted here. */
  public int headersEnd() {
    return headersEnd;
  }

  public int requestUriStart() {
    return uriStart;
  }

  public int requestUriEnd() {
    return uriEnd;
  }

  @Override
  public String toString() {
    return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
  }

  String ascii(int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
  }

  /**
   * Values are decoded as ISO-8859-1 so every byte maps to one char and offsets stay meaningful; UTF-8 text
   * in display names survives a round trip through {@link String#getBytes} with the same charset.
   */
  private String unfold(int from, int to) {
    boolean folded = false;
    for (int i = from; i < to; i++) {
      if (buf[i] == '\r' || buf[i] == '\n') {
        folded = true;
        break;
      }
    }
    if (!folded) {
      return ascii(from, to);
    }
    StringBuilder sb = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      byte b = buf[i];
      if (b == '\r' || b == '\n') {
        while (sb.length() > 0 && isWs(sb.charAt(sb.length() - 1))) {
          sb.setLength(sb.length() - 1);
        }
        while (i < to && (buf[i] == '\r' || buf[i] == '\n' || buf[i] == ' ' || buf[i] == '\t')) {
          i++;
        }
        sb.append(' ');
        continue;
      }
      sb.append((char) (b & 0xff));
      i++;
    }
    return sb.toString();
  }

  private static boolean isWs(char c) {
    return c == ' ' || c == '\t';
  }
}
