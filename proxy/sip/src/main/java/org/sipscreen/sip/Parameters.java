package org.sipscreen.sip;

import java.util.Arrays;

/**
 * The {@code ;name=value} parameters of a header value or URI, in order, as written. Names compare
 * case-insensitively (RFC 3261 §7.3.1); a parameter without {@code =} has a null value.
 */
public final class Parameters implements Parsed<Parameters> {

  static final Parameters EMPTY = new Parameters("", new int[0], 0);

  /**
   * The text the parameters were read from and, per parameter, four offsets into it: name start, name end,
   * value start, value end (value start -1 for a flag). Names and values become strings only when asked
   * for: a proxy reads two or three parameters of each Via and URI, and most of them by name.
   */
  private final String source;
  private final int[] bounds;
  private final int size;
  /** The values made into strings so far, by index; null until one is. */
  private String[] values;

  private Parameters(String source, int[] bounds, int size) {
    this.source = source;
    this.bounds = bounds;
    this.size = size;
  }

  @Override
  public Parameters value() {
    return this;
  }

  public int size() {
    return size;
  }

  public String name(int i) {
    java.util.Objects.checkIndex(i, size);
    return source.substring(bounds[4 * i], bounds[4 * i + 1]);
  }

  /** The raw value of parameter {@code i}, or null for a flag such as {@code lr}. */
  public String value(int i) {
    java.util.Objects.checkIndex(i, size);
    int vs = bounds[4 * i + 2];
    if (vs < 0) {
      return null;
    }
    // The proxy asks for the same few values (branch, tag) several times per message: each becomes a
    // string once. A racing reader sees null or the string, and a string is safe to share.
    String[] made = values;
    if (made == null) {
      made = new String[size];
      values = made;
    }
    String v = made[i];
    if (v == null) {
      v = source.substring(vs, bounds[4 * i + 3]);
      made[i] = v;
    }
    return v;
  }

  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  /** The value of the named parameter; null when absent or when it has no value. */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : value(i);
  }

  public int indexOf(String name) {
    for (int i = 0; i < size; i++) {
      if (nameIs(i, name)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the name of parameter {@code i} is {@code name}, ignoring case. */
  private boolean nameIs(int i, String name) {
    int ns = bounds[4 * i];
    int length = bounds[4 * i + 1] - ns;
    return name != null && length == name.length() && source.regionMatches(true, ns, name, 0, length);
  }

  /** Writes {@code ;name=value...}, leaving out the named parameters. */
  public void appendTo(StringBuilder sb, String... without) {
    outer:
    for (int i = 0; i < size; i++) {
      for (String w : without) {
        if (nameIs(i, w)) {
          continue outer;
        }
      }
      sb.append(';').append(source, bounds[4 * i], bounds[4 * i + 1]);
      int vs = bounds[4 * i + 2];
      if (vs >= 0) {
        sb.append('=').append(source, vs, bounds[4 * i + 3]);
      }
    }
  }

  /**
   * Reads {@code *( LWS ";" LWS name [ LWS "=" LWS value ] )} from {@code s[from, to)}. Values are tokens,
   * quoted strings or bracketed IPv6 references; anything else is a {@link SyntaxError}.
   */
  static Parsed<Parameters> read(String s, int from, int to, boolean allowUriChars) {
    int p = skipLws(s, from, to);
    if (p == to) {
      return EMPTY;
    }
    int[] bounds = new int[8]; // two parameters, as most values have; grown when there are more
    int size = 0;
    while (p < to) {
      if (s.charAt(p) != ';') {
        return new SyntaxError<>("unexpected '" + printable(s.charAt(p)) + "' before parameter");
      }
      p = skipLws(s, p + 1, to);
      int ns = p;
      while (p < to && isParamChar(s.charAt(p), allowUriChars)) {
        p++;
      }
      if (p == ns) {
        return new SyntaxError<>("empty parameter name");
      }
      int ne = p;
      p = skipLws(s, p, to);
      int vs = -1;
      int ve = -1;
      if (p < to && s.charAt(p) == '=') {
        p = skipLws(s, p + 1, to);
        vs = p;
        if (p < to && s.charAt(p) == '"') {
          p = endOfQuoted(s, p, to);
          if (p < 0) {
            return new SyntaxError<>(UNTERMINATED_QUOTE);
          }
        } else if (p < to && s.charAt(p) == '[') {
          int close = s.indexOf(']', p);
          if (close < 0 || close >= to) {
            return new SyntaxError<>("unterminated IPv6 reference in parameter " + s.substring(ns, ne));
          }
          p = close + 1;
        } else {
          while (p < to && (isParamChar(s.charAt(p), allowUriChars) || s.charAt(p) == ':')) {
            p++;
          }
        }
        if (p == vs) {
          return new SyntaxError<>("empty value for parameter " + s.substring(ns, ne));
        }
        ve = p;
        p = skipLws(s, p, to);
      }
      if (4 * size == bounds.length) {
        bounds = Arrays.copyOf(bounds, 2 * bounds.length);
      }
      bounds[4 * size] = ns;
      bounds[4 * size + 1] = ne;
      bounds[4 * size + 2] = vs;
      bounds[4 * size + 3] = ve;
      size++;
    }
    return new Parameters(s, bounds, size);
  }

  private static boolean isParamChar(char c, boolean allowUriChars) {
    return SipMessageParser.isTokenChar(c)
        || (allowUriChars && (c == '[' || c == ']' || c == '/' || c == ':' || c == '&' || c == '$'));
  }

  static final String UNTERMINATED_QUOTE = "unterminated quoted string";

  /** Index just after the closing quote of the quoted string starting at {@code p}; -1 when unterminated. */
  static int endOfQuoted(String s, int p, int to) {
    for (int i = p + 1; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i + 1;
      }
    }
    return -1;
  }

  static int skipLws(String s, int p, int to) {
    while (p < to && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
      p++;
    }
    return p;
  }

  static String printable(char c) {
    return c >= 0x21 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
  }
}
