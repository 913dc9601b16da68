package org.sipscreen.screening.check;

import java.util.Locale;

/**
 * A size in bytes, written in config as a number with a unit: {@code 512B}, {@code 64KiB}, {@code 256MiB},
 * {@code 20GiB} (binary units, as Prometheus and Envoy write them; {@code KB}, {@code MB}, {@code GB} are
 * decimal). A bare integer is bytes.
 */
public record DataSize(long bytes) {

  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size cannot be negative, was " + bytes);
    }
  }

  public static DataSize ofBytes(long bytes) {
    return new DataSize(bytes);
  }

  public static DataSize ofMebibytes(long mib) {
    return new DataSize(Math.multiplyExact(mib, 1L << 20));
  }

  /** Parses {@code 256MiB} and the like; the message of a failure says what is expected. */
  public static DataSize parse(String text) {
    String t = text.strip();
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 18) {
      throw new IllegalArgumentException(expected(text));
    }
    long n = Long.parseLong(t.substring(0, i));
    String unit = t.substring(i).strip();
    long factor = switch (unit.toLowerCase(Locale.ROOT)) {
      case "", "b" -> 1;
      case "kib" -> 1L << 10;
      case "mib" -> 1L << 20;
      case "gib" -> 1L << 30;
      case "tib" -> 1L << 40;
      case "kb" -> 1_000;
      case "mb" -> 1_000_000;
      case "gb" -> 1_000_000_000;
      case "tb" -> 1_000_000_000_000L;
      default -> throw new IllegalArgumentException(expected(text));
    };
    try {
      return new DataSize(Math.multiplyExact(n, factor));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("size too large: \"" + text + "\"");
    }
  }

  private static String expected(String text) {
    return "expected a size such as 512B, 64KiB, 256MiB or 20GiB, got \"" + text + "\"";
  }

  /** The size as an int, for limits that arrays or buffers hold; fails above {@code max}. */
  public int toIntBytes(String key, int max) {
    if (bytes > max) {
      throw new IllegalArgumentException(key + " must be at most " + max + " bytes, was " + this);
    }
    return (int) bytes;
  }

  @Override
  public String toString() {
    long b = bytes;
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (u < units.length - 1 && b != 0 && b % 1024 == 0) {
      b /= 1024;
      u++;
    }
    return b + units[u];
  }
}
