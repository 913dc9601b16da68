package org.sipscreen.sip;

/**
 * A From, To, Contact, Route, Record-Route or P-Asserted-Identity value: {@code [display-name] <uri>} or a
 * bare addr-spec, followed by header parameters (RFC 3261 §20.10, §25.1). Parsing is strict: unbalanced
 * quotes, spaces inside the brackets, non-token display names and empty parameters are refused, because a
 * proxy must not pass on what it cannot read the same way as the next hop.
 */
public record NameAddr(String displayName, String uri, boolean bracketed, Parameters params)
    implements Parsed<NameAddr> {

  @Override
  public NameAddr value() {
    return this;
  }

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

  /** Parses one value of trusted text; a {@link SipSyntaxException} says what is wrong. */
  public static NameAddr parse(String value) {
    return read(value).value();
  }

  /** Reads one value a peer sent; a {@link SyntaxError} says what is wrong. */
  public static Parsed<NameAddr> read(String value) {
    String s = value;
    int to = s.length();
    int p = Parameters.skipLws(s, 0, to);
    if (p == to) {
      return new SyntaxError<>("empty address");
    }
    String display = "";
    int lt;
    if (s.charAt(p) == '"') {
      int q = Parameters.endOfQuoted(s, p, to);
      if (q < 0) {
        return new SyntaxError<>(Parameters.UNTERMINATED_QUOTE);
      }
      display = s.substring(p, q);
      lt = Parameters.skipLws(s, q, to);
      if (lt == to || s.charAt(lt) != '<') {
        return new SyntaxError<>("quoted display name not followed by <uri>");
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
            return new SyntaxError<>("display name must be a token or quoted: '"
                + Parameters.printable(c) + "'");
          }
        }
        display = s.substring(p, e);
      }
    }
    if (lt >= 0) {
      int gt = s.indexOf('>', lt + 1);
      if (gt < 0) {
        return new SyntaxError<>("missing '>'");
      }
      String uri = s.substring(lt + 1, gt);
      String problem = uriProblem(uri, true);
      if (problem != null) {
        return new SyntaxError<>(problem);
      }
      Parsed<Parameters> params = Parameters.read(s, gt + 1, to, false);
      if (params instanceof SyntaxError<Parameters> bad) {
        return bad.as();
      }
      return new NameAddr(display, uri, true, (Parameters) params);
    }
    // addr-spec without brackets: the URI ends at the first ';', which starts header parameters.
    int semi = s.indexOf(';', p);
    int uriEnd = semi < 0 ? to : semi;
    while (uriEnd > p && (s.charAt(uriEnd - 1) == ' ' || s.charAt(uriEnd - 1) == '\t')) {
      uriEnd--;
    }
    String uri = s.substring(p, uriEnd);
    String problem = uriProblem(uri, false);
    if (problem != null) {
      return new SyntaxError<>(problem);
    }
    if (uri.indexOf('?') >= 0) {
      return new SyntaxError<>("URI with headers must be enclosed in <>");
    }
    Parsed<Parameters> params = semi < 0 ? Parameters.EMPTY : Parameters.read(s, semi, to, false);
    if (params instanceof SyntaxError<Parameters> bad) {
      return bad.as();
    }
    return new NameAddr(display, uri, false, (Parameters) params);
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

  /** What is wrong with the URI of a value, or null when nothing is. */
  private static String uriProblem(String uri, boolean bracketed) {
    if (uri.isEmpty()) {
      return "empty URI";
    }
    int colon = uri.indexOf(':');
    if (colon <= 0 || !Character.isLetter(uri.charAt(0))) {
      return "URI has no scheme";
    }
    for (int i = 1; i < colon; i++) {
      char c = uri.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.') || c > 0x7f) {
        return "bad URI scheme";
      }
    }
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c <= ' ' || c == '<' || c == '"' || c >= 0x7f || (!bracketed && c == ',')) {
        return "illegal character in URI: '" + Parameters.printable(c) + "'";
      }
    }
    return null;
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
