package org.sipscreen.sip;

/**
 * Content-Length framing for stream transports (RFC 3261 §18.3): given the header block of a message, how
 * many body bytes follow. Shared by every stream transport; it looks at nothing but Content-Length.
 */
public final class StreamFraming {

  /** No Content-Length header: over a stream that means an empty body. */
  public static final int ABSENT = 0;
  /** Several Content-Length headers, or a value that is not a non-negative integer: close the stream. */
  public static final int INVALID = -1;

  private StreamFraming() {}

  /**
   * The Content-Length declared in {@code headers[0, length)} (start line and header lines, with or without
   * the blank line), {@link #ABSENT} when there is none, or {@link #INVALID}.
   */
  public static int contentLength(byte[] headers, int length) {
    int found = -2;
    int p = 0;
    while (p < length) {
      int eol = p;
      while (eol < length && headers[eol] != '\n') {
        eol++;
      }
      if (p > 0 && headers[p] != ' ' && headers[p] != '\t') {
        int colon = p;
        while (colon < eol && headers[colon] != ':') {
          colon++;
        }
        int ne = colon;
        while (ne > p && (headers[ne - 1] == ' ' || headers[ne - 1] == '\t')) {
          ne--;
        }
        if (colon < eol && HeaderName.of(headers, p, ne) == HeaderName.CONTENT_LENGTH) {
          if (found != -2) {
            return INVALID;
          }
          int vs = colon + 1;
          int ve = eol;
          while (vs < ve && (headers[vs] == ' ' || headers[vs] == '\t')) {
            vs++;
          }
          while (ve > vs && (headers[ve - 1] == ' ' || headers[ve - 1] == '\t'
              || headers[ve - 1] == '\r')) {
            ve--;
          }
          long v = SipMessageParser.parseDecimal(headers, vs, ve, 9);
          if (v < 0) {
            return INVALID;
          }
          found = (int) v;
        }
      }
      p = eol + 1;
    }
    return found == -2 ? ABSENT : found;
  }
}
