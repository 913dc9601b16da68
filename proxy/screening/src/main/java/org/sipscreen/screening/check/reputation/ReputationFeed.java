package org.sipscreen.screening.check.reputation;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sipscreen.screening.LongBlocks;
import org.sipscreen.screening.NumberTable;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.datafile.DataFileLines;

/**
 * An immutable snapshot of a bulk reputation feed (the file a carrier downloads from its analytics
 * vendor), answering "what is this caller's score" without allocating: the numbers are a
 * {@link NumberTable}, with parallel {@code byte[]}s for score and category, one byte per table slot
 * (about 8.6 bytes per number from 3 million numbers up, 14.3 below). Reload by loading a new snapshot
 * and swapping it in (see {@code ReputationCheck#withFeed}); readers never see a half load. Loading
 * streams the file through one reused buffer ({@link DataFileLines}): no String per line.
 *
 * <p>File syntax, one entry per line (ASCII, comma-separated, spaces around fields ignored):
 * <pre>
 * # a comment; '#' starts a comment anywhere on a line
 * number,score,category       an optional header line, skipped
 * +12025550123,87,robocall    E.164 number (7-15 digits, '+' optional), score 0-100, category
 * 12025550124,40              the category is optional ("unspecified")
 * </pre>
 * Categories are sanitized like {@link ReputationAnswer#sanitizeCategory}; at most
 * {@value #MAX_CATEGORIES} distinct ones. A number listed twice keeps its highest score. A leading
 * byte-order mark is ignored. Anything else is a {@link ReputationFeedFormatException} naming the file, the
 * line number and the text.
 *
 * <p>Metadata for logs, metrics and the admin API: {@link #source()}, {@link #size()},
 * {@link #loadDuration()} (reading and building), {@link #version()} (a hash of numbers, scores and
 * category names: the same entries give the same version whatever their order) and {@link #heapBytes()}.
 */
public final class ReputationFeed {

  /** The most distinct categories a feed may use (they are stored as a 7-bit index). */
  public static final int MAX_CATEGORIES = 128;

  /** A feed with no entries. */
  public static final ReputationFeed EMPTY = new Builder("empty", System.nanoTime()).build();

  private static final int MAX_DIGITS = PhoneNumber.E164.MAX_DIGITS;
  private static final int PACK_SHIFT = 14; // 7 bits score, 7 bits category index below the hash

  private final String source;
  private final NumberTable numbers;
  private final byte[] scores;
  private final byte[] categoryIndexes;
  private final String[] categories;
  private final Duration loadDuration;
  private final long version;

  private ReputationFeed(String source, NumberTable numbers, byte[] scores, byte[] categoryIndexes,
      String[] categories, Duration loadDuration, long version) {
    this.source = source;
    this.numbers = numbers;
    this.scores = scores;
    this.categoryIndexes = categoryIndexes;
    this.categories = categories;
    this.loadDuration = loadDuration;
    this.version = version;
  }

  /**
   * Loads a feed file (read as ISO-8859-1 so that stray bytes become a line error, not a decoder error).
   * Safe to call from any thread but slow for large files: never from an event loop.
   *
   * @throws ReputationFeedFormatException for a bad line, naming the file and line number
   * @throws IOException when the file cannot be read
   */
  public static ReputationFeed load(Path file) throws IOException {
    long started = System.nanoTime();
    try (DataFileLines lines = DataFileLines.open(file, ReputationFeedFormatException::new)) {
      return read(lines, started);
    }
  }

  /**
   * Parses feed text; {@code source} names it in error messages.
   *
   * @throws ReputationFeedFormatException for a bad line
   */
  public static ReputationFeed parse(String source, Reader text) throws IOException {
    long started = System.nanoTime();
    return read(DataFileLines.of(source, text, ReputationFeedFormatException::new), started);
  }

  /** A feed of the given lines, in the file syntax, e.g. {@code of("test", "+12025550123,87,robocall")}. */
  public static ReputationFeed of(String source, String... lines) {
    try {
      return parse(source, new StringReader(String.join("\n", List.of(lines))));
    } catch (IOException e) {
      throw new AssertionError("StringReader does not throw", e);
    }
  }

  private static ReputationFeed read(DataFileLines lines, long started) throws IOException {
    Builder builder = new Builder(lines.source(), started);
    while (lines.next()) {
      builder.add(lines);
    }
    return builder.build();
  }

  /** Where the feed came from (file path), for logs. */
  public String source() {
    return source;
  }

  /** The number of distinct numbers. */
  public int size() {
    return numbers.size();
  }

  /** How long reading and building this snapshot took. */
  public Duration loadDuration() {
    return loadDuration;
  }

  /** The content hash as 16 hex digits: equal entries, equal version. */
  public String version() {
    return String.format(Locale.ROOT, "%016x", version);
  }

  /** Approximate heap held by the snapshot, for the admin API and metrics. */
  public long heapBytes() {
    long bytes = 64 + numbers.heapBytes() + NumberTable.arrayBytes(scores.length, 1)
        + NumberTable.arrayBytes(categoryIndexes.length, 1) + NumberTable.arrayBytes(categories.length, 4);
    for (String category : categories) {
      bytes += 24 + NumberTable.arrayBytes(category.length(), 1);
    }
    return bytes;
  }

  /** The entry index of the number, or -1 when the feed does not list it (or it is not E.164). */
  public int indexOf(PhoneNumber number) {
    if (!(number instanceof PhoneNumber.E164 e164)) {
      return -1;
    }
    return numbers.indexOf(e164.digitsAsLong());
  }

  /** The score, 0-100, of the entry at {@code index} (from {@link #indexOf}). */
  public int scoreAt(int index) {
    return scores[index];
  }

  /** The sanitized category of the entry at {@code index} (from {@link #indexOf}). */
  public String categoryAt(int index) {
    return categories[categoryIndexes[index]];
  }

  /** The feed's answer for the number, if it lists it; allocates, for logs and tools. */
  public Optional<ReputationAnswer.Scored> answerFor(PhoneNumber number) {
    int i = indexOf(number);
    return i < 0 ? Optional.empty() : Optional.of(new ReputationAnswer.Scored(scoreAt(i), categoryAt(i)));
  }

  @Override
  public String toString() {
    return "ReputationFeed[" + source + ": " + numbers.size() + " numbers, " + categories.length
        + " categories]";
  }

  /**
   * Packs each entry into one long, {@code hash(number) << 14 | score << 7 | category}, so that a single
   * primitive sort orders the entries by number hash (the {@link NumberTable} order) and, for a number
   * listed twice, by score. The hash is below 2^50, so the packed value uses all 64 bits: it is stored
   * with the sign bit flipped, which makes signed order equal unsigned order.
   */
  private static final class Builder {
    private final String source;
    private final long started;
    private final Map<String, Integer> categoryIndex = new HashMap<>();
    private final List<String> categoryNames = new ArrayList<>();
    /** Category text as written (before sanitizing): most lines repeat a few spellings. */
    private final RawCategories rawCategories = new RawCategories();
    private final LongBlocks packed = new LongBlocks();
    private boolean sawEntryOrHeader;

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
      start = skipBlanks(line, start, end);
      end = trimEnd(line, start, end);
      if (start == end) {
        return;
      }
      if (!sawEntryOrHeader) {
        sawEntryOrHeader = true;
        String header = new String(line, start, end - start).replace(" ", "").replace("\t", "");
        if (header.equalsIgnoreCase("number,score,category") || header.equalsIgnoreCase("number,score")) {
          return;
        }
      }
      int comma1 = indexOfComma(line, start, end);
      if (comma1 < 0) {
        throw lines.error("expected number,score[,category]");
      }
      int comma2 = indexOfComma(line, comma1 + 1, end);
      if (comma2 >= 0 && indexOfComma(line, comma2 + 1, end) >= 0) {
        throw lines.error("more than three fields (number,score[,category])");
      }
      long number = parseNumber(lines, start, trimEnd(line, start, comma1));
      int scoreStart = skipBlanks(line, comma1 + 1, end);
      int scoreEnd = trimEnd(line, scoreStart, comma2 < 0 ? end : comma2);
      int score = parseScore(lines, scoreStart, scoreEnd);
      int category = comma2 < 0 ? category(lines, line, end, end) : category(lines, line, comma2 + 1, end);
      packed.add(((NumberTable.hash(number) << PACK_SHIFT) | ((long) score << 7) | category)
          ^ Long.MIN_VALUE);
    }

    private int category(DataFileLines lines, char[] line, int from, int to) {
      int known = rawCategories.get(line, from, to);
      if (known >= 0) {
        return known;
      }
      String raw = new String(line, from, to - from);
      String name = ReputationAnswer.sanitizeCategory(raw);
      Integer index = categoryIndex.get(name);
      if (index == null) {
        if (categoryNames.size() == MAX_CATEGORIES) {
          throw lines.error("more than " + MAX_CATEGORIES + " distinct categories");
        }
        index = categoryNames.size();
        categoryIndex.put(name, index);
        categoryNames.add(name);
      }
      rawCategories.put(raw, index);
      return index;
    }

    private static long parseNumber(DataFileLines lines, int start, int end) {
      char[] line = lines.chars();
      int i = start;
      if (i < end && line[i] == '+') {
        i++;
      }
      int digits = end - i;
      if (digits < PhoneNumbers.MIN_E164_DIGITS || digits > MAX_DIGITS) {
        throw lines.error("the number must have " + PhoneNumbers.MIN_E164_DIGITS + "-"
            + MAX_DIGITS + " digits (E.164, '+' optional)");
      }
      if (line[i] == '0') {
        throw lines.error("an E.164 number cannot start with 0");
      }
      long value = 0;
      for (; i < end; i++) {
        char c = line[i];
        if (c < '0' || c > '9') {
          throw lines.error("the number must be digits with an optional leading '+'");
        }
        value = value * 10 + (c - '0');
      }
      return value;
    }

    private static int parseScore(DataFileLines lines, int start, int end) {
      char[] line = lines.chars();
      if (start == end || end - start > 3) {
        throw lines.error("the score must be an integer 0-100");
      }
      int value = 0;
      for (int i = start; i < end; i++) {
        char c = line[i];
        if (c < '0' || c > '9') {
          throw lines.error("the score must be an integer 0-100");
        }
        value = value * 10 + (c - '0');
      }
      if (value > 100) {
        throw lines.error("the score must be an integer 0-100");
      }
      return value;
    }

    ReputationFeed build() {
      long[] sorted = packed.toArray();
      Arrays.sort(sorted);
      byte[] scores = new byte[sorted.length];
      byte[] categories = new byte[sorted.length];
      int n = 0;
      for (long p : sorted) {
        long entry = p ^ Long.MIN_VALUE;
        long hash = entry >>> PACK_SHIFT;
        if (n > 0 && sorted[n - 1] == hash) {
          n--; // listed twice: the later (higher-scored) entry in sort order wins
        }
        sorted[n] = hash; // n <= the index of p: overwrites only entries already read
        scores[n] = (byte) ((entry >>> 7) & 0x7f);
        categories[n] = (byte) (entry & 0x7f);
        n++;
      }
      NumberTable table = NumberTable.ofSortedHashes(sorted, n);
      String[] names = categoryNames.toArray(new String[0]);
      long version = table.contentHash();
      byte[] indexedScores = new byte[table.indexBound()];
      byte[] indexedCategories = new byte[table.indexBound()];
      for (int i = 0; i < n; i++) {
        version = NumberTable.mix(version, scores[i] * 31L + names[categories[i]].hashCode());
        int index = table.indexOfHash(sorted[i]); // increasing hashes: reads the table in order
        indexedScores[index] = scores[i];
        indexedCategories[index] = categories[i];
      }
      return new ReputationFeed(source, table, indexedScores, indexedCategories, names,
          Duration.ofNanos(System.nanoTime() - started), version);
    }

    private static int indexOfComma(char[] line, int from, int to) {
      for (int i = from; i < to; i++) {
        if (line[i] == ',') {
          return i;
        }
      }
      return -1;
    }

    private static int skipBlanks(char[] line, int start, int end) {
      while (start < end && isBlank(line[start])) {
        start++;
      }
      return start;
    }

    private static int trimEnd(char[] line, int start, int end) {
      while (end > start && isBlank(line[end - 1])) {
        end--;
      }
      return end;
    }

    private static boolean isBlank(char c) {
      return c == ' ' || c == '\t' || c == '\r';
    }
  }

  /**
   * Category spellings as written, to their index, looked up by a slice of the line buffer without making
   * a String: an open-addressing table of at most {@code 4 * MAX_CATEGORIES} spellings (later ones go
   * through the sanitizing path each time).
   */
  private static final class RawCategories {
    private static final int SLOTS = 8 * MAX_CATEGORIES;
    private final String[] spellings = new String[SLOTS];
    private final int[] indexes = new int[SLOTS];
    private int count;

    int get(char[] line, int from, int to) {
      for (int slot = slot(line, from, to); spellings[slot] != null; slot = (slot + 1) & (SLOTS - 1)) {
        if (matches(spellings[slot], line, from, to)) {
          return indexes[slot];
        }
      }
      return -1;
    }

    void put(String spelling, int index) {
      if (count == SLOTS / 2) {
        return;
      }
      char[] chars = spelling.toCharArray();
      int slot = slot(chars, 0, chars.length);
      while (spellings[slot] != null) {
        slot = (slot + 1) & (SLOTS - 1);
      }
      spellings[slot] = spelling;
      indexes[slot] = index;
      count++;
    }

    private static int slot(char[] line, int from, int to) {
      int h = 0;
      for (int i = from; i < to; i++) {
        h = 31 * h + line[i];
      }
      return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    private static boolean matches(String spelling, char[] line, int from, int to) {
      if (spelling.length() != to - from) {
        return false;
      }
      for (int i = 0; i < spelling.length(); i++) {
        if (spelling.charAt(i) != line[from + i]) {
          return false;
        }
      }
      return true;
    }
  }
}
