package org.sipscreen.sip;

import java.util.List;

/** Splits comma-separated header values (RFC 3261 §7.3.1) and reads their parameters. */
final class HeaderValues {

  private HeaderValues() {}

  /**
   * Adds each comma-separated element of {@code value} to {@code out}, trimmed. Commas inside quoted strings
   * and angle brackets do not split; empty elements are kept so that a validator can refuse {@code ,,}.
   */
  static void split(String value, List<String> out) {
    if (value.indexOf(',') < 0) {
      out.add(value.trim()); // most values (Via, Contact, Route, Identity) are one element
      return;
    }
    int depth = 0;
    boolean quoted = false;
    int from = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        depth++;
      } else if (c == '>') {
        depth = Math.max(0, depth - 1);
      } else if (c == ',' && depth == 0) {
        out.add(value.substring(from, i).trim());
        from = i + 1;
      }
    }
    out.add(value.substring(from).trim());
  }
}
