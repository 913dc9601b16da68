package org.sipscreen.sip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code ;name=value} parameters of a header value or URI, in order, as written. Names compare
 * case-insensitively (RFC 3261 §7.3.1); a parameter without {@code =} has a null value.
 */
public final class Parameters implements Parsed<Parameters> {

  static final Parameters EMPTY = new Parameters(Collections.emptyList(), Collections.emptyList());

  private final List<String> names;
  private final List<String> values;

  Parameters(List<String> names, List<String> values) {
    this.names = names;
    this.values = values;
  }

  @Override
  public Parameters value() {
    return this;
  }

  public int size() {
    return names.size();
  }

  public String name(int i) {
    return names.get(i);
  }

  /** The raw value of parameter {@code i}, or null for a flag such as {@code lr}. */
  public String value(int i) {
    return values.get(i);
  }

  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  /** The value of the named parameter; null when absent or when it has no value. */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : values.get(i);
  }

  public int indexOf(String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Writes {@code ;name=value...}, leaving out the named parameters. */
  public void appendTo(StringBuilder sb, String... without) {
    outer:
    for (int i = 0; i < names.size(); i++) {
      for (String w : without) {
        if (names.get(i).equalsIgnoreCase(w)) {
          continue outer;
        }
      }
      sb.append(';').append(names.get(i));
      if (values.get(i) != null) {
        sb.append('=').append(values.get(i));
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
    List<String> names = new ArrayList<>(4);
    List<String> values = new ArrayList<>(4);
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
      String name = s.substring(ns, p);
      p = skipLws(s, p, to);
      String value = null;
      if (p < to && s.charAt(p) == '=') {
        p = skipLws(s, p + 1, to);
        int vs = p;
        if (p < to && s.charAt(p) == '"') {
          p = endOfQuoted(s, p, to);
          if (p < 0) {
            return new SyntaxError<>(UNTERMINATED_QUOTE);
          }
        } else if (p < to && s.charAt(p) == '[') {
          int close = s.indexOf(']', p);
          if (close < 0 || close >= to) {
            return new SyntaxError<>("unterminated IPv6 reference in parameter " + name);
          }
          p = close + 1;
        } else {
          while (p < to && (isParamChar(s.charAt(p), allowUriChars) || s.charAt(p) == ':')) {
            p++;
          }
        }
        if (p == vs) {
          return new SyntaxError<>("empty value for parameter " + name);
        }
        value = s.substring(vs, p);
        p = skipLws(s, p, to);
      }
      names.add(name);
      values.add(value);
    }
    return new Parameters(names, values);
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
