package org.sipscreen.screening.numbering;

/** A numbering data file (NPA list, CO-code list, administrator report) has a line that cannot be used. */
public final class NumberingDataFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_QUOTED = 80;

  private final String source;
  private final int lineNumber;

  NumberingDataFormatException(String source, int lineNumber, String line, String why) {
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
