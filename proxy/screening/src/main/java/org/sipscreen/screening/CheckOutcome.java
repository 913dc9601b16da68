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
  /** An emergency call from a source access control refused (it never reached the emergency bypass). */
  public static final String REFUSED = "refused";
  /** The caller is on the allow list, so a number-list check let the call through. */
  public static final String ALLOWED = "allowed";
  /**
   * The check threw or answered nothing: a bug in that check. The chain goes on without it; when the check
   * controls access, the call is refused instead ({@link ScreeningChain}).
   */
  public static final String FAILED = "failed";

  /** The language {@link #isSnakeCase} accepts, for messages and documentation. */
  static final Pattern SNAKE_CASE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

  public CheckOutcome {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(outcome, "outcome");
    if (!isSnakeCase(check)) {
      throw new IllegalArgumentException("check name must be snake_case: '" + check + "'");
    }
    if (!isSnakeCase(outcome)) {
      throw new IllegalArgumentException("outcome label must be snake_case: '" + outcome + "'");
    }
  }

  /** The default label of a verdict: a continue's outcome, tag, reject, drop, or a flag's category. */
  public static String labelOf(Verdict verdict) {
    Objects.requireNonNull(verdict, "verdict");
    if (verdict instanceof Verdict.Flag flag) {
      return flag.category();
    } else if (verdict instanceof Verdict.Later) {
      return "pending";
    } else if (verdict instanceof Verdict.Continue c) {
      return c.outcome();
    } else if (verdict instanceof Verdict.Tag) {
      return TAG;
    } else if (verdict instanceof Verdict.Reject) {
      return REJECT;
    } else {
      return DROP;
    }
  }

  /** Throws unless {@code name} is a valid snake_case check name. */
  public static String requireCheckName(String name) {
    Objects.requireNonNull(name, "name");
    if (!isSnakeCase(name)) {
      throw new IllegalArgumentException("check name must be snake_case: '" + name + "'");
    }
    return name;
  }

  /**
   * Whether {@code s} matches {@link #SNAKE_CASE}: a lowercase letter, then lowercase letters, digits and
   * single underscores, not ending in one. Hand-written because every screened call builds one outcome per
   * check, and a regex match allocates a Matcher and its group state each time.
   */
  static boolean isSnakeCase(String s) {
    int n = s.length();
    if (n == 0 || s.charAt(0) < 'a' || s.charAt(0) > 'z' || s.charAt(n - 1) == '_') {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (c == '_') {
        if (s.charAt(i - 1) == '_') {
          return false;
        }
      } else if ((c < 'a' || c > 'z') && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }
}
