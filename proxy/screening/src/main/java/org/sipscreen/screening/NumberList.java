package org.sipscreen.screening;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable snapshot of E.164 numbers and number prefixes, loaded from a plain text file, answering
 * "is this caller listed" with allocation-free binary searches (exact numbers and each prefix length are
 * sorted {@code long[]}s). Exact numbers also have a bucket directory, so a lookup in a list of millions
 * searches a few neighbouring entries instead of touching about 20 cache lines. Reload by loading a new
 * snapshot and swapping it in; readers never see a half load.
 *
 * <p>File syntax, one entry per line:
 * <pre>
 * # a comment; '#' starts a comment anywhere on a line
 * +12025550123          an exact number (E.164, 7-15 digits)
 * 1 (202) 555-0124      the same without '+': still E.164, the country code is required
 * +1 900*               a prefix: every number whose digits start with 1900 (1-15 digits, then '*')
 * </pre>
 * Visual separators {@code -.()} and spaces are ignored; blank lines are ignored. Entries are always
 * international (no national forms: "2025550123" means +20 25550123, not +1 202 555 0123). Anything else
 * is a {@link NumberListFormatException} naming the file, the line number and the text.
 */
public final class NumberList {

  /** A list with no entries. */
  public static final NumberList EMPTY = new NumberList("empty", new long[0], new long[16][0]);

  private static final int MAX_DIGITS = PhoneNumber.E164.MAX_DIGITS;
  private static final long[] POW10 = new long[MAX_DIGITS + 1];

  static {
    POW10[0] = 1;
    for (int i = 1; i <= MAX_DIGITS; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  /** Target entries per directory bucket: a bucket's entries usually share one or two cache lines. */
  private static final int ENTRIES_PER_BUCKET = 4;

  private final String source;
  private final long[] exact;
  /**
   * The directory over {@link #exact}: the entries of bucket b = (value - exact[0]) >>> bucketShift are
   * exact[bucketStart[b]] .. exact[bucketStart[b + 1] - 1].
   */
  private final int[] bucketStart;
  private final int bucketShift;
  /** prefixes[n] holds the sorted n-digit prefixes, n = 1..15. */
  private final long[][] prefixes;
  private final int prefixCount;
  private final int longestPrefixLength;

  private NumberList(String source, long[] exact, long[][] prefixes) {
    this.source = source;
    this.exact = exact;
    this.prefixes = prefixes;
    int shift = 0;
    if (exact.length > 0) {
      long buckets = Math.max(1, Long.highestOneBit(exact.length / ENTRIES_PER_BUCKET));
      long range = exact[exact.length - 1] - exact[0];
      while ((range >>> shift) >= buckets) {
        shift++;
      }
      int[] start = new int[(int) (range >>> shift) + 2];
      int b = 0;
      for (int i = 0; i < exact.length; i++) {
        int bucket = (int) ((exact[i] - exact[0]) >>> shift);
        while (b <= bucket) {
          start[b++] = i;
        }
      }
      while (b < start.length) {
        start[b++] = exact.length;
      }
      this.bucketStart = start;
    } else {
      this.bucketStart = new int[0];
    }
    this.bucketShift = shift;
    int count = 0;
    int longest = 0;
    for (int n = 1; n <= MAX_DIGITS; n++) {
      count += prefixes[n].length;
      if (prefixes[n].length > 0) {
        longest = n;
      }
    }
    this.prefixCount = count;
    this.longestPrefixLength = longest;
  }

  /**
   * Loads a list file (ASCII; read as ISO-8859-1 so that stray bytes become a line error, not a decoder
   * error).
   *
   * @throws NumberListFormatException for a bad line, naming the file and line number
   * @throws IOException when the file cannot be read
   */
  public static NumberList load(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      return parse(file.toString(), reader);
    }
  }

  /**
   * Parses list text from a reader; {@code source} names it in error messages.
   *
   * @throws NumberListFormatException for a bad line
   */
  public static NumberList parse(String source, Reader text) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(text, "text");
    BufferedReader reader = text instanceof BufferedReader b ? b : new BufferedReader(text);
    Builder builder = new Builder(source);
    String line;
    int lineNumber = 0;
    while ((line = reader.readLine()) != null) {
      builder.add(++lineNumber, line);
    }
    return builder.build();
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

  /** Where the list came from (file path), for logs. */
  public String source() {
    return source;
  }

  public int exactCount() {
    return exact.length;
  }

  public int prefixCount() {
    return prefixCount;
  }

  /** Whether the number is listed exactly or starts with a listed prefix; false unless E.164. */
  public boolean contains(PhoneNumber number) {
    if (!(number instanceof PhoneNumber.E164 e164)) {
      return false;
    }
    long digits = e164.digitsAsLong();
    return containsExact(digits) || longestPrefixMatch(digits, e164.digitCount()) > 0;
  }

  /** Whether the number is listed as an exact entry. */
  public boolean containsExact(PhoneNumber number) {
    return number instanceof PhoneNumber.E164 e164 && containsExact(e164.digitsAsLong());
  }

  private boolean containsExact(long digits) {
    if (exact.length == 0 || digits < exact[0] || digits > exact[exact.length - 1]) {
      return false;
    }
    int bucket = (int) ((digits - exact[0]) >>> bucketShift);
    return Arrays.binarySearch(exact, bucketStart[bucket], bucketStart[bucket + 1], digits) >= 0;
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
    for (int n = Math.min(digitCount, longestPrefixLength); n >= 1; n--) {
      long[] candidates = prefixes[n];
      if (candidates.length > 0
          && Arrays.binarySearch(candidates, digits / POW10[digitCount - n]) >= 0) {
        return n;
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return "NumberList[" + source + ": " + exact.length + " numbers, " + prefixCount + " prefixes]";
  }

  /** Accumulates parsed entries in growable primitive arrays, then sorts and de-duplicates once. */
  private static final class Builder {
    private final String source;
    private long[] exact = new long[1024];
    private int exactSize;
    private final long[][] prefixes = new long[MAX_DIGITS + 1][];
    private final int[] prefixSizes = new int[MAX_DIGITS + 1];

    Builder(String source) {
      this.source = source;
      for (int n = 0; n <= MAX_DIGITS; n++) {
        prefixes[n] = new long[0];
      }
    }

    void add(int lineNumber, String line) {
      int end = line.indexOf('#');
      if (end < 0) {
        end = line.length();
      }
      int start = 0;
      while (start < end && isBlank(line.charAt(start))) {
        start++;
      }
      while (end > start && isBlank(line.charAt(end - 1))) {
        end--;
      }
      if (start == end) {
        return;
      }
      boolean prefix = line.charAt(end - 1) == '*';
      if (prefix) {
        end--;
      }
      int i = start;
      if (line.charAt(i) == '+') {
        i++;
      }
      long value = 0;
      int digits = 0;
      for (; i < end; i++) {
        char c = line.charAt(i);
        if (c >= '0' && c <= '9') {
          if (digits == 0 && c == '0') {
            throw new NumberListFormatException(source, lineNumber, line,
                "an E.164 number or prefix cannot start with 0");
          }
          if (++digits > MAX_DIGITS) {
            throw new NumberListFormatException(source, lineNumber, line,
                "more than " + MAX_DIGITS + " digits");
          }
          value = value * 10 + (c - '0');
        } else if (!PhoneNumbers.isVisualSeparator(c)) {
          throw new NumberListFormatException(source, lineNumber, line,
              "not an E.164 number or prefix (digits, optional leading +, optional trailing *)");
        }
      }
      if (digits == 0) {
        throw new NumberListFormatException(source, lineNumber, line, "no digits");
      }
      if (prefix) {
        long[] array = prefixes[digits];
        if (prefixSizes[digits] == array.length) {
          prefixes[digits] = array = Arrays.copyOf(array, Math.max(16, array.length * 2));
        }
        array[prefixSizes[digits]++] = value;
      } else {
        if (digits < PhoneNumbers.MIN_E164_DIGITS) {
          throw new NumberListFormatException(source, lineNumber, line, "fewer than "
              + PhoneNumbers.MIN_E164_DIGITS + " digits for a number (end a prefix with '*')");
        }
        if (exactSize == exact.length) {
          exact = Arrays.copyOf(exact, exact.length * 2);
        }
        exact[exactSize++] = value;
      }
    }

    NumberList build() {
      long[][] sortedPrefixes = new long[MAX_DIGITS + 1][];
      sortedPrefixes[0] = new long[0];
      for (int n = 1; n <= MAX_DIGITS; n++) {
        sortedPrefixes[n] = sortedUnique(prefixes[n], prefixSizes[n]);
      }
      return new NumberList(source, sortedUnique(exact, exactSize), sortedPrefixes);
    }

    private static long[] sortedUnique(long[] values, int size) {
      long[] a = Arrays.copyOf(values, size);
      Arrays.sort(a);
      int unique = 0;
      for (int i = 0; i < a.length; i++) {
        if (unique == 0 || a[unique - 1] != a[i]) {
          a[unique++] = a[i];
        }
      }
      return unique == a.length ? a : Arrays.copyOf(a, unique);
    }

    private static boolean isBlank(char c) {
      return c == ' ' || c == '\t' || c == '\r';
    }
  }
}
