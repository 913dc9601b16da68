package org.sipscreen.screening.datafile;

/**
 * A line of a data file (number list, numbering data, reputation feed) that cannot be used. The message is
 * {@code <file>:<line>: <why>: '<text>'}, the text shortened and with control characters escaped so that
 * it fits a log line; config errors quote it as it is.
 */
public class DataFileFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_QUOTED = 80;

  private final String source;
  private final int lineNumber;

  /** @param line the offending text, or null for a problem of the whole file */
  protected DataFileFormatException(String source, int lineNumber, String line, String why) {
    super(source + ":" + lineNumber + ": " + why + (line == null ? "" : ": '" + printable(line) + "'"));
    this.source = source;
    this.lineNumber = lineNumber;
  }

  /** The file (or other source name) the bad line came from. */
  public String source() {
    return source;
  }

  /** 1-based line number of the bad line (for a whole-file problem, the last line read). */
  public int lineNumber() {
    return lineNumber;
  }

  private static String printable(String line) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < line.length() && sb.length() < MAX_QUOTED; i++) {
      char c = line.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= MAX_QUOTED) {
      sb.append("...");
    }
    return sb.toString();
  }
}
