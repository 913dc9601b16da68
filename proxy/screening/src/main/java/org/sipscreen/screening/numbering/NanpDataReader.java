package org.sipscreen.screening.numbering;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.sipscreen.screening.datafile.DataFileLines;

/**
 * Reads NANP numbering data: assigned area codes (NPAs) and allocated central-office codes (NPA-NXX).
 * The format is recognized from the first line that is neither blank nor a {@code #} comment.
 *
 * <p>NPA files:
 * <ul>
 *   <li>Plain: one area code per line, optionally followed by a {@code #} comment
 *       ({@code 416  # CA ON}); blank lines and {@code #} lines are ignored.
 *   <li>The NANPA NPA report ({@code npa_report.csv}, comma- or tab-separated, optionally preceded by a
 *       {@code File Date,...} line): a header row naming {@code NPA_ID} and {@code IN_SERVICE} and/or
 *       {@code ASSIGNED}. An area code counts as assigned when {@code IN_SERVICE} is Y/Yes, or when
 *       {@code ASSIGNED} is Yes and an {@code IN_SERVICE_DT} is set (a code scheduled to go into service:
 *       the report lags activations, and flagging a live area code is worse than missing a dead one).
 * </ul>
 *
 * <p>CO-code files:
 * <ul>
 *   <li>Plain: one exchange per line as {@code NPA-NXX} or {@code NPANXX}, optional {@code #} comment.
 *   <li>The NANPA Central Office Code Assignment Records ({@code allutlzd.txt}, tab-separated: State,
 *       NPA-NXX, OCN, Company, RateCenter, EffectiveDate, Use, AssignDate, Initial/Growth): rows whose
 *       {@code Use} is {@code AS} (assigned) count.
 *   <li>The Canadian CNAC CO code status report ({@code COCodeStatus_ALL.csv}): columns {@code NPA},
 *       {@code CO Code (NXX)} and {@code Status}; rows with status {@code In Service} count.
 * </ul>
 *
 * Header names compare case-insensitively and trimmed; other columns are ignored. A bad line is a
 * {@link NumberingDataFormatException} naming the file and the line; a file that yields no entry at all is
 * an error too (a truncated download must not turn every caller into "unassigned"). Files are read as
 * ISO-8859-1, so stray bytes in company names cannot fail the decoder; a UTF-8 byte-order mark is skipped.
 */
public final class NanpDataReader {

  private NanpDataReader() {}

  /** Reads an NPA file; returns the set of assigned NPA values (200-999). */
  public static BitSet readNpas(Path file) throws IOException {
    try (DataFileLines lines = DataFileLines.open(file, NumberingDataFormatException::new)) {
      return readNpas(new Lines(lines));
    }
  }

  /** Reads NPA data from a reader; {@code source} names it in error messages. */
  public static BitSet readNpas(String source, Reader text) throws IOException {
    return readNpas(new Lines(DataFileLines.of(source, text, NumberingDataFormatException::new)));
  }

  private static BitSet readNpas(Lines lines) throws IOException {
    BitSet npas = new BitSet(1000);
    String first = lines.firstContentLine();
    if (first == null) {
      throw lines.error(null, "no assigned NPAs in the file");
    }
    if (Character.isDigit(first.charAt(0))) {
      for (String line = first; line != null; line = lines.nextContentLine()) {
        npas.set(plainNpa(lines, line));
      }
    } else {
      if (first.regionMatches(true, 0, "File Date", 0, 9)) {
        first = lines.nextContentLine();
        if (first == null) {
          throw lines.error(null, "no header row after the File Date line");
        }
      }
      Header header = Header.parse(lines, first);
      int npaCol = header.require(lines, first, "NPA_ID");
      int inService = header.column("IN_SERVICE");
      int assigned = header.column("ASSIGNED");
      int inServiceDate = header.column("IN_SERVICE_DT");
      if (inService < 0 && assigned < 0) {
        throw lines.error(first, "NPA report header names neither IN_SERVICE nor ASSIGNED");
      }
      for (String line = lines.nextLine(); line != null; line = lines.nextLine()) {
        if (line.isBlank()) {
          continue;
        }
        List<String> fields = header.split(lines, line);
        int npa = code(lines, line, header.field(lines, line, fields, npaCol), "NPA_ID");
        boolean live = inService >= 0 && isYes(fields, inService);
        boolean scheduled = assigned >= 0 && isYes(fields, assigned)
            && (inService < 0 || (inServiceDate >= 0 && !field(fields, inServiceDate).isEmpty()));
        if (live || scheduled) {
          requireGeographicFirstDigit(lines, line, npa, "NPA_ID");
          npas.set(npa);
        }
      }
    }
    if (npas.isEmpty()) {
      throw lines.error(null, "no assigned NPAs in the file");
    }
    return npas;
  }

  /** Reads a CO-code file; returns the set of allocated exchanges as {@code npa * 1000 + nxx}. */
  public static BitSet readExchanges(Path file) throws IOException {
    try (DataFileLines lines = DataFileLines.open(file, NumberingDataFormatException::new)) {
      return readExchanges(new Lines(lines));
    }
  }

  /** Reads CO-code data from a reader; {@code source} names it in error messages. */
  public static BitSet readExchanges(String source, Reader text) throws IOException {
    return readExchanges(new Lines(DataFileLines.of(source, text, NumberingDataFormatException::new)));
  }

  private static BitSet readExchanges(Lines lines) throws IOException {
    BitSet exchanges = new BitSet(1_000_000);
    String first = lines.firstContentLine();
    if (first == null) {
      throw lines.error(null, "no allocated exchanges in the file");
    }
    if (Character.isDigit(first.charAt(0))) {
      for (String line = first; line != null; line = lines.nextContentLine()) {
        exchanges.set(plainExchange(lines, line));
      }
    } else {
      Header header = Header.parse(lines, first);
      int npaNxxCol = header.column("NPA-NXX");
      if (npaNxxCol >= 0) {
        int use = header.column("Use");
        for (String line = lines.nextLine(); line != null; line = lines.nextLine()) {
          if (line.isBlank()) {
            continue;
          }
          List<String> fields = header.split(lines, line);
          String value = header.field(lines, line, fields, npaNxxCol);
          if (use < 0 || field(fields, use).equalsIgnoreCase("AS")) {
            exchanges.set(exchange(lines, line, value));
          }
        }
      } else {
        int npaCol = header.column("NPA");
        int nxxCol = header.column("CO Code (NXX)");
        if (npaCol < 0 || nxxCol < 0) {
          throw lines.error(first, "unrecognized header: expected a plain NPA-NXX list, the NANPA CO"
              + " code report (NPA-NXX, Use) or the CNAC CO code status report (NPA, CO Code (NXX),"
              + " Status)");
        }
        int status = header.column("Status");
        for (String line = lines.nextLine(); line != null; line = lines.nextLine()) {
          if (line.isBlank()) {
            continue;
          }
          List<String> fields = header.split(lines, line);
          int npa = code(lines, line, header.field(lines, line, fields, npaCol), "NPA");
          int nxx = code(lines, line, header.field(lines, line, fields, nxxCol), "CO Code (NXX)");
          if (status < 0 || field(fields, status).equalsIgnoreCase("In Service")) {
            exchanges.set(npaNxx(lines, line, npa, nxx));
          }
        }
      }
    }
    if (exchanges.isEmpty()) {
      throw lines.error(null, "no allocated exchanges in the file");
    }
    return exchanges;
  }

  // ---------------------------------------------------------------------------------------------------

  private static int plainNpa(Lines lines, String line) {
    String value = withoutComment(line);
    int npa = code(lines, line, value, "NPA");
    requireGeographicFirstDigit(lines, line, npa, "NPA");
    return npa;
  }

  private static int plainExchange(Lines lines, String line) {
    return exchange(lines, line, withoutComment(line));
  }

  /** Parses "NPA-NXX" or "NPANXX". */
  private static int exchange(Lines lines, String line, String value) {
    String v = value.trim();
    String npa;
    String nxx;
    if (v.length() == 7 && v.charAt(3) == '-') {
      npa = v.substring(0, 3);
      nxx = v.substring(4);
    } else if (v.length() == 6 && v.chars().allMatch(Character::isDigit)) {
      npa = v.substring(0, 3);
      nxx = v.substring(3);
    } else {
      throw lines.error(line, "not an exchange code (NPA-NXX or NPANXX): '" + value + "'");
    }
    return npaNxx(lines, line, code(lines, line, npa, "NPA"), code(lines, line, nxx, "NXX"));
  }

  private static int npaNxx(Lines lines, String line, int npa, int nxx) {
    requireGeographicFirstDigit(lines, line, npa, "NPA");
    if (nxx < 200) {
      throw lines.error(line, "NXX " + pad(nxx) + " starts with 0 or 1");
    }
    return npa * 1000 + nxx;
  }

  /** Three digits, nothing else (surrounding spaces allowed). */
  private static int code(Lines lines, String line, String value, String what) {
    String v = value.trim();
    if (v.length() != 3 || !Character.isDigit(v.charAt(0)) || !Character.isDigit(v.charAt(1))
        || !Character.isDigit(v.charAt(2))) {
      throw lines.error(line, what + " must be three digits, was '" + value + "'");
    }
    return Integer.parseInt(v);
  }

  private static void requireGeographicFirstDigit(Lines lines, String line, int npa, String what) {
    if (npa < 200) {
      throw lines.error(line, what + " " + pad(npa) + " starts with 0 or 1");
    }
    if (NanpNumberingPlan.isN11(npa)) {
      throw lines.error(line, what + " " + npa + " is an N11 service code, never an area code");
    }
  }

  private static String pad(int code) {
    return String.format(Locale.ROOT, "%03d", code);
  }

  private static String withoutComment(String line) {
    int hash = line.indexOf('#');
    return (hash < 0 ? line : line.substring(0, hash)).trim();
  }

  private static boolean isYes(List<String> fields, int column) {
    String v = field(fields, column);
    return v.equalsIgnoreCase("Y") || v.equalsIgnoreCase("Yes");
  }

  /** The trimmed field, or "" when the row is shorter (report rows often drop trailing empty fields). */
  private static String field(List<String> fields, int column) {
    return column < fields.size() ? fields.get(column).trim() : "";
  }

  /** Lines of a {@link DataFileLines} as Strings (numbering files are small), with errors. */
  private static final class Lines {
    private final DataFileLines lines;

    Lines(DataFileLines lines) {
      this.lines = lines;
    }

    String nextLine() throws IOException {
      return lines.next() ? lines.line() : null;
    }

    /** The next line that is not blank and not a # comment, stripped; null at the end. */
    String nextContentLine() throws IOException {
      for (String line = nextLine(); line != null; line = nextLine()) {
        String t = line.strip();
        if (!t.isEmpty() && t.charAt(0) != '#') {
          return t;
        }
      }
      return null;
    }

    String firstContentLine() throws IOException {
      return nextContentLine();
    }

    NumberingDataFormatException error(String line, String why) {
      return new NumberingDataFormatException(lines.source(), lines.lineNumber(), line, why);
    }
  }

  /** A report's header row: the delimiter (tab if the header has one, else comma) and column names. */
  private static final class Header {
    private final char delimiter;
    private final List<String> names;

    private Header(char delimiter, List<String> names) {
      this.delimiter = delimiter;
      this.names = names;
    }

    static Header parse(Lines lines, String line) {
      char delimiter = line.indexOf('\t') >= 0 ? '\t' : ',';
      List<String> names = new ArrayList<>();
      for (String name : splitFields(lines, line, delimiter)) {
        names.add(name.trim());
      }
      return new Header(delimiter, names);
    }

    int column(String name) {
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).equalsIgnoreCase(name)) {
          return i;
        }
      }
      return -1;
    }

    int require(Lines lines, String line, String name) {
      int i = column(name);
      if (i < 0) {
        throw lines.error(line, "unrecognized header: expected a plain list (one code per line) or a"
            + " report header with a " + name + " column");
      }
      return i;
    }

    List<String> split(Lines lines, String line) {
      return splitFields(lines, line, delimiter);
    }

    String field(Lines lines, String line, List<String> fields, int column) {
      if (column >= fields.size()) {
        throw lines.error(line, "row has " + fields.size() + " fields, column '" + names.get(column)
            + "' is number " + (column + 1));
      }
      return fields.get(column);
    }

    /** Splits one line into fields; RFC 4180 quoting ("a, b" and "" for a quote) is honoured. */
    private static List<String> splitFields(Lines lines, String line, char delimiter) {
      List<String> fields = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"') {
            if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
              current.append('"');
              i++;
            } else {
              quoted = false;
            }
          } else {
            current.append(c);
          }
        } else if (c == '"' && current.toString().isBlank()) {
          quoted = true;
          current.setLength(0);
        } else if (c == delimiter) {
          fields.add(current.toString());
          current.setLength(0);
        } else {
          current.append(c);
        }
      }
      if (quoted) {
        throw lines.error(line, "unterminated quoted field");
      }
      fields.add(current.toString());
      return fields;
    }
  }
}
