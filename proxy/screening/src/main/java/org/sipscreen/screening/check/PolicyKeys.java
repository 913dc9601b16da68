package org.sipscreen.screening.check;

/**
 * The policy keys of a check's section: {@code action} (allow, score, tag, reject_analytics,
 * reject_deterministic, drop) says what the check's flags do, {@code shadow} that the check only observes.
 * Null means the module's default action, and not shadowed.
 */
public interface PolicyKeys {

  String action();

  Boolean shadow();

  /** Throws unless {@code action} is null or one of the policy actions. */
  static String requireAction(String action) {
    if (action != null) {
      org.sipscreen.screening.PolicyAction.parse(action);
    }
    return action;
  }
}
