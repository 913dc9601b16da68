package org.sipscreen.screening;

import java.util.Locale;

/**
 * What the policy does when a check raises a {@link Verdict.Flag} (issue 3, "Policy"). Config spells them in
 * lower case: {@code allow}, {@code score}, {@code tag}, {@code reject_analytics}, {@code reject_deterministic},
 * {@code drop}.
 */
public enum PolicyAction {
  /** Record the flag, change nothing. */
  ALLOW,
  /** Add the flag's score to the call's score; the score thresholds decide at the end of the chain. */
  SCORE,
  /** Add the score and tag the call (label and/or verstat from the policy). */
  TAG,
  /** Answer 603+ ({@code 603 Network Blocked} with the ATIS-1000099 Reason header): analytics-based. */
  REJECT_ANALYTICS,
  /** Answer the deterministic reject (603 Decline or 608 Rejected, per config), never 603+. */
  REJECT_DETERMINISTIC,
  /** Discard the INVITE silently. */
  DROP;

  /** The config and label spelling, e.g. {@code reject_analytics}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PolicyAction parse(String text) {
    for (PolicyAction a : values()) {
      if (a.label().equals(text)) {
        return a;
      }
    }
    throw new IllegalArgumentException("action must be one of allow, score, tag, reject_analytics,"
        + " reject_deterministic, drop; was '" + text + "'");
  }
}
