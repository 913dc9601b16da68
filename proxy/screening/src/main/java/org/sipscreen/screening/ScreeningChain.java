package org.sipscreen.screening;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Screens one call: the emergency check first (a match passes access control and is then forwarded at
 * once, outcome "bypass", and no other check runs), then the checks in order; the first Reject or Drop ends the chain, Tags accumulate, Flags
 * go through the {@link Policy}, and at the end the policy's score thresholds apply. Immutable and thread-safe; on a config or list reload build a new chain
 * and swap the reference, so a call is screened against one consistent snapshot.
 */
public final class ScreeningChain {

  private final PhoneNumbers numbers;
  private final EmergencyCheck emergency;
  private final NumberList allowList;
  private final List<Check> checks;
  /** knownOutcomes[i] builds and keeps the outcomes of checks.get(i). */
  private final Outcomes[] knownOutcomes;
  private final Policy policy;

  /**
   * @param numbers number normalization (default country code)
   * @param emergency always runs first, see {@link EmergencyCheck}
   * @param allowList callers on it pass every number-list check ("allow wins"); {@link NumberList#EMPTY}
   * @param checks in order of evaluation, cheapest first; names must be unique and not "emergency"
   */
  public ScreeningChain(
      PhoneNumbers numbers, EmergencyCheck emergency, NumberList allowList, List<Check> checks) {
    this(numbers, emergency, allowList, checks, Policy.OBSERVE);
  }

  /**
   * @param policy what flags do; see {@link Policy}
   */
  public ScreeningChain(PhoneNumbers numbers, EmergencyCheck emergency, NumberList allowList,
      List<Check> checks, Policy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.numbers = Objects.requireNonNull(numbers, "numbers");
    this.emergency = Objects.requireNonNull(emergency, "emergency");
    this.allowList = Objects.requireNonNull(allowList, "allowList");
    this.checks = List.copyOf(checks);
    this.knownOutcomes = new Outcomes[this.checks.size()];
    Set<String> names = new HashSet<>();
    names.add(EmergencyCheck.NAME);
    for (int i = 0; i < this.checks.size(); i++) {
      String name = CheckOutcome.requireCheckName(this.checks.get(i).name());
      if (!names.add(name)) {
        throw new IllegalArgumentException("duplicate check name: '" + name + "'");
      }
      knownOutcomes[i] = new Outcomes(name);
    }
  }

  /**
   * Whether a Request-URI alone calls emergency services by this chain's emergency numbers: for callers
   * that must decide before a message is parsed (flood control). Never throws.
   */
  public boolean isEmergencyUri(String requestUri) {
    return emergency.isEmergency(new ScreenedCall(new CallAttempt("", java.net.InetAddress.getLoopbackAddress(),
        requestUri, "", "", Optional.empty()), numbers, NumberList.EMPTY));
  }

  /** The names of the checks in evaluation order, starting with "emergency". */
  public List<String> checkNames() {
    List<String> names = new ArrayList<>(checks.size() + 1);
    names.add(EmergencyCheck.NAME);
    checks.forEach(c -> names.add(c.name()));
    return List.copyOf(names);
  }

  /**
   * Runs the chain on one call and waits for nothing: the same as {@link #evaluate} for chains whose checks
   * all answer at once. A check that throws or returns null is a bug in that check, and only that check is
   * skipped (outcome {@link CheckOutcome#FAILED}): the others still judge the call, so one check's bug never
   * opens the door past the block lists. An access check that fails refuses the call (500), since without it
   * the source is unknown.
   *
   * @throws IllegalStateException when a check answered {@link Verdict.Later}; use {@link #evaluate}
   */
  public ScreeningResult screen(CallAttempt attempt) {
    ScreeningOutcome outcome = evaluate(attempt);
    if (outcome instanceof ScreeningResult result) {
      return result;
    }
    throw new IllegalStateException("a check answered later; use evaluate()");
  }

  /**
   * Whether the call goes to emergency services, as the chain's emergency check sees it: for filters in
   * front of the chain, which must let such calls through too.
   */
  public boolean isEmergency(CallAttempt attempt) {
    return emergency.isEmergency(new ScreenedCall(attempt, numbers, allowList));
  }

  /**
   * Runs the chain on one call. The emergency check runs first and, on a match, ends the chain before any
   * other check can see the call. Each check's verdict is applied in order: a reject or drop ends the
   * chain, tags accumulate, flags go through the {@link Policy}; at the end the score thresholds apply.
   * When a check answers {@link Verdict.Later}, the rest of the chain runs when that answer arrives.
   */
  public ScreeningOutcome evaluate(CallAttempt attempt) {
    ScreenedCall call = new ScreenedCall(attempt, numbers, allowList);
    if (emergency.isEmergency(call)) {
      return emergency(call);
    }
    return new Run(call).advance(0);
  }

  /**
   * An emergency call: access control applies as to any call (at an interconnect emergency calls arrive
   * from peers, and the source ACL is what keeps the core's emergency route from being anyone's), then the
   * call is forwarded before anything judges it, so no check can block or delay it. The access check also
   * names the peer, so that per-peer counts put emergency calls under their peer.
   */
  private ScreeningResult emergency(ScreenedCall call) {
    for (Check c : checks) {
      if (!c.controlsAccess()) {
        continue;
      }
      Verdict v = c.check(call);
      if ((v instanceof Verdict.Reject || v instanceof Verdict.Drop)
          && !policy.forCheck(call.peerName(), c.name()).shadow()) {
        ScreeningResult.Action action = v instanceof Verdict.Reject r
            ? ScreeningResult.Action.Reject.of(r) : new ScreeningResult.Action.Drop(((Verdict.Drop) v).why());
        return new ScreeningResult(action, List.of(), Optional.of(c.name()), call.peerName(),
            call.callerNumber(), call.calledNumber(),
            List.of(EMERGENCY_REFUSED, new CheckOutcome(c.name(), c.outcomeLabel(v, call))), 0, List.of(),
            Optional.empty());
      }
    }
    return new ScreeningResult(ScreeningResult.Action.FORWARD, List.of(),
        Optional.of(EmergencyCheck.NAME), call.peerName(), call.callerNumber(), call.calledNumber(),
        List.of(EMERGENCY_BYPASS), 0, List.of(), Optional.empty());
  }

  /**
   * Runs the chain on one call without changing any check's state ({@link Check#dryRun}), and keeps each
   * check's verdict: what the admin API's lookup shows. The emergency bypass applies as in
   * {@link #evaluate}.
   */
  public DryRun dryRun(CallAttempt attempt) {
    ScreenedCall call = new ScreenedCall(attempt, numbers, allowList);
    List<CheckVerdict> verdicts = new ArrayList<>();
    if (emergency.isEmergency(call)) {
      return new DryRun(evaluate(attempt), List.of());
    }
    Run run = new Run(call);
    run.dryVerdicts = verdicts;
    return new DryRun(run.advance(0), verdicts);
  }

  /** A dry run's outcome and the verdict of every check that ran, in order (a pending one completes later). */
  public record DryRun(ScreeningOutcome outcome, List<CheckVerdict> verdicts) {}

  /** One check's verdict in a dry run. */
  public record CheckVerdict(String check, Verdict verdict, String outcome) {}

  /** This chain with other checks (same numbers, emergency numbers, allow list and policy). */
  public ScreeningChain withChecks(List<Check> replaced) {
    return new ScreeningChain(numbers, emergency, allowList, replaced, policy);
  }

  /** This chain with another version of the allow list (same numbers, emergency numbers, checks, policy). */
  public ScreeningChain withAllowList(NumberList replaced) {
    return new ScreeningChain(numbers, emergency, replaced, checks, policy);
  }

  /** The allow list every number-list check consults. */
  public NumberList allowList() {
    return allowList;
  }

  /** The checks after emergency, in order. */
  public List<Check> checks() {
    return checks;
  }

  public Policy policy() {
    return policy;
  }

  /** The state of one call going through the chain; touched by one thread at a time. */
  private final class Run {
    final ScreenedCall call;
    final List<CheckOutcome> outcomes = new ArrayList<>(checks.size() + 1);
    final List<CallTag> tags = new ArrayList<>(2);
    final List<PolicyDecision> decisions = new ArrayList<>(0);
    int score;
    ScreeningResult.Action suppressed;
    /** Non-null in a dry run: checks are asked through {@link Check#dryRun} and their verdicts kept. */
    List<CheckVerdict> dryVerdicts;

    Run(ScreenedCall call) {
      this.call = call;
      outcomes.add(EMERGENCY_CONTINUE);
    }

    ScreeningOutcome advance(int from) {
      for (int i = from; i < checks.size(); i++) {
        Check check = checks.get(i);
        Verdict verdict;
        try {
          verdict = dryVerdicts == null ? check.check(call) : check.dryRun(call);
        } catch (RuntimeException e) {
          verdict = null;
        }
        if (verdict == null) {
          ScreeningResult end = failed(i);
          if (end != null) {
            return end;
          }
          continue;
        }
        if (verdict instanceof Verdict.Later later) {
          int index = i;
          return new ScreeningOutcome.Pending(later.verdict().handle((resolved, error) -> {
            ScreeningResult end = resolved == null || resolved instanceof Verdict.Later
                ? failed(index) : apply(index, resolved);
            ScreeningOutcome rest = end != null ? end : advance(index + 1);
            return rest instanceof ScreeningOutcome.Pending p ? p.result()
                : CompletableFuture.completedFuture((ScreeningResult) rest);
          }).thenCompose(next -> next));
        }
        ScreeningResult end = apply(i, verdict);
        if (end != null) {
          return end;
        }
      }
      return finish();
    }

    /**
     * Check {@code index} threw or answered nothing: recorded as {@link CheckOutcome#FAILED}; the chain goes
     * on without it, unless it controls access, which refuses the call. Returns the result when it ends the
     * chain, else null.
     */
    private ScreeningResult failed(int index) {
      Check check = checks.get(index);
      outcomes.add(knownOutcomes[index].of(CheckOutcome.FAILED));
      if (check.controlsAccess()) {
        return end(ScreeningResult.Action.Reject.of(CHECK_FAILED), check);
      }
      return null;
    }

    /** Applies check {@code index}'s verdict; returns the result when it ends the chain, else null. */
    private ScreeningResult apply(int index, Verdict verdict) {
      Check check = checks.get(index);
      String label = check.outcomeLabel(verdict, call);
      outcomes.add(knownOutcomes[index].of(label));
      if (dryVerdicts != null) {
        synchronized (dryVerdicts) {
          dryVerdicts.add(new CheckVerdict(check.name(), verdict, label));
        }
      }
      if (verdict instanceof Verdict.Flag flag) {
        return applyFlag(check.name(), flag);
      }
      if (verdict instanceof Verdict.Tag tag) {
        if (!policy.shadow()) {
          addTags(tag.tags());
        }
        return null;
      }
      if (verdict instanceof Verdict.Reject reject) {
        return end(ScreeningResult.Action.Reject.of(reject), check);
      }
      if (verdict instanceof Verdict.Drop drop) {
        return end(new ScreeningResult.Action.Drop(drop.why()), check);
      }
      if (check.controlsAccess() && policy.blocksPeer(call.peerName())) {
        decisions.add(new PolicyDecision(PEER_POLICY, "block_all", 100, PolicyAction.REJECT_DETERMINISTIC,
            policy.shadow()));
        return end(ScreeningResult.Action.Reject.of(policy.peerBlocked()), PEER_POLICY);
      }
      return null;
    }

    private ScreeningResult applyFlag(String check, Verdict.Flag flag) {
      if (!flag.tags().isEmpty() && !policy.shadow()) {
        addTags(flag.tags());
      }
      Policy.CheckPolicy cp = policy.forCheck(call.peerName(), check);
      boolean shadow = policy.shadow() || cp.shadow();
      decisions.add(new PolicyDecision(check, flag.category(), flag.score(), cp.action(), shadow));
      if (shadow && !policy.shadow()) {
        return null; // this check only observes: no score, no action
      }
      switch (cp.action()) {
        case ALLOW:
          return null;
        case SCORE:
          score += flag.score();
          return null;
        case TAG:
          score += flag.score();
          if (!policy.shadow()) {
            addTags(policy.tags());
          }
          return null;
        case REJECT_ANALYTICS:
          return end(ScreeningResult.Action.Reject.of(policy.analyticsReject()), check);
        case REJECT_DETERMINISTIC:
          return end(ScreeningResult.Action.Reject.of(
              flag.deterministic().orElse(policy.deterministicReject())), check);
        case DROP:
          return end(new ScreeningResult.Action.Drop(check), check);
        default:
          throw new AssertionError(cp.action());
      }
    }

    /**
     * Ends the chain with a check's own reject or drop. Global shadow mode does not open the door: an
     * access check's verdict holds unless that check itself is shadowed.
     */
    private ScreeningResult end(ScreeningResult.Action action, Check check) {
      if (check.controlsAccess()) {
        if (policy.forCheck(call.peerName(), check.name()).shadow()) {
          suppressed = action;
          return result(ScreeningResult.Action.FORWARD, null);
        }
        return result(action, check.name());
      }
      return end(action, check.name());
    }

    /** Ends the chain with {@code action}, or in global shadow mode records it and forwards. */
    private ScreeningResult end(ScreeningResult.Action action, String decidedBy) {
      if (policy.shadow()) {
        suppressed = action;
        return result(ScreeningResult.Action.FORWARD, null);
      }
      return result(action, decidedBy);
    }

    private ScreeningOutcome finish() {
      Optional<String> peer = call.peerName();
      if (score > 0 && score >= policy.blockScore(peer)) {
        decisions.add(new PolicyDecision(SCORE_POLICY, "block_score", score, PolicyAction.REJECT_ANALYTICS,
            policy.shadow()));
        return end(ScreeningResult.Action.Reject.of(policy.analyticsReject()), SCORE_POLICY);
      }
      if (score > 0 && score >= policy.tagScore(peer)) {
        decisions.add(new PolicyDecision(SCORE_POLICY, "tag_score", score, PolicyAction.TAG,
            policy.shadow()));
        if (!policy.shadow()) {
          addTags(policy.tags());
        }
      }
      return result(ScreeningResult.Action.FORWARD, null);
    }

    private void addTags(List<CallTag> more) {
      for (CallTag t : more) {
        CallTag.merge(tags, t);
      }
    }

    private ScreeningResult result(ScreeningResult.Action action, String decidedBy) {
      return new ScreeningResult(action, tags, Optional.ofNullable(decidedBy), call.peerName(),
          call.callerNumber(), call.calledNumber(), outcomes, score, decisions,
          Optional.ofNullable(suppressed));
    }
  }

  /** The answer when an access check failed: the source could not be judged. */
  private static final Verdict.Reject CHECK_FAILED =
      new Verdict.Reject(500, "Server Internal Error", List.of());

  private static final CheckOutcome EMERGENCY_CONTINUE =
      new CheckOutcome(EmergencyCheck.NAME, CheckOutcome.CONTINUE);
  private static final CheckOutcome EMERGENCY_BYPASS =
      new CheckOutcome(EmergencyCheck.NAME, CheckOutcome.BYPASS);
  private static final CheckOutcome EMERGENCY_REFUSED =
      new CheckOutcome(EmergencyCheck.NAME, CheckOutcome.REFUSED);

  /**
   * One check's outcomes by label, each built (and validated) once: labels come from a small fixed set per
   * check, so after warm-up a screened call allocates no {@link CheckOutcome}. Copy-on-write, so screening
   * threads read without locking; a check that invents labels beyond {@link #MAX_LABELS} still works, its
   * extra outcomes are just not kept.
   */
  private static final class Outcomes {
    private static final int MAX_LABELS = 32;

    private final String check;
    private volatile CheckOutcome[] known = new CheckOutcome[0];

    Outcomes(String check) {
      this.check = check;
    }

    CheckOutcome of(String label) {
      CheckOutcome[] k = known;
      for (CheckOutcome o : k) {
        if (o.outcome() == label) {
          return o;
        }
      }
      for (CheckOutcome o : k) {
        if (o.outcome().equals(label)) {
          return o;
        }
      }
      CheckOutcome created = new CheckOutcome(check, label); // throws on a bad label, as before
      synchronized (this) {
        CheckOutcome[] now = known;
        if (now.length < MAX_LABELS) {
          for (CheckOutcome o : now) {
            if (o.outcome().equals(label)) {
              return o;
            }
          }
          CheckOutcome[] grown = java.util.Arrays.copyOf(now, now.length + 1);
          grown[now.length] = created;
          known = grown;
        }
      }
      return created;
    }
  }

  /** The name decisions of per-peer policy (block_all) are recorded under. */
  public static final String PEER_POLICY = "peer_policy";
  /** The name decisions of the score thresholds are recorded under. */
  public static final String SCORE_POLICY = "score_policy";
}
