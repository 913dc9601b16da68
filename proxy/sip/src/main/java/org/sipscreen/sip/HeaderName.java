package org.sipscreen.sip;

import java.nio.charset.StandardCharsets;

/**
 * The header fields the proxy itself reads, with their RFC 3261 §7.3.3 compact forms. Every other header is
 * {@link #OTHER} and is carried through untouched.
 */
public enum HeaderName {
  VIA("Via", 'v'),
  FROM("From", 'f'),
  TO("To", 't'),
  CALL_ID("Call-ID", 'i'),
  CSEQ("CSeq", (char) 0),
  MAX_FORWARDS("Max-Forwards", (char) 0),
  CONTENT_LENGTH("Content-Length", 'l'),
  CONTACT("Contact", 'm'),
  ROUTE("Route", (char) 0),
  RECORD_ROUTE("Record-Route", (char) 0),
  PROXY_REQUIRE("Proxy-Require", (char) 0),
  P_ASSERTED_IDENTITY("P-Asserted-Identity", (char) 0),
  IDENTITY("Identity", 'y'),
  REASON("Reason", (char) 0),
  USER_AGENT("User-Agent", (char) 0),
  OTHER("", (char) 0);

  private static final HeaderName[] VALUES = values();

  private final String canonical;
  private final byte[] lower;
  private final char compact;

  HeaderName(String canonical, char compact) {
    this.canonical = canonical;
    this.lower = canonical.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    this.compact = compact;
  }

  /** The canonical spelling, used when the proxy writes a header of its own. */
  public String canonical() {
    return canonical;
  }

  /** Classifies the header name in {@code buf[start, end)}, case-insensitively (RFC 3261 §7.3.1). */
  static HeaderName of(byte[] buf, int start, int end) {
    int len = end - start;
    if (len == 1) {
      char c = (char) (buf[start] | 0x20);
      for (HeaderName h : VALUES) {
        if (h.compact == c) {
          return h;
        }
      }
      return OTHER;
    }
    if (len >= BY_LENGTH.length) {
      return OTHER;
    }
    for (HeaderName h : BY_LENGTH[len]) {
      if (equalsLower(buf, start, h.lower)) {
        return h;
      }
    }
    return OTHER;
  }

  /** The names by the length of their full form (at most two share one), so a name is compared once or twice. */
  private static final HeaderName[][] BY_LENGTH = byLength();

  private static HeaderName[][] byLength() {
    int longest = 0;
    for (HeaderName h : VALUES) {
      longest = Math.max(longest, h.lower.length);
    }
    HeaderName[][] out = new HeaderName[longest + 1][];
    for (int len = 0; len <= longest; len++) {
      int length = len;
      out[len] = java.util.Arrays.stream(VALUES).filter(h -> h != OTHER && h.lower.length == length)
          .toArray(HeaderName[]::new);
    }
    return out;
  }

  private static boolean equalsLower(byte[] buf, int start, byte[] lower) {
    for (int i = 0; i < lower.length; i++) {
      int b = buf[start + i];
      if (b >= 'A' && b <= 'Z') {
        b |= 0x20;
      }
      if (b != lower[i]) {
        return false;
      }
    }
    return true;
  }
}
