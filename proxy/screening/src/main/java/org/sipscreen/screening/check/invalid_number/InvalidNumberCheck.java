package org.sipscreen.screening.check.invalid_number;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.numbering.CountryCodeLengths;
import org.sipscreen.screening.numbering.NanpNumberingPlan;
import org.sipscreen.screening.numbering.NumberValidity;

/**
 * invalid_number: flags a calling number that cannot exist (47 CFR 64.1200(k)(2) lets carriers block
 * them). +1 callers are checked against the {@link NanpNumberingPlan} (structure, assigned area codes,
 * allocated exchanges), other E.164 callers against {@link CountryCodeLengths} (known country code,
 * possible length). A hit is a {@link Verdict.Flag} whose category is the {@link NumberValidity} label
 * ({@code n11_nxx}, {@code unassigned_npa}, ...); a valid number continues. A caller written as a
 * telephone number that no number can be ({@link PhoneNumber.Invalid}: {@code too_long}, {@code too_short},
 * {@code unknown_country_code}, {@code not_a_number}) is flagged with that category. Anonymous and
 * unparseable callers continue with outcome {@code anonymous} / {@code unparseable}: calling_number
 * reports those kinds (and flags anonymous ones), so counting them here too would double-count one fault.
 * Immutable; the verdicts are built once, so a call allocates nothing here.
 */
public final class InvalidNumberCheck implements Check {

  public static final String NAME = "invalid_number";
  /** Default score of a structurally impossible number. */
  public static final int DEFAULT_SCORE = 100;
  /**
   * Default score of a number that is only missing from the loaded assignment data (unassigned_npa,
   * unallocated_exchange): the files lag new assignments until the next refresh.
   */
  public static final int DEFAULT_DATA_SCORE = 90;

  private final NanpNumberingPlan nanp;
  private final CountryCodeLengths countries;
  private final Verdict[] verdicts = new Verdict[NumberValidity.values().length];

  /** Checks with libphonenumber's country-code lengths and {@link #defaultScores()}. */
  public InvalidNumberCheck(NanpNumberingPlan nanp) {
    this(nanp, CountryCodeLengths.libphonenumber(), defaultScores());
  }

  /**
   * @param nanp the +1 numbering plan snapshot
   * @param countries lengths for non-+1 numbers
   * @param scores flag score 0-100 per category; categories not in the map get their default
   */
  public InvalidNumberCheck(NanpNumberingPlan nanp, CountryCodeLengths countries,
      Map<NumberValidity, Integer> scores) {
    this.nanp = Objects.requireNonNull(nanp, "nanp");
    this.countries = Objects.requireNonNull(countries, "countries");
    Objects.requireNonNull(scores, "scores");
    if (scores.containsKey(NumberValidity.VALID)) {
      throw new IllegalArgumentException("invalid_number: 'valid' is not a flag category and takes no score");
    }
    Map<NumberValidity, Integer> merged = defaultScores();
    merged.putAll(scores);
    for (NumberValidity v : NumberValidity.values()) {
      verdicts[v.ordinal()] = v == NumberValidity.VALID
          ? Verdict.CONTINUE
          : new Verdict.Flag(v.label(), requireScore(v, merged.get(v)));
    }
  }

  /** Every category at {@link #DEFAULT_SCORE}, the data-driven ones at {@link #DEFAULT_DATA_SCORE}. */
  public static Map<NumberValidity, Integer> defaultScores() {
    Map<NumberValidity, Integer> scores = new EnumMap<>(NumberValidity.class);
    for (NumberValidity v : NumberValidity.values()) {
      if (v != NumberValidity.VALID) {
        scores.put(v, v.structural() ? DEFAULT_SCORE : DEFAULT_DATA_SCORE);
      }
    }
    return scores;
  }

  /** The same score for every category. */
  public static Map<NumberValidity, Integer> uniformScores(int score) {
    Map<NumberValidity, Integer> scores = defaultScores();
    scores.replaceAll((v, s) -> score);
    return scores;
  }

  @Override
  public String name() {
    return NAME;
  }

  public NanpNumberingPlan nanp() {
    return nanp;
  }

  @Override
  public Verdict check(ScreenedCall call) {
    PhoneNumber caller = call.callerNumber();
    if (caller instanceof PhoneNumber.E164 e164) {
      return verdicts[classify(e164).ordinal()];
    }
    if (caller instanceof PhoneNumber.Invalid invalid) {
      return verdicts[invalid.category().ordinal()];
    }
    return Verdict.CONTINUE;
  }

  /** The numbering verdict on one E.164 number. */
  public NumberValidity classify(PhoneNumber.E164 number) {
    long digits = number.digitsAsLong();
    int count = number.digitCount();
    return number.value().charAt(1) == '1'
        ? nanp.classify(digits, count)
        : countries.classify(digits, count);
  }

  @Override
  public String outcomeLabel(Verdict verdict, ScreenedCall call) {
    if (verdict instanceof Verdict.Continue && !(call.callerNumber() instanceof PhoneNumber.E164)) {
      return call.callerNumber().kind();
    }
    return CheckOutcome.labelOf(verdict);
  }

  private static int requireScore(NumberValidity category, Integer score) {
    if (score == null || score < 0 || score > 100) {
      throw new IllegalArgumentException(
          "invalid_number score for '" + category.label() + "' must be 0-100, was " + score);
    }
    return score;
  }
}
