package org.sipscreen.screening;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Screens one call: the emergency check first (a match forwards at once, outcome "bypass", and no other
 * check runs), then the checks in order; the first Reject or Drop ends the chain, Tags accumulate,
 * otherwise the call is forwarded. Immutable and thread-safe; on a config or list reload build a new chain
 * and swap the reference, so a call is screened against one consistent snapshot.
 */
public final class ScreeningChain {

  private final PhoneNumbers numbers;
  private final EmergencyCheck emergency;
  private final NumberList allowList;
  private final List<Check> checks;

  /**
   * @param numbers number normalization (default country code)
   * @param emergency always runs first, see {@link EmergencyCheck}
   * @param allowList callers on it pass every number-list check ("allow wins"); {@link NumberList#EMPTY}
   * @param checks in order of evaluation, cheapest first; names must be unique and not "emergency"
   */
  public ScreeningChain(
      PhoneNumbers numbers, EmergencyCheck emergency, NumberList allowList, List<Check> checks) {
    this.numbers = Objects.requireNonNull(numbers, "numbers");
    this.emergency = Objects.requireNonNull(emergency, "emergency");
    this.allowList = Objects.requireNonNull(allowList, "allowList");
    this.checks = List.copyOf(checks);
    Set<String> names = new HashSet<>();
    names.add(EmergencyCheck.NAME);
    for (Check check : this.checks) {
      String name = CheckOutcome.requireCheckName(check.name());
      if (!names.add(name)) {
        throw new IllegalArgumentException("duplicate check name: '" + name + "'");
      }
    }
  }

  /** The names of the checks in evaluation order, starting with "emergency". */
  public List<String> checkNames() {
    List<String> names = new ArrayList<>(checks.size() + 1);
    names.add(EmergencyCheck.NAME);
    checks.forEach(c -> names.add(c.name()));
    return List.copyOf(names);
  }

  /**
   * Runs the chain. A check that throws or returns null is a bug in that check: the exception propagates
   * and the caller decides (the proxy should forward, fail-open, and count it).
   */
  public ScreeningResult screen(CallAttempt attempt) {
    ScreenedCall call = new ScreenedCall(attempt, numbers, allowList);
    List<CheckOutcome> outcomes = new ArrayList<>(checks.size() + 1);
    if (emergency.isEmergency(call)) {
      outcomes.add(new CheckOutcome(EmergencyCheck.NAME, CheckOutcome.BYPASS));
      return result(call, ScreeningResult.Action.FORWARD, List.of(), EmergencyCheck.NAME, outcomes);
    }
    outcomes.add(new CheckOutcome(EmergencyCheck.NAME, CheckOutcome.CONTINUE));
    List<CallTag> tags = new ArrayList<>();
    for (Check check : checks) {
      Verdict verdict = check.check(call);
      if (verdict == null) {
        throw new NullPointerException("check '" + check.name() + "' returned a null verdict");
      }
      outcomes.add(new CheckOutcome(check.name(), check.outcomeLabel(verdict, call)));
      if (verdict instanceof Verdict.Tag tag) {
        for (CallTag t : tag.tags()) {
          if (!tags.contains(t)) {
            tags.add(t);
          }
        }
      } else if (verdict instanceof Verdict.Reject reject) {
        return result(call, ScreeningResult.Action.Reject.of(reject), tags, check.name(), outcomes);
      } else if (verdict instanceof Verdict.Drop drop) {
        return result(call, new ScreeningResult.Action.Drop(drop.why()), tags, check.name(), outcomes);
      }
    }
    return result(call, ScreeningResult.Action.FORWARD, tags, null, outcomes);
  }

  private static ScreeningResult result(ScreenedCall call, ScreeningResult.Action action,
      List<CallTag> tags, String decidedBy, List<CheckOutcome> outcomes) {
    return new ScreeningResult(action, tags, Optional.ofNullable(decidedBy), call.peerName(),
        call.callerNumber(), call.calledNumber(), outcomes);
  }
}
