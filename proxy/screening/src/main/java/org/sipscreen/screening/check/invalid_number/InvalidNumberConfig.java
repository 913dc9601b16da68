package org.sipscreen.screening.check.invalid_number;

import java.util.Map;
import org.sipscreen.screening.check.ListFile;
import org.sipscreen.screening.check.PolicyKeys;

/**
 * {@code screening.invalid_number}: NANP structure and numbering data, E.164 lengths; a deterministic block
 * by default.
 *
 * @param npa the area-code list (the shipped {@code data/nanp-npa.txt} when left out), or NANPA's
 *     npa_report.csv
 * @param coCodes NANPA's CO-code report (allocated exchanges), optional
 * @param score the score of a structural failure (N11, N9X, too long...), default 100
 * @param dataScore the score of a failure against numbering data (unassigned area code or exchange),
 *     default 90
 * @param scores per-category scores that override the two above
 */
public record InvalidNumberConfig(ListFile npa, ListFile coCodes, Integer score, Integer dataScore,
    Map<String, Integer> scores, String action, Boolean shadow) implements PolicyKeys {

  /** The shipped area-code list, relative to the config folder. */
  public static final String SHIPPED_NPA = "data/nanp-npa.txt";

  public InvalidNumberConfig {
    npa = npa == null ? new ListFile(SHIPPED_NPA) : npa;
    score = score == null ? 100 : score;
    dataScore = dataScore == null ? 90 : dataScore;
    scores = scores == null ? Map.of() : Map.copyOf(scores);
    PolicyKeys.requireAction(action);
  }
}
