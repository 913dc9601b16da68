package org.sipscreen.screening.check.rmd;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How a peer names its RMD filing: an RMD number ({@code RMD0012345}) or an FRN (up to 10 digits; the
 * leading zeros a spreadsheet drops are put back).
 */
public record RmdReference(String text, boolean isFrn) {

  private static final Pattern RMD_NUMBER = Pattern.compile("RMD[0-9]{1,12}");
  private static final Pattern FRN = Pattern.compile("[0-9]{1,10}");

  /** The reference {@code text} spells, or empty when it is neither an RMD number nor an FRN. */
  public static Optional<RmdReference> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.strip().toUpperCase(Locale.ROOT);
    if (RMD_NUMBER.matcher(t).matches()) {
      return Optional.of(new RmdReference(t, false));
    }
    if (FRN.matcher(t).matches()) {
      return Optional.of(new RmdReference(frn(t), true));
    }
    return Optional.empty();
  }

  /** {@code digits} as the FCC writes an FRN: 10 digits with leading zeros. */
  static String frn(String digits) {
    return "0".repeat(10 - digits.length()) + digits;
  }

  @Override
  public String toString() {
    return text;
  }
}
