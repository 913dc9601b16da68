package org.sipscreen.screening;

import java.util.Objects;
import org.sipscreen.screening.numbering.NumberValidity;

/**
 * A calling or called number as the screening checks see it: a valid E.164 number, a caller who withheld
 * the number, a telephone number that cannot exist, or something that is not a number at all. Produced by
 * {@link PhoneNumbers}; never null.
 */
public sealed interface PhoneNumber {

  /**
   * Stable metric and log label of the state: {@code e164}, {@code anonymous}, {@code invalid} or
   * {@code unparseable}.
   */
  String kind();

  /** An E.164 number: {@code +} followed by 1 to 15 digits, the first of which is not 0. */
  record E164(String value) implements PhoneNumber {
    /** E.164 (ITU-T E.164 section 6) allows at most 15 digits including the country code. */
    public static final int MAX_DIGITS = 15;

    public E164 {
      Objects.requireNonNull(value, "value");
      int digits = value.length() - 1;
      if (digits < 1 || digits > MAX_DIGITS || value.charAt(0) != '+' || value.charAt(1) == '0'
          || !allDigitsAfterPlus(value)) {
        throw new IllegalArgumentException("not an E.164 number (+ and 1-15 digits, first not 0): "
            + value);
      }
    }

    @Override
    public String kind() {
      return "e164";
    }

    /** A loop, not a stream: every parsed caller and callee is validated here. */
    private static boolean allDigitsAfterPlus(String value) {
      for (int i = 1; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < '0' || c > '9') {
          return false;
        }
      }
      return true;
    }

    /** The number of digits after the {@code +}. */
    public int digitCount() {
      return value.length() - 1;
    }

    /**
     * The digits as a long (at most 15 digits always fit; no leading 0, so the value is unambiguous).
     * Allocation-free, for list lookups.
     */
    public long digitsAsLong() {
      long n = 0;
      for (int i = 1; i < value.length(); i++) {
        n = n * 10 + (value.charAt(i) - '0');
      }
      return n;
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** The caller withheld the number (RFC 3323 anonymous URI, "restricted", an empty user part). */
  record Anonymous() implements PhoneNumber {
    @Override
    public String kind() {
      return "anonymous";
    }

    @Override
    public String toString() {
      return "anonymous";
    }
  }

  /**
   * Written as a telephone number — a {@code tel:} URI, a {@code sip:} URI with {@code user=phone}, a user
   * part that starts with {@code +} or is all digits — but no number can be that: more digits than E.164
   * allows ({@link NumberValidity#TOO_LONG}), fewer than the country's numbers have
   * ({@link NumberValidity#TOO_SHORT}), a country code starting with 0
   * ({@link NumberValidity#UNKNOWN_COUNTRY_CODE}) or letters where digits belong
   * ({@link NumberValidity#NOT_A_NUMBER}, {@code tel:+1-214-393-CASH}). The invalid_number check flags it
   * with {@code category} as the flag's category.
   */
  record Invalid(NumberValidity category) implements PhoneNumber {
    public static final Invalid TOO_LONG = new Invalid(NumberValidity.TOO_LONG);
    public static final Invalid TOO_SHORT = new Invalid(NumberValidity.TOO_SHORT);
    public static final Invalid UNKNOWN_COUNTRY_CODE = new Invalid(NumberValidity.UNKNOWN_COUNTRY_CODE);
    public static final Invalid NOT_A_NUMBER = new Invalid(NumberValidity.NOT_A_NUMBER);

    public Invalid {
      Objects.requireNonNull(category, "category");
      if (category == NumberValidity.VALID) {
        throw new IllegalArgumentException("an invalid number needs a category other than 'valid'");
      }
    }

    @Override
    public String kind() {
      return "invalid";
    }

    @Override
    public String toString() {
      return "invalid(" + category.label() + ")";
    }
  }

  /**
   * The value names no phone number (a non-numeric user such as {@code sip:alice@host}, a URI without a
   * user part that is not anonymous, malformed syntax); {@code reason} is for logs only.
   */
  record Unparseable(String reason) implements PhoneNumber {
    public Unparseable {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String kind() {
      return "unparseable";
    }

    @Override
    public String toString() {
      return "unparseable(" + reason + ")";
    }
  }

  Anonymous ANONYMOUS = new Anonymous();
}
