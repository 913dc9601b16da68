package org.sipscreen.screening.check.calling_number;

import org.sipscreen.screening.check.PolicyKeys;

/**
 * {@code screening.calling_number}: what a caller without a number (flag {@code anonymous}) gets. Always
 * on; by default the flag scores 0 and its action is {@code allow} (forwarded, counted).
 */
public record CallingNumberConfig(Integer score, String action, Boolean shadow) implements PolicyKeys {

  public static final CallingNumberConfig DEFAULT = new CallingNumberConfig(null, null, null);

  public CallingNumberConfig {
    score = score == null ? 0 : score;
    if (score < 0 || score > 100) {
      throw new IllegalArgumentException("score must be 0-100, was " + score);
    }
    PolicyKeys.requireAction(action);
  }
}
