package org.sipscreen.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.PhoneNumbers;

/**
 * Answers a traceback request from the decision records: which calls from a calling number (and/or to a
 * called number) in a time window, with the upstream peer and address each came from. Reads only the
 * hourly files that overlap the window ({@link DecisionFiles}), and in them looks for the exact bytes
 * {@code "caller":"+1..."} (Boyer-Moore-Horspool) before parsing any JSON; only lines that contain them
 * are parsed and checked against the whole query. Files are read, never locked or changed, so a query
 * runs while the proxy writes.
 */
public final class Traceback {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 4 * 1024 * 1024;

  private Traceback() {}

  /**
   * A traceback question. At least one of caller and callee is set; both are E.164.
   *
   * @param caller the calling number, or null for any
   * @param callee the called number, or null for any
   * @param from the window's start, inclusive
   * @param to the window's end, inclusive
   * @param peer only calls from this source peer, or null for any
   * @param limit at most this many records are returned
   */
  public record Query(String caller, String callee, Instant from, Instant to, String peer, int limit) {
    public Query {
      if (caller == null && callee == null) {
        throw new IllegalArgumentException("a caller or a callee number is required");
      }
      requireE164(caller, "caller");
      requireE164(callee, "callee");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
      }
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be positive, was " + limit);
      }
    }

    /**
     * A query from user input: numbers in any form {@code numbers} can normalize ({@code +1 202-555-0123},
     * {@code 2025550123}), times as {@link #parseTime} reads them. Throws IllegalArgumentException with a
     * message naming the bad parameter.
     */
    public static Query parse(String caller, String callee, String from, String to, String peer, int limit,
        PhoneNumbers numbers) {
      if (from == null || from.isBlank()) {
        throw new IllegalArgumentException("from is required (e.g. 2026-11-28T19:00:00Z)");
      }
      if (to == null || to.isBlank()) {
        throw new IllegalArgumentException("to is required (e.g. 2026-11-28T20:00:00Z)");
      }
      return new Query(number(caller, "caller", numbers), number(callee, "callee", numbers),
          parseTime(from, "from"), parseTime(to, "to"), peer == null || peer.isBlank() ? null : peer, limit);
    }

    private static String number(String text, String what, PhoneNumbers numbers) {
      if (text == null || text.isBlank()) {
        return null;
      }
      PhoneNumber n = numbers.fromNumber(text.strip());
      if (n instanceof PhoneNumber.E164 e) {
        return e.value();
      }
      throw new IllegalArgumentException(what + " '" + text + "' is not a phone number");
    }

    private static void requireE164(String n, String what) {
      if (n != null && !n.matches("\\+[1-9][0-9]{0,14}")) {
        throw new IllegalArgumentException(what + " must be E.164 (+ and up to 15 digits), was '" + n + "'");
      }
    }
  }

  /**
   * The answer.
   *
   * @param records the matching records, oldest first, as written
   * @param truncated more records matched than the query's limit
   * @param filesScanned files read
   * @param bytesScanned bytes read
   * @param unreadableLines lines that contained the number but were not valid records (a line a crash cut)
   * @param filesSkipped files in the window not read because their index ({@link RecordIndex}) lacks the
   *     number
   */
  public record Result(List<ObjectNode> records, boolean truncated, int filesScanned, long bytesScanned,
      int unreadableLines, int filesSkipped) {}

  /**
   * Reads a time: ISO-8601 with {@code Z} or an offset ({@code 2026-11-28T19:04:05Z},
   * {@code 2026-11-28T14:04-05:00}), a date-time without zone (read as UTC) or a date (its UTC midnight).
   */
  public static Instant parseTime(String text, String what) {
    String t = text.strip();
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      // try the next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(what + " '" + text + "' is not a time; use ISO-8601 such as"
          + " 2026-11-28T19:04:05Z");
    }
  }

  /** Runs {@code query} over the records in {@code dir}. */
  public static Result run(Path dir, Query query) throws IOException {
    byte[] needle = query.caller() != null
        ? DecisionJson.callerKey(query.caller()) : DecisionJson.calleeKey(query.callee());
    // Search without the closing quote (a digit is a better last byte for Horspool than '"', which is
    // everywhere in JSON) and check the quote after each hit.
    Finder finder = new Finder(Arrays.copyOf(needle, needle.length - 1));
    long fromMillis = query.from().toEpochMilli();
    long toMillis = query.to().toEpochMilli();
    List<DecisionFiles.Segment> files = DecisionFiles.overlapping(dir, fromMillis, toMillis);
    Scan scan = new Scan(query, fromMillis, toMillis);
    byte[] buf = new byte[CHUNK];
    long callerKey = query.caller() == null ? 0 : RecordIndex.key(query.caller());
    long calleeKey = query.callee() == null ? 0 : RecordIndex.key(query.callee());
    for (DecisionFiles.Segment f : files) {
      if (scan.full()) {
        break;
      }
      if (!RecordIndex.mayContain(f.path(), callerKey, calleeKey)) {
        scan.skipped++;
        continue; // its index says no record has this caller (callee)
      }
      buf = scanFile(f.path(), buf, finder, scan);
      scan.files++;
    }
    scan.matches.sort(Comparator.comparing(n -> n.path("time").asText()));
    return new Result(List.copyOf(scan.matches), scan.truncated, scan.files, scan.bytes, scan.unreadable,
        scan.skipped);
  }

  private static byte[] scanFile(Path path, byte[] buf, Finder finder, Scan scan) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return buf; // deleted by retention since it was listed
    }
    try (ch) {
      int kept = 0;
      boolean eof = false;
      while (!eof && !scan.full()) {
        if (kept == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, kept, buf.length - kept);
        int filled = kept;
        while (bb.hasRemaining()) {
          int n = ch.read(bb);
          if (n < 0) {
            eof = true;
            break;
          }
          filled += n;
          scan.bytes += n;
        }
        // Search whole lines only; the tail after the last newline waits for the next read, unless the
        // file ends (then it is a line a crash cut short, searched like any other).
        int end = eof ? filled : lastNewline(buf, filled) + 1;
        if (end <= 0 && !eof) {
          kept = filled;
          continue;
        }
        searchLines(buf, end, finder, scan);
        kept = filled - end;
        System.arraycopy(buf, end, buf, 0, kept);
      }
    }
    return buf;
  }

  private static void searchLines(byte[] buf, int end, Finder finder, Scan scan) {
    int at = 0;
    while (!scan.full()) {
      int hit = finder.find(buf, at, end);
      if (hit < 0) {
        return;
      }
      int after = hit + finder.length();
      int lineEnd = after;
      while (lineEnd < end && buf[lineEnd] != '\n') {
        lineEnd++;
      }
      if (after < end && buf[after] == '"') {
        int lineStart = hit;
        while (lineStart > 0 && buf[lineStart - 1] != '\n') {
          lineStart--;
        }
        scan.consider(buf, lineStart, lineEnd - lineStart);
      }
      at = lineEnd + 1;
    }
  }

  private static int lastNewline(byte[] buf, int filled) {
    for (int i = filled - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** The state of one query: what matched so far and what was read. */
  private static final class Scan {
    final Query query;
    final long fromMillis;
    final long toMillis;
    final List<ObjectNode> matches = new ArrayList<>();
    boolean truncated;
    int files;
    long bytes;
    int unreadable;
    int skipped;

    Scan(Query query, long fromMillis, long toMillis) {
      this.query = query;
      this.fromMillis = fromMillis;
      this.toMillis = toMillis;
    }

    boolean full() {
      return truncated;
    }

    void consider(byte[] buf, int offset, int length) {
      JsonNode node;
      long time;
      try {
        node = JSON.readTree(buf, offset, length);
        time = Instant.parse(node.path("time").asText()).toEpochMilli();
      } catch (JsonProcessingException | DateTimeParseException e) {
        unreadable++;
        return;
      } catch (IOException e) {
        unreadable++;
        return;
      }
      if (!(node instanceof ObjectNode record) || time < fromMillis || time > toMillis
          || !matches(record, "caller", query.caller()) || !matches(record, "callee", query.callee())
          || !matches(record, "peer", query.peer())) {
        return;
      }
      if (matches.size() == query.limit()) {
        truncated = true;
        return;
      }
      matches.add(record);
    }

    private static boolean matches(ObjectNode record, String field, String wanted) {
      return wanted == null || wanted.equals(record.path(field).asText(null));
    }
  }

  /** Boyer-Moore-Horspool search for one byte pattern. */
  static final class Finder {
    private final byte[] needle;
    private final int[] shift = new int[256];

    Finder(byte[] needle) {
      if (needle.length == 0) {
        throw new IllegalArgumentException("empty pattern");
      }
      this.needle = needle.clone();
      Arrays.fill(shift, needle.length);
      for (int i = 0; i < needle.length - 1; i++) {
        shift[needle[i] & 0xff] = needle.length - 1 - i;
      }
    }

    int length() {
      return needle.length;
    }

    /** The first index in {@code [from, to)} where the pattern starts and fits, or -1. */
    int find(byte[] hay, int from, int to) {
      int last = needle.length - 1;
      byte lastByte = needle[last];
      for (int i = from; i + last < to; ) {
        byte c = hay[i + last];
        if (c == lastByte && Arrays.equals(hay, i, i + last, needle, 0, last)) {
          return i;
        }
        i += shift[c & 0xff];
      }
      return -1;
    }
  }
}
