package org.sipscreen.screening.reputation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.PhoneNumbers;

/**
 * An immutable snapshot of a bulk reputation feed (the file a carrier downloads from its analytics
 * vendor), answering "what is this caller's score" with an allocation-free binary search over a sorted
 * {@code long[]} of numbers, with parallel {@code byte[]}s for score and category. Reload by loading a new
 * snapshot and swapping it in (see {@code ReputationCheck#withFeed}); readers never see a half load.
 *
 * <p>File syntax, one entry per line (ASCII, comma-separated, spaces around fields ignored):
 * <pre>
 * # a comment; '#' starts a comment anywhere on a line
 * number,score,category       an optional header line, skipped
 * +12025550123,87,robocall    E.164 number (7-15 digits, '+' optional), score 0-100, category
 * 12025550124,40              the category is optional ("unspecified")
 * </pre>
 * Categories are sanitized like {@link ReputationAnswer#sanitizeCategory}; at most
 * {@value #MAX_CATEGORIES} distinct ones. A number listed twice keeps its highest score. Anything else is
 * a {@link ReputationFeedFormatException} naming the file, the line number and the text.
 */
public final class ReputationFeed {

  /** The most distinct categories a feed may use (they are stored as a 7-bit index). */
  public static final int MAX_CATEGORIES = 128;

  /** A feed with no entries. */
  public static final ReputationFeed EMPTY =
      new ReputationFeed("empty", new long[0], new byte[0], new byte[0], new String[0]);

  private static final int MAX_DIGITS = PhoneNumber.E164.MAX_DIGITS;
  private static final int PACK_SHIFT = 14; // 7 bits score, 7 bits category index below the number

  private final String source;
  private final long[] numbers;
  private final byte[] scores;
  private final byte[] categoryIndexes;
  private final String[] categories;

  private ReputationFeed(String source, long[] numbers, byte[] scores, byte[] categoryIndexes,
      String[] categories) {
    this.source = source;
    this.numbers = numbers;
    this.scores = scores;
    this.categoryIndexes = categoryIndexes;
    this.categories = categories;
  }

  /**
   * Loads a feed file (read as ISO-8859-1 so that stray bytes become a line error, not a decoder error).
   *
   * @throws ReputationFeedFormatException for a bad line, naming the file and line number
   * @throws IOException when the file cannot be read
   */
  public static ReputationFeed load(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      return parse(file.toString(), reader);
    }
  }

  /**
   * Parses feed text; {@code source} names it in error messages.
   *
   * @throws ReputationFeedFormatException for a bad line
   */
  public static ReputationFeed parse(String source, Reader text) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(text, "text");
    BufferedReader reader = text instanceof BufferedReader b ? b : new BufferedReader(text, 1 << 16);
    Builder builder = new Builder(source);
    String line;
    int lineNumber = 0;
    while ((line = reader.readLine()) != null) {
      builder.add(++lineNumber, line);
    }
    return builder.build();
  }

  /** A feed of the given lines, in the file syntax, e.g. {@code of("test", "+12025550123,87,robocall")}. */
  public static ReputationFeed of(String source, String... lines) {
    try {
      return parse(source, new StringReader(String.join("\n", List.of(lines))));
    } catch (IOException e) {
      throw new AssertionError("StringReader does not throw", e);
    }
  }

  /** Where the feed came from (file path), for logs. */
  public String source() {
    return source;
  }

  /** The number of distinct numbers. */
  public int size() {
    return numbers.length;
  }

  /** The entry index of the number, or -1 when the feed does not list it (or it is not E.164). */
  public int indexOf(PhoneNumber number) {
    if (!(number instanceof PhoneNumber.E164 e164) || numbers.length == 0) {
      return -1;
    }
    int i = Arrays.binarySearch(numbers, e164.digitsAsLong());
    return i >= 0 ? i : -1;
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
    return "ReputationFeed[" + source + ": " + numbers.length + " numbers, " + categories.length
        + " categories]";
  }

  /**
   * Packs each entry into one long, {@code number << 14 | score << 7 | category}, so that a single
   * primitive sort orders the entries by number (and, for a number listed twice, by score). The number
   * is below 10^15 < 2^50, so the packed value uses all 64 bits: it is stored with the sign bit flipped,
   * which makes signed order equal unsigned order.
   */
  private static final class Builder {
    private final String source;
    private final Map<String, Integer> categoryIndex = new HashMap<>();
    /** Category text as written (before sanitizing) to index: most lines repeat a few spellings. */
    private final Map<String, Integer> rawCategoryIndex = new HashMap<>();
    private final List<String> categoryNames = new ArrayList<>();
    private long[] packed = new long[1 << 12];
    private int size;
    private boolean sawEntryOrHeader;

    Builder(String source) {
      this.source = source;
    }

    void add(int lineNumber, String line) {
      int end = line.indexOf('#');
      if (end < 0) {
        end = line.length();
      }
      int start = skipBlanks(line, 0, end);
      end = trimEnd(line, start, end);
      if (start == end) {
        return;
      }
      if (!sawEntryOrHeader) {
        sawEntryOrHeader = true;
        String header = line.substring(start, end).replace(" ", "").replace("\t", "");
        if (header.equalsIgnoreCase("number,score,category") || header.equalsIgnoreCase("number,score")) {
          return;
        }
      }
      int comma1 = line.indexOf(',', start);
      if (comma1 < 0 || comma1 >= end) {
        throw bad(lineNumber, line, "expected number,score[,category]");
      }
      int comma2 = line.indexOf(',', comma1 + 1);
      if (comma2 >= end) {
        comma2 = -1;
      }
      if (comma2 >= 0 && line.indexOf(',', comma2 + 1) >= 0 && line.indexOf(',', comma2 + 1) < end) {
        throw bad(lineNumber, line, "more than three fields (number,score[,category])");
      }
      long number = parseNumber(lineNumber, line, start, trimEnd(line, start, comma1));
      int scoreStart = skipBlanks(line, comma1 + 1, end);
      int scoreEnd = trimEnd(line, scoreStart, comma2 < 0 ? end : comma2);
      int score = parseScore(lineNumber, line, scoreStart, scoreEnd);
      String raw = comma2 < 0 ? "" : line.substring(comma2 + 1, end);
      Integer known = rawCategoryIndex.get(raw);
      if (known == null) {
        String name = ReputationAnswer.sanitizeCategory(raw);
        known = categoryIndex.get(name);
        if (known == null) {
          if (categoryNames.size() == MAX_CATEGORIES) {
            throw bad(lineNumber, line, "more than " + MAX_CATEGORIES + " distinct categories");
          }
          known = categoryNames.size();
          categoryIndex.put(name, known);
          categoryNames.add(name);
        }
        if (rawCategoryIndex.size() < 4 * MAX_CATEGORIES) {
          rawCategoryIndex.put(raw, known);
        }
      }
      int category = known;
      if (size == packed.length) {
        packed = Arrays.copyOf(packed, packed.length * 2);
      }
      packed[size++] = ((number << PACK_SHIFT) | ((long) score << 7) | category) ^ Long.MIN_VALUE;
    }

    private long parseNumber(int lineNumber, String line, int start, int end) {
      int i = start;
      if (i < end && line.charAt(i) == '+') {
        i++;
      }
      int digits = end - i;
      if (digits < PhoneNumbers.MIN_E164_DIGITS || digits > MAX_DIGITS) {
        throw bad(lineNumber, line, "the number must have " + PhoneNumbers.MIN_E164_DIGITS + "-"
            + MAX_DIGITS + " digits (E.164, '+' optional)");
      }
      if (line.charAt(i) == '0') {
        throw bad(lineNumber, line, "an E.164 number cannot start with 0");
      }
      long value = 0;
      for (; i < end; i++) {
        char c = line.charAt(i);
        if (c < '0' || c > '9') {
          throw bad(lineNumber, line, "the number must be digits with an optional leading '+'");
        }
        value = value * 10 + (c - '0');
      }
      return value;
    }

    private int parseScore(int lineNumber, String line, int start, int end) {
      if (start == end || end - start > 3) {
        throw bad(lineNumber, line, "the score must be an integer 0-100");
      }
      int value = 0;
      for (int i = start; i < end; i++) {
        char c = line.charAt(i);
        if (c < '0' || c > '9') {
          throw bad(lineNumber, line, "the score must be an integer 0-100");
        }
        value = value * 10 + (c - '0');
      }
      if (value > 100) {
        throw bad(lineNumber, line, "the score must be an integer 0-100");
      }
      return value;
    }

    ReputationFeed build() {
      long[] sorted = Arrays.copyOf(packed, size);
      Arrays.sort(sorted);
      long[] numbers = new long[size];
      byte[] scores = new byte[size];
      byte[] categories = new byte[size];
      int n = 0;
      for (long p : sorted) {
        long entry = p ^ Long.MIN_VALUE;
        long number = entry >>> PACK_SHIFT;
        if (n > 0 && numbers[n - 1] == number) {
          n--; // listed twice: the later (higher-scored) entry in sort order wins
        }
        numbers[n] = number;
        scores[n] = (byte) ((entry >>> 7) & 0x7f);
        categories[n] = (byte) (entry & 0x7f);
        n++;
      }
      if (n < size) {
        numbers = Arrays.copyOf(numbers, n);
        scores = Arrays.copyOf(scores, n);
        categories = Arrays.copyOf(categories, n);
      }
      return new ReputationFeed(source, numbers, scores, categories,
          categoryNames.toArray(new String[0]));
    }

    private ReputationFeedFormatException bad(int lineNumber, String line, String why) {
      return new ReputationFeedFormatException(source, lineNumber, line, why);
    }

    private static int skipBlanks(String line, int start, int end) {
      while (start < end && isBlank(line.charAt(start))) {
        start++;
      }
      return start;
    }

    private static int trimEnd(String line, int start, int end) {
      while (end > start && isBlank(line.charAt(end - 1))) {
        end--;
      }
      return end;
    }

    private static boolean isBlank(char c) {
      return c == ' ' || c == '\t' || c == '\r';
    }
  }
}
