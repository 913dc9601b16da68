package org.sipscreen.screening;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one check did to one call, for {@code sipscreen_screening_outcomes_total{check,outcome}} and the
 * per-call log record. Both fields are snake_case labels from small fixed sets.
 */
public record CheckOutcome(String check, String outcome) {

  public static final String CONTINUE = "continue";
  public static final String TAG = "tag";
  public static final String REJECT = "reject";
  public static final String DROP = "drop";
  /** The emergency check recognized an emergency call; no other check ran. */
  public static final String BYPASS = "bypass";
  /** The caller is on the allow list, so a number-list check let the call through. */
  public static final String ALLOWED = "allowed";

  static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  public CheckOutcome {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(outcome, "outcome");
    if (!SNAKE_CASE.matcher(check).matches()) {
      throw new IllegalArgumentException("check name must be snake_case: '" + check + "'");
    }
    if (!SNAKE_CASE.matcher(outcome).matches()) {
      throw new IllegalArgumentException("outcome label must be snake_case: '" + outcome + "'");
    }
  }

  /** The default label of a verdict: continue, tag, reject, drop, or a flag's category. */
  public static String labelOf(Verdict verdict) {
    Objects.requireNonNull(verdict, "verdict");
    if (verdict instanceof Verdict.Flag flag) {
      return flag.category();
    } else if (verdict instanceof Verdict.Later) {
      return "pending";
    } else if (verdict instanceof Verdict.Continue) {
      return CONTINUE;
    } else if (verdict instanceof Verdict.Tag) {
      return TAG;
    } else if (verdict instanceof Verdict.Reject) {
      return REJECT;
    } else {
      return DROP;
    }
  }

  /** Throws unless {@code name} is a valid snake_case check name. */
  static String requireCheckName(String name) {
    Objects.requireNonNull(name, "name");
    if (!SNAKE_CASE.matcher(name).matches()) {
      throw new IllegalArgumentException("check name must be snake_case: '" + name + "'");
    }
    return name;
  }
}
