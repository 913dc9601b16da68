package org.sipscreen.screening.numbering;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The assigned E.164 country codes and the national number lengths each allows, precomputed once so that
 * checking an international number is two array reads instead of a libphonenumber parse. Immutable.
 *
 * <p>Why not call libphonenumber per call: parse + isValidNumber costs microseconds and allocates (see
 * loadtest/RESULTS.md, "JMH: invalid_number"); a length table built from the same metadata at start-up
 * answers the question a caller-ID screen can act on (wrong length, no such country code) in nanoseconds.
 * Full per-number range validation would also reject numbers from ranges opened after the library release.
 */
public final class CountryCodeLengths {

  /** National significant numbers are at most 17 digits in libphonenumber's metadata. */
  private static final int MAX_NATIONAL_LENGTH = 17;
  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  /** Bit n set: a national number of n digits is possible. Index: country code 1-999; 0 = unassigned. */
  private final int[] nationalLengths;

  private CountryCodeLengths(int[] nationalLengths) {
    this.nationalLengths = nationalLengths;
  }

  /**
   * Lengths from libphonenumber's metadata: for every calling code it supports (geographic and global
   * network codes such as +800), the national lengths its {@code isPossibleNumberWithReason} accepts as
   * {@code IS_POSSIBLE} (lengths that can only be dialed locally do not count). Computed once per JVM.
   */
  public static CountryCodeLengths libphonenumber() {
    return FromLibphonenumber.INSTANCE;
  }

  /**
   * Explicit lengths, e.g. {@code of(Map.of(44, Set.of(7, 9, 10)))}: country code to the possible
   * national number lengths.
   */
  public static CountryCodeLengths of(Map<Integer, Set<Integer>> lengthsByCountryCode) {
    Objects.requireNonNull(lengthsByCountryCode, "lengthsByCountryCode");
    int[] table = new int[1000];
    lengthsByCountryCode.forEach((cc, lengths) -> {
      if (cc == null || cc < 1 || cc > 999) {
        throw new IllegalArgumentException("country code must be 1-999, was " + cc);
      }
      if (lengths.isEmpty()) {
        throw new IllegalArgumentException("country code " + cc + " has no possible length");
      }
      for (int length : lengths) {
        if (length < 1 || length > MAX_NATIONAL_LENGTH) {
          throw new IllegalArgumentException("national length for +" + cc + " must be 1-"
              + MAX_NATIONAL_LENGTH + ", was " + length);
        }
        table[cc] |= 1 << length;
      }
    });
    requirePrefixFree(table);
    return new CountryCodeLengths(table);
  }

  /**
   * The verdict on an E.164 number given as its digits (country code included) and digit count:
   * VALID, TOO_LONG (more than 15 digits or longer than any number of its country), TOO_SHORT,
   * INVALID_LENGTH or UNKNOWN_COUNTRY_CODE. Allocation-free.
   */
  public NumberValidity classify(long digits, int digitCount) {
    if (digitCount > 15) {
      return NumberValidity.TOO_LONG;
    }
    if (digitCount < 1 || digits < POW10[digitCount - 1] || digits >= POW10[digitCount]) {
      throw new IllegalArgumentException(digits + " does not have " + digitCount + " digits");
    }
    for (int ccDigits = 1; ccDigits <= 3 && ccDigits < digitCount; ccDigits++) {
      int cc = (int) (digits / POW10[digitCount - ccDigits]);
      int lengths = nationalLengths[cc];
      if (lengths != 0) {
        int national = digitCount - ccDigits;
        if ((lengths & (1 << national)) != 0) {
          return NumberValidity.VALID;
        }
        if (national < Integer.numberOfTrailingZeros(lengths)) {
          return NumberValidity.TOO_SHORT;
        }
        if (national > 31 - Integer.numberOfLeadingZeros(lengths)) {
          return NumberValidity.TOO_LONG;
        }
        return NumberValidity.INVALID_LENGTH;
      }
    }
    return NumberValidity.UNKNOWN_COUNTRY_CODE;
  }

  /** Whether the country code is assigned (has lengths). */
  public boolean isCountryCode(int countryCode) {
    return countryCode >= 1 && countryCode <= 999 && nationalLengths[countryCode] != 0;
  }

  /** Shortest national number length of the country code, or 0 if it is not assigned. */
  public int minNationalLength(int countryCode) {
    return isCountryCode(countryCode) ? Integer.numberOfTrailingZeros(nationalLengths[countryCode]) : 0;
  }

  /** Longest national number length of the country code, or 0 if it is not assigned. */
  public int maxNationalLength(int countryCode) {
    return isCountryCode(countryCode) ? 31 - Integer.numberOfLeadingZeros(nationalLengths[countryCode]) : 0;
  }

  /** E.164 country codes are prefix-free (ITU-T E.164 section 6.2.1); a table that is not is a bug. */
  private static void requirePrefixFree(int[] table) {
    for (int cc = 10; cc < 1000; cc++) {
      if (table[cc] != 0 && (table[cc / 10] != 0 || (cc >= 100 && table[cc / 100] != 0))) {
        throw new IllegalArgumentException("country code +" + cc + " overlaps a shorter country code");
      }
    }
  }

  private static final class FromLibphonenumber {
    static final CountryCodeLengths INSTANCE = build();

    private static CountryCodeLengths build() {
      PhoneNumberUtil util = PhoneNumberUtil.getInstance();
      int[] table = new int[1000];
      for (int cc : util.getSupportedCallingCodes()) {
        if (cc < 1 || cc > 999) {
          continue;
        }
        for (int length = 1; length <= MAX_NATIONAL_LENGTH; length++) {
          // Length is all isPossibleNumber looks at; a national number of 2s has no leading zero.
          Phonenumber.PhoneNumber probe = new Phonenumber.PhoneNumber()
              .setCountryCode(cc)
              .setNationalNumber(POW10[length] / 9 * 2);
          if (util.isPossibleNumberWithReason(probe) == ValidationResult.IS_POSSIBLE) {
            table[cc] |= 1 << length;
          }
        }
      }
      requirePrefixFree(table);
      return new CountryCodeLengths(table);
    }
  }
}
