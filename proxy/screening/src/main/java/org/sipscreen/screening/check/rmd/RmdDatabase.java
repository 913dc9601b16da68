package org.sipscreen.screening.check.rmd;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Robocall Mitigation Database's list of current filers, as the FCC's CSV export has it, indexed by RMD
 * number and by FRN. Immutable. Fields are found by their header ({@link RmdColumns}); quoted fields may
 * hold commas, quotes and line breaks (business addresses do). A row without an RMD number or FRN, with a
 * malformed one, or with another number of fields than the header is an error naming file and line: a
 * file the FCC changed must be looked at, not half-read.
 */
public final class RmdDatabase {

  /** No filers: what a peer is judged against before any file loads. */
  public static final RmdDatabase EMPTY = new RmdDatabase(List.of(), "0000000000000000", Duration.ZERO);

  private static final CsvFactory CSV = new CsvFactory();

  private final Map<String, RmdRecord> byRmdNumber = new HashMap<>();
  private final Map<String, RmdRecord> byFrn = new HashMap<>();
  private final int records;
  private final String version;
  private final Duration loadTime;

  private RmdDatabase(List<RmdRecord> records, String version, Duration loadTime) {
    for (RmdRecord r : records) {
      if (!r.rmdNumber().isEmpty()) {
        byRmdNumber.put(r.rmdNumber(), r);
      }
      if (!r.frn().isEmpty()) {
        byFrn.putIfAbsent(r.frn(), r);
      }
    }
    this.records = records.size();
    this.version = version;
    this.loadTime = loadTime;
  }

  /** The filers in {@code records}, for tests and tools. */
  public static RmdDatabase of(List<RmdRecord> records) {
    return new RmdDatabase(List.copyOf(records), String.format(Locale.ROOT, "%016x", records.hashCode()),
        Duration.ZERO);
  }

  /**
   * Reads the export at {@code file}.
   *
   * @throws RmdFormatException naming the file and line of the first row that cannot be used, or a mapped
   *     header the file lacks
   */
  public static RmdDatabase load(Path file, RmdColumns columns) throws IOException {
    long t0 = System.nanoTime();
    byte[] bytes = Files.readAllBytes(file);
    try (Reader text = decoder(bytes)) {
      List<RmdRecord> records = read(file.toString(), text, columns);
      return new RmdDatabase(records, version(bytes), Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  /** Reads an export from {@code text}; {@code source} names it in errors. */
  public static RmdDatabase read(String source, String text, RmdColumns columns) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try (Reader r = decoder(bytes)) {
      return new RmdDatabase(read(source, r, columns), version(bytes), Duration.ZERO);
    }
  }

  /** The filer that {@code reference} names, if it is in the file. */
  public Optional<RmdRecord> find(RmdReference reference) {
    return Optional.ofNullable(reference.isFrn() ? byFrn.get(reference.text())
        : byRmdNumber.get(reference.text()));
  }

  /** How many rows the file had. */
  public int records() {
    return records;
  }

  /** Content hash, 16 hex digits: the same file, the same version. */
  public String version() {
    return version;
  }

  public Duration loadTime() {
    return loadTime;
  }

  /** Roughly the heap the indexes take. */
  public long heapBytes() {
    return records * 600L;
  }

  private static List<RmdRecord> read(String source, Reader text, RmdColumns columns) throws IOException {
    List<RmdRecord> records = new ArrayList<>();
    try (CsvParser p = (CsvParser) CSV.createParser(text)) {
      p.enable(CsvParser.Feature.WRAP_AS_ARRAY);
      p.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
      p.enable(CsvParser.Feature.TRIM_SPACES);
      Map<String, Integer> index = null;
      int width = 0;
      List<String> row = new ArrayList<>();
      int line = 1;
      int depth = 0;
      try {
        // The parser wraps the file in one array and each row in another; a row starts at its first field.
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          if (t == JsonToken.START_ARRAY) {
            depth++;
            row.clear();
          } else if (t == JsonToken.VALUE_STRING) {
            if (row.isEmpty()) {
              line = p.currentTokenLocation().getLineNr();
            }
            row.add(p.getText());
          } else if (t == JsonToken.END_ARRAY && depth-- == 2) {
            if (row.isEmpty() || row.size() == 1 && row.get(0).isBlank()) {
              continue; // a blank line
            }
            if (index == null) {
              index = header(source, line, row, columns);
              width = row.size();
            } else {
              records.add(record(source, line, row, width, index));
            }
          }
        }
      } catch (StreamReadException e) {
        int at = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? line
            : e.getLocation().getLineNr();
        throw new RmdFormatException(source, at, null, "not CSV: " + e.getOriginalMessage());
      }
      if (index == null) {
        throw new RmdFormatException(source, 0, null, "empty file: no header line");
      }
    }
    return records;
  }

  /** Field name to column position, for the fields the file has. */
  private static Map<String, Integer> header(String source, int line, List<String> row, RmdColumns columns) {
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < row.size(); i++) {
      String h = row.get(i);
      if (i == 0 && h.startsWith("\ufeff")) {
        h = h.substring(1);
      }
      h = h.strip();
      positions.putIfAbsent(h.toLowerCase(Locale.ROOT), i);
    }
    Map<String, Integer> index = new HashMap<>();
    for (Map.Entry<String, String> c : columns.headers().entrySet()) {
      Integer at = positions.get(c.getValue().toLowerCase(Locale.ROOT));
      if (at != null) {
        index.put(c.getKey(), at);
      } else if (columns.required(c.getKey())) {
        throw new RmdFormatException(source, line, String.join(",", row), "no column '" + c.getValue()
            + "' (columns." + c.getKey() + ") in the header");
      }
    }
    return index;
  }

  private static RmdRecord record(String source, int line, List<String> row, int width,
      Map<String, Integer> index) {
    if (row.size() != width) {
      throw new RmdFormatException(source, line, String.join(",", row), row.size() + " fields where the"
          + " header has " + width);
    }
    String rmd = field(row, index, RmdColumns.RMD_NUMBER).toUpperCase(Locale.ROOT);
    String frn = field(row, index, RmdColumns.FRN);
    if (rmd.isEmpty() && frn.isEmpty()) {
      throw new RmdFormatException(source, line, String.join(",", row), "no RMD number and no FRN");
    }
    if (!rmd.isEmpty() && RmdReference.parse(rmd).filter(r -> !r.isFrn()).isEmpty()) {
      throw new RmdFormatException(source, line, String.join(",", row), "RMD number '" + rmd
          + "' is not RMD followed by digits");
    }
    if (!frn.isEmpty()) {
      Optional<RmdReference> parsed = RmdReference.parse(frn).filter(RmdReference::isFrn);
      if (parsed.isEmpty()) {
        throw new RmdFormatException(source, line, String.join(",", row), "FRN '" + frn
            + "' is not up to 10 digits");
      }
      frn = parsed.get().text();
    }
    return new RmdRecord(rmd, frn, field(row, index, RmdColumns.BUSINESS_NAME),
        field(row, index, RmdColumns.OCN), field(row, index, RmdColumns.IMPLEMENTATION),
        field(row, index, RmdColumns.CONTACT_NAME), field(row, index, RmdColumns.CONTACT_TELEPHONE),
        field(row, index, RmdColumns.CONTACT_EMAIL));
  }

  private static String field(List<String> row, Map<String, Integer> index, String field) {
    Integer at = index.get(field);
    return at == null ? "" : row.get(at).strip();
  }

  /** UTF-8, with bytes that are not replaced rather than failing the file (a stray byte in an address). */
  private static Reader decoder(byte[] bytes) {
    return new InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
  }

  private static String version(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
