package org.sipscreen.screening.numbering;

import java.util.Locale;

/**
 * What the numbering rules say about one E.164 number: {@link #VALID}, or the first rule it breaks. Each
 * non-valid constant has a stable snake_case {@link #label()} that the invalid_number check uses as flag
 * category and metric outcome label.
 */
public enum NumberValidity {
  /** Breaks no rule the loaded data can check. */
  VALID(true),
  /**
   * More digits than E.164 (15) or than the country's longest number (+1: 11 digits; a NANP national
   * number of 12 digits).
   */
  TOO_LONG(true),
  /**
   * Fewer digits than the country's shortest number (+1: 11 digits; a NANP national number of 9 digits)
   * or than any E.164 number (7).
   */
  TOO_SHORT(true),
  /** A length between the country's shortest and longest that no number of the country has. */
  INVALID_LENGTH(true),
  /** The digits start with no assigned E.164 country code (or with 0, which no country code does). */
  UNKNOWN_COUNTRY_CODE(true),
  /**
   * Letters or other characters where a telephone number's digits belong: a {@code tel:} URI, a
   * {@code user=phone} URI or a {@code +}-prefixed user part such as {@code tel:+1-214-393-CASH}.
   */
  NOT_A_NUMBER(true),
  /** NANP: the area code starts with 0 or 1. */
  BAD_NPA(true),
  /** NANP: the exchange code starts with 0 or 1. */
  BAD_NXX(true),
  /** NANP: the area code is an N11 service code (211, 311, ... 911). */
  N11_NPA(true),
  /** NANP: the exchange code is an N11 service code. */
  N11_NXX(true),
  /** NANP: a reserved area code: N9X (expansion), 37X or 96X. */
  RESERVED_NPA(true),
  /** NANP: NXX 555, line 0100-0199, the range reserved for fiction. */
  FICTIONAL_555(true),
  /** NANP: a structurally possible area code that the loaded NPA data does not list as assigned. */
  UNASSIGNED_NPA(false),
  /** NANP: an exchange (NPA-NXX) missing from the loaded CO-code data for an area code it covers. */
  UNALLOCATED_EXCHANGE(false);

  private final boolean structural;
  private final String label;

  NumberValidity(boolean structural) {
    this.structural = structural;
    this.label = name().toLowerCase(Locale.ROOT);
  }

  /** Snake_case label, e.g. {@code n11_nxx}; {@code valid} for {@link #VALID}. */
  public String label() {
    return label;
  }

  /**
   * Whether the verdict follows from the numbering plan's fixed structure (true) or from assignment data
   * that changes and may lag a new assignment (false: {@link #UNASSIGNED_NPA}, {@link #UNALLOCATED_EXCHANGE}).
   */
  public boolean structural() {
    return structural;
  }

  /** The constant with this label. */
  public static NumberValidity fromLabel(String label) {
    for (NumberValidity v : values()) {
      if (v.label.equals(label)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown invalid_number category: '" + label + "'");
  }
}
