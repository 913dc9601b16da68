package org.sipscreen.screening.check;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as config writes them: a number and a unit, {@code 250ms}, {@code 30s}, {@code 5m}, {@code 12h},
 * {@code 90d} (Prometheus style; one unit per value). A bare number is refused: the unit is what makes
 * {@code 300} readable.
 */
public final class ConfigDurations {

  private ConfigDurations() {}

  public static Duration parse(String text) {
    String t = text.strip();
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 12) {
      throw new IllegalArgumentException(expected(text));
    }
    long n = Long.parseLong(t.substring(0, i));
    String unit = t.substring(i).strip().toLowerCase(Locale.ROOT);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      case "w" -> Duration.ofDays(7 * n);
      default -> throw new IllegalArgumentException(expected(text));
    };
  }

  /** How config writes {@code d}: the largest unit that divides it. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000L == 0 && ms != 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0 && ms != 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0 && ms != 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** Throws unless {@code d} lies in [{@code min}, {@code max}], naming the key. */
  public static Duration require(Duration d, String key, Duration min, Duration max) {
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new IllegalArgumentException(key + " must be " + format(min) + "-" + format(max) + ", was "
          + format(d));
    }
    return d;
  }

  private static String expected(String text) {
    return "expected a duration such as 250ms, 30s, 5m, 12h or 90d, got \"" + text + "\"";
  }
}
