package org.sipscreen.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes carrier-scale list files for the list benchmarks: a number list (90 % NANP numbers, 10 % numbers
 * of eight other countries, some 15-digit, in random order, with comments and a few formatted entries) and
 * a reputation feed of the same numbers with scores and five categories. The same seed gives the same
 * files, so that before/after runs load the same data.
 */
final class ListFiles {

  private static final String[] CATEGORIES = {"robocall", "scam", "telemarketing", "debt_collector",
      "clean"};
  /** Country code, national digits (so that the number is 10-15 digits long). */
  private static final int[][] COUNTRIES = {
    {44, 10}, {33, 9}, {49, 11}, {91, 10}, {52, 10}, {234, 10}, {86, 11}, {7, 10}, {380, 12},
  };

  private ListFiles() {}

  /** A random number as digits: 90 % NANP (1 NPA NXX XXXX), 10 % other countries. */
  static long number(SplittableRandom random) {
    if (random.nextInt(10) != 0) {
      long npa = random.nextInt(200, 1000);
      long nxx = random.nextInt(200, 1000);
      return 10_000_000_000L + npa * 10_000_000L + nxx * 10_000L + random.nextInt(10_000);
    }
    int[] country = COUNTRIES[random.nextInt(COUNTRIES.length)];
    long national = random.nextLong(pow10(country[1] - 1), pow10(country[1]));
    return country[0] * pow10(country[1]) + national;
  }

  /** Writes {@code count} numbers (a few of them with '+' and separators) and returns them. */
  static long[] writeNumberList(Path file, int count, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    long[] numbers = new long[count];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write("# generated block list for ListBenchmark\n".getBytes());
      for (int i = 0; i < count; i++) {
        long n = number(random);
        numbers[i] = n;
        if (i % 1000 == 0) {
          out.write(("# batch " + i + "\n+" + n + "   # formatted\n").getBytes());
        } else {
          out.write('+');
          writeDigits(out, n);
          out.write('\n');
        }
      }
    }
    return numbers;
  }

  /**
   * Writes {@code count} prefix entries, 4-11 digits (mostly NANP NPA-NXX and thousands blocks), and
   * returns them as {digits, length} pairs.
   */
  static long[][] writePrefixList(Path file, int count, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    long[][] prefixes = new long[count][];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write("# generated prefix list for ListBenchmark\n".getBytes());
      for (int i = 0; i < count; i++) {
        long n = number(random);
        int digits = digitCount(n);
        int length = Math.min(digits, 4 + random.nextInt(8));
        long prefix = n / pow10(digits - length);
        prefixes[i] = new long[] {prefix, length};
        out.write('+');
        writeDigits(out, prefix);
        out.write("*\n".getBytes());
      }
    }
    return prefixes;
  }

  /** Writes a feed of {@code count} numbers with scores 0-100 and five categories; returns the numbers. */
  static long[] writeReputationFeed(Path file, int count, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    long[] numbers = new long[count];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write("number,score,category\n".getBytes());
      for (int i = 0; i < count; i++) {
        long n = number(random);
        numbers[i] = n;
        out.write('+');
        writeDigits(out, n);
        out.write(',');
        writeDigits(out, random.nextInt(101));
        out.write(',');
        out.write(CATEGORIES[random.nextInt(CATEGORIES.length)].getBytes());
        out.write('\n');
      }
    }
    return numbers;
  }

  static int digitCount(long n) {
    int digits = 1;
    while (n >= pow10(digits)) {
      digits++;
    }
    return digits;
  }

  static long pow10(int n) {
    long p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }

  private static void writeDigits(OutputStream out, long n) throws IOException {
    if (n == 0) {
      out.write('0');
      return;
    }
    byte[] digits = new byte[19];
    int i = digits.length;
    while (n > 0) {
      digits[--i] = (byte) ('0' + n % 10);
      n /= 10;
    }
    out.write(digits, i, digits.length - i);
  }
}
