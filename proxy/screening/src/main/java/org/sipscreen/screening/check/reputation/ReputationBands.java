package org.sipscreen.screening.check.reputation;

import java.util.Locale;

/**
 * Where the fixed reputation bands start: {@code low} is 0 up to {@code mediumFrom - 1}, {@code medium}
 * up to {@code highFrom - 1}, {@code high} up to {@code veryHighFrom - 1}, {@code very_high} up to 100.
 * The band names are fixed so that they can be metric labels; only the boundaries are configured.
 */
public record ReputationBands(int mediumFrom, int highFrom, int veryHighFrom) {

  /** low 0-24, medium 25-49, high 50-74, very_high 75-100. */
  public static final ReputationBands DEFAULT = new ReputationBands(25, 50, 75);

  /** The four bands, lowest first. */
  public enum Band {
    LOW, MEDIUM, HIGH, VERY_HIGH;

    private final String label = "reputation_" + name().toLowerCase(Locale.ROOT);

    /** The flag category and outcome label: {@code reputation_low} ... {@code reputation_very_high}. */
    public String label() {
      return label;
    }
  }

  public ReputationBands {
    if (mediumFrom < 1 || mediumFrom >= highFrom || highFrom >= veryHighFrom || veryHighFrom > 100) {
      throw new IllegalArgumentException("reputation bands must satisfy 1 <= medium < high < very_high"
          + " <= 100, were medium=" + mediumFrom + ", high=" + highFrom + ", very_high=" + veryHighFrom);
    }
  }

  /** The band a score 0-100 falls in. */
  public Band bandOf(int score) {
    if (score < 0 || score > 100) {
      throw new IllegalArgumentException("reputation score must be 0-100, was " + score);
    }
    if (score >= veryHighFrom) {
      return Band.VERY_HIGH;
    } else if (score >= highFrom) {
      return Band.HIGH;
    } else if (score >= mediumFrom) {
      return Band.MEDIUM;
    }
    return Band.LOW;
  }
}
