package org.sipscreen.screening;

/**
 * One screening rule: reads a {@link ScreenedCall} and returns a {@link Verdict}, never null and never
 * acting on the wire itself. {@link #name()} is stable snake_case and is used unchanged as config key,
 * metric label and log field. Checks are immutable and shared by all calls.
 */
public interface Check {

  /** Stable snake_case name, e.g. {@code block_list}. */
  String name();

  /** Judges one call. Must not block and must not throw on anything a peer can send. */
  Verdict check(ScreenedCall call);

  /**
   * The metric/log outcome label for a verdict this check returned; one of a small fixed set per check
   * (it becomes a label value of {@code sipscreen_screening_outcomes_total}). Defaults to
   * {@link CheckOutcome#labelOf(Verdict)}.
   */
  default String outcomeLabel(Verdict verdict, ScreenedCall call) {
    return CheckOutcome.labelOf(verdict);
  }

  /**
   * Whether this check controls access rather than screening calls (source_peer): it runs on emergency
   * calls too, before their bypass, and its Reject or Drop holds in global shadow mode; only the policy's
   * shadow flag for this check itself ({@code source_peer.shadow}) turns it into an observation.
   */
  default boolean controlsAccess() {
    return false;
  }

  /**
   * Judges one call for a dry run (the admin API's lookup): the same verdict {@link #check} would give,
   * without changing any state (no counting, no remote request). Checks without state need not override.
   */
  default Verdict dryRun(ScreenedCall call) {
    return check(call);
  }

  /**
   * The most heap this check's own data and state take: loaded lists and feeds, and tables at their size
   * bounds (what {@code check-config} adds up to size the JVM heap). Checks that hold nothing that grows
   * with the config need not override.
   */
  default long heapBytes() {
    return 0;
  }
}
