package org.sipscreen.sip;

/**
 * A From, To, Contact, Route, Record-Route or P-Asserted-Identity value: {@code [display-name] <uri>} or a
 * bare addr-spec, followed by header parameters (RFC 3261 §20.10, §25.1). Parsing is strict: unbalanced
 * quotes, spaces inside the brackets, non-token display names and empty parameters are refused, because a
 * proxy must not pass on what it cannot read the same way as the next hop.
 */
public record NameAddr(String displayName, String uri, boolean bracketed, Parameters params) {

  /** The display name without its quotes, as written inside them; empty when there is none. */
  public String unquotedDisplayName() {
    if (displayName.length() >= 2 && displayName.charAt(0) == '"') {
      return displayName.substring(1, displayName.length() - 1);
    }
    return displayName;
  }

  public String tag() {
    return params.get("tag");
  }

  /** Parses one value; a {@link SipSyntaxException} says what is wrong. */
  public static NameAddr parse(String value) {
    String s = value;
    int to = s.length();
    int p = Parameters.skipLws(s, 0, to);
    if (p == to) {
      throw new SipSyntaxException("empty address");
    }
    String display = "";
    int lt;
    if (s.charAt(p) == '"') {
      int q = Parameters.endOfQuoted(s, p, to);
      display = s.substring(p, q);
      lt = Parameters.skipLws(s, q, to);
      if (lt == to || s.charAt(lt) != '<') {
        throw new SipSyntaxException("quoted display name not followed by <uri>");
      }
    } else {
      lt = indexOfUnquoted(s, p, to, '<');
      if (lt >= 0) {
        // display-name = *(token LWS): every word before '<' must be a token.
        int e = lt;
        while (e > p && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\t')) {
          e--;
        }
        for (int i = p; i < e; i++) {
          char c = s.charAt(i);
          if (!(SipMessageParser.isTokenChar(c) || c == ' ' || c == '\t')) {
            throw new SipSyntaxException("display name must be a token or quoted: '"
                + Parameters.printable(c) + "'");
          }
        }
        display = s.substring(p, e);
      }
    }
    if (lt >= 0) {
      int gt = s.indexOf('>', lt + 1);
      if (gt < 0) {
        throw new SipSyntaxException("missing '>'");
      }
      String uri = s.substring(lt + 1, gt);
      checkUri(uri, true);
      Parameters params = Parameters.parse(s, gt + 1, to, false);
      return new NameAddr(display, uri, true, params);
    }
    // addr-spec without brackets: the URI ends at the first ';', which starts header parameters.
    int semi = s.indexOf(';', p);
    int uriEnd = semi < 0 ? to : semi;
    while (uriEnd > p && (s.charAt(uriEnd - 1) == ' ' || s.charAt(uriEnd - 1) == '\t')) {
      uriEnd--;
    }
    String uri = s.substring(p, uriEnd);
    checkUri(uri, false);
    if (uri.indexOf('?') >= 0) {
      throw new SipSyntaxException("URI with headers must be enclosed in <>");
    }
    Parameters params = semi < 0 ? Parameters.EMPTY : Parameters.parse(s, semi, to, false);
    return new NameAddr(display, uri, false, params);
  }

  /** Writes this value back, with a new display name and URI; header parameters stay as they were. */
  public String format(String newDisplayName, String newUri) {
    StringBuilder sb = new StringBuilder(newUri.length() + 32);
    if (!newDisplayName.isEmpty()) {
      sb.append(newDisplayName).append(' ');
    }
    sb.append('<').append(newUri).append('>');
    params.appendTo(sb);
    return sb.toString();
  }

  private static void checkUri(String uri, boolean bracketed) {
    if (uri.isEmpty()) {
      throw new SipSyntaxException("empty URI");
    }
    int colon = uri.indexOf(':');
    if (colon <= 0 || !Character.isLetter(uri.charAt(0))) {
      throw new SipSyntaxException("URI has no scheme");
    }
    for (int i = 1; i < colon; i++) {
      char c = uri.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.') || c > 0x7f) {
        throw new SipSyntaxException("bad URI scheme");
      }
    }
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c <= ' ' || c == '<' || c == '"' || c >= 0x7f || (!bracketed && c == ',')) {
        throw new SipSyntaxException("illegal character in URI: '" + Parameters.printable(c) + "'");
      }
    }
  }

  private static int indexOfUnquoted(String s, int from, int to, char target) {
    boolean quoted = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == target) {
        return i;
      }
    }
    return -1;
  }
}
