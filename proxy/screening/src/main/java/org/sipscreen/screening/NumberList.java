package org.sipscreen.screening;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.sipscreen.screening.datafile.DataFileLines;

/**
 * An immutable snapshot of E.164 numbers and number prefixes, loaded from a plain text file, answering
 * "is this caller listed" without allocating: exact numbers in a {@link NumberTable} (about 5.7 bytes
 * each from 3 million numbers up, 11.4 below; a lookup reads one cache line of keys in the common case),
 * prefixes in one {@code NumberTable} per digit count, looked up longest first. Reload by loading a new snapshot and swapping it in; readers never
 * see a half load. Loading streams the file through one reused buffer ({@link DataFileLines}): no String
 * per line; the load allocates about 20 bytes per number, most of it the transient {@code long[]} of
 * hashes that is sorted.
 *
 * <p>File syntax, one entry per line:
 * <pre>
 * # a comment; '#' starts a comment anywhere on a line
 * +12025550123          an exact number (E.164, 7-15 digits)
 * 1 (202) 555-0124      the same without '+': still E.164, the country code is required
 * +1 900*               a prefix: every number whose digits start with 1900 (1-15 digits, then '*')
 * </pre>
 * Visual separators {@code -.()} and spaces are ignored; blank lines, duplicates and a leading byte-order
 * mark are ignored. Entries are always international (no national forms: "2025550123" means +20 25550123,
 * not +1 202 555 0123). A number listed both exactly and under a prefix is simply listed. Anything else is
 * a {@link NumberListFormatException} naming the file, the line number and the text.
 *
 * <p>Metadata for logs, metrics and the admin API: {@link #source()}, {@link #exactCount()},
 * {@link #prefixCount()}, {@link #loadDuration()} (reading and building, not waiting to be swapped in),
 * {@link #version()} (a hash of the entries: the same entries give the same version whatever their order,
 * formatting and comments) and {@link #heapBytes()}.
 */
public final class NumberList {

  /** A list with no entries. */
  public static final NumberList EMPTY = new Builder("empty", System.nanoTime()).build();

  private static final int MAX_DIGITS = PhoneNumber.E164.MAX_DIGITS;
  private static final long[] POW10 = new long[MAX_DIGITS + 1];

  static {
    POW10[0] = 1;
    for (int i = 1; i <= MAX_DIGITS; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private final String source;
  private final NumberTable exact;
  /** prefixes[n] holds the n-digit prefixes, n = 1..15. */
  private final NumberTable[] prefixes;
  /** The digit counts that have prefixes, longest first. */
  private final int[] prefixLengths;
  private final int prefixCount;
  private final Duration loadDuration;
  private final long version;

  private NumberList(String source, NumberTable exact, NumberTable[] prefixes, Duration loadDuration) {
    this.source = source;
    this.exact = exact;
    this.prefixes = prefixes;
    int count = 0;
    int lengths = 0;
    long content = exact.contentHash();
    for (int n = 1; n <= MAX_DIGITS; n++) {
      count += prefixes[n].size();
      lengths += prefixes[n].size() > 0 ? 1 : 0;
      content = NumberTable.mix(NumberTable.mix(content, n), prefixes[n].contentHash());
    }
    this.prefixLengths = new int[lengths];
    for (int n = MAX_DIGITS, i = 0; n >= 1; n--) {
      if (prefixes[n].size() > 0) {
        prefixLengths[i++] = n;
      }
    }
    this.prefixCount = count;
    this.loadDuration = loadDuration;
    this.version = content;
  }

  /**
   * Loads a list file (ASCII; read as ISO-8859-1 so that stray bytes become a line error, not a decoder
   * error). Safe to call from any thread but slow for large files: never from an event loop.
   *
   * @throws NumberListFormatException for a bad line, naming the file and line number
   * @throws IOException when the file cannot be read
   */
  public static NumberList load(Path file) throws IOException {
    long started = System.nanoTime();
    try (DataFileLines lines = DataFileLines.open(file, NumberListFormatException::new)) {
      return read(lines, started);
    }
  }

  /**
   * Parses list text from a reader; {@code source} names it in error messages.
   *
   * @throws NumberListFormatException for a bad line
   */
  public static NumberList parse(String source, Reader text) throws IOException {
    long started = System.nanoTime();
    return read(DataFileLines.of(source, text, NumberListFormatException::new), started);
  }

  /** A list of the given entries, each in the file syntax, e.g. {@code of("config", "+1202555*")}. */
  public static NumberList of(String source, String... entries) {
    Objects.requireNonNull(source, "source");
    try {
      return parse(source, new StringReader(String.join("\n", List.of(entries))));
    } catch (IOException e) {
      throw new AssertionError("StringReader does not throw", e);
    }
  }

  private static NumberList read(DataFileLines lines, long started) throws IOException {
    Builder builder = new Builder(lines.source(), started);
    while (lines.next()) {
      builder.add(lines);
    }
    return builder.build();
  }

  /** Where the list came from (file path), for logs. */
  public String source() {
    return source;
  }

  /** The number of distinct exact numbers. */
  public int exactCount() {
    return exact.size();
  }

  /** The number of distinct prefix entries. */
  public int prefixCount() {
    return prefixCount;
  }

  /** How long reading and building this snapshot took. */
  public Duration loadDuration() {
    return loadDuration;
  }

  /** The entries' content hash as 16 hex digits: equal entries, equal version. */
  public String version() {
    return String.format(Locale.ROOT, "%016x", version);
  }

  /** Approximate heap held by the snapshot, for the admin API and metrics. */
  public long heapBytes() {
    long bytes = 64 + exact.heapBytes() + NumberTable.arrayBytes(prefixes.length, 4)
        + NumberTable.arrayBytes(prefixLengths.length, 4);
    for (int n = 1; n <= MAX_DIGITS; n++) {
      bytes += prefixes[n] == NumberTable.EMPTY ? 0 : prefixes[n].heapBytes();
    }
    return bytes;
  }

  /** Whether the number is listed exactly or starts with a listed prefix; false unless E.164. */
  public boolean contains(PhoneNumber number) {
    if (!(number instanceof PhoneNumber.E164 e164)) {
      return false;
    }
    long digits = e164.digitsAsLong();
    return exact.indexOf(digits) >= 0 || longestPrefixMatch(digits, e164.digitCount()) > 0;
  }

  /** Whether the number is listed as an exact entry. */
  public boolean containsExact(PhoneNumber number) {
    return number instanceof PhoneNumber.E164 e164 && exact.indexOf(e164.digitsAsLong()) >= 0;
  }

  /**
   * The digit count of the longest prefix entry the number starts with, or 0 if none (a prefix entry
   * matches the number equal to it too).
   */
  public int longestPrefixMatch(PhoneNumber number) {
    if (!(number instanceof PhoneNumber.E164 e164)) {
      return 0;
    }
    return longestPrefixMatch(e164.digitsAsLong(), e164.digitCount());
  }

  private int longestPrefixMatch(long digits, int digitCount) {
    for (int n : prefixLengths) {
      if (n <= digitCount && prefixes[n].indexOf(digits / POW10[digitCount - n]) >= 0) {
        return n;
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return "NumberList[" + source + ": " + exact.size() + " numbers, " + prefixCount + " prefixes]";
  }

  /**
   * Parses lines straight from the reader's buffer into blocks of number hashes (exact numbers; prefixes
   * per digit count), then sorts and de-duplicates each once.
   */
  private static final class Builder {
    private final String source;
    private final long started;
    private final LongBlocks exactHashes = new LongBlocks();
    private final LongBlocks[] prefixes = new LongBlocks[MAX_DIGITS + 1];

    Builder(String source, long started) {
      this.source = source;
      this.started = started;
    }

    void add(DataFileLines lines) {
      char[] line = lines.chars();
      int start = lines.start();
      int end = lines.end();
      for (int i = start; i < end; i++) {
        if (line[i] == '#') {
          end = i;
          break;
        }
      }
      while (start < end && isBlank(line[start])) {
        start++;
      }
      while (end > start && isBlank(line[end - 1])) {
        end--;
      }
      if (start == end) {
        return;
      }
      boolean prefix = line[end - 1] == '*';
      if (prefix) {
        end--;
      }
      int i = start;
      if (line[i] == '+') {
        i++;
      }
      long value = 0;
      int digits = 0;
      for (; i < end; i++) {
        char c = line[i];
        if (c >= '0' && c <= '9') {
          if (digits == 0 && c == '0') {
            throw lines.error("an E.164 number or prefix cannot start with 0");
          }
          if (++digits > MAX_DIGITS) {
            throw lines.error("more than " + MAX_DIGITS + " digits");
          }
          value = value * 10 + (c - '0');
        } else if (!PhoneNumbers.isVisualSeparator(c)) {
          throw lines.error(
              "not an E.164 number or prefix (digits, optional leading +, optional trailing *)");
        }
      }
      if (digits == 0) {
        throw lines.error("no digits");
      }
      if (prefix) {
        if (prefixes[digits] == null) {
          prefixes[digits] = new LongBlocks();
        }
        prefixes[digits].add(NumberTable.hash(value));
      } else {
        if (digits < PhoneNumbers.MIN_E164_DIGITS) {
          throw lines.error("fewer than " + PhoneNumbers.MIN_E164_DIGITS
              + " digits for a number (end a prefix with '*')");
        }
        exactHashes.add(NumberTable.hash(value));
      }
    }

    NumberList build() {
      NumberTable[] prefixTables = new NumberTable[MAX_DIGITS + 1];
      for (int n = 0; n <= MAX_DIGITS; n++) {
        prefixTables[n] = prefixes[n] == null ? NumberTable.EMPTY : table(prefixes[n]);
      }
      return new NumberList(source, table(exactHashes), prefixTables,
          Duration.ofNanos(System.nanoTime() - started));
    }

    private static NumberTable table(LongBlocks hashes) {
      long[] sorted = hashes.toArray();
      return NumberTable.ofSortedHashes(sorted, NumberTable.sortUnique(sorted, sorted.length));
    }

    private static boolean isBlank(char c) {
      return c == ' ' || c == '\t' || c == '\r';
    }
  }
}
