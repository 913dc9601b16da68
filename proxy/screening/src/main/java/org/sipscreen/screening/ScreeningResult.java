package org.sipscreen.screening;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The chain's decision on one call and everything the proxy logs and counts about it: the action to take
 * on the wire, the tags to apply, which check decided, the source peer, the normalized numbers and the
 * outcome of every check that ran, in order.
 *
 * @param action what to do with the INVITE
 * @param tags the tags accumulated by the checks that ran (applied only when forwarding)
 * @param decidedBy the check that rejected, dropped or (emergency) bypassed; empty for a plain forward
 * @param peerName the source peer, when source_peer ran and knew the address
 * @param caller the normalized calling number
 * @param callee the normalized called number
 * @param outcomes one entry per check that ran, in chain order
 * @param score the sum of the scores of the flags the policy counted
 * @param decisions every flag and what the policy made of it, shadowed ones included
 * @param shadowAction what global shadow mode kept from happening: the reject or drop the call would have
 *     got (the call was forwarded unchanged instead); empty when nothing was suppressed
 */
public record ScreeningResult(
    Action action,
    List<CallTag> tags,
    Optional<String> decidedBy,
    Optional<String> peerName,
    PhoneNumber caller,
    PhoneNumber callee,
    List<CheckOutcome> outcomes,
    int score,
    List<PolicyDecision> decisions,
    Optional<Action> shadowAction) implements ScreeningOutcome {

  public ScreeningResult {
    Objects.requireNonNull(action, "action");
    tags = List.copyOf(tags);
    Objects.requireNonNull(decidedBy, "decidedBy");
    Objects.requireNonNull(peerName, "peerName");
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(callee, "callee");
    outcomes = List.copyOf(outcomes);
    decisions = List.copyOf(decisions);
    Objects.requireNonNull(shadowAction, "shadowAction");
    if (!(action instanceof Action.Forward) && decidedBy.isEmpty()) {
      throw new IllegalArgumentException("a " + action + " needs the name of the deciding check");
    }
  }

  /** Whether the emergency check recognized the call (it was forwarded without any other check). */
  public boolean isEmergency() {
    return decidedBy.filter(EmergencyCheck.NAME::equals).isPresent();
  }

  /**
   * The outcome label of {@code check} on this call, when it ran: e.g. stir_shaken's
   * {@code attestation_a} or {@code signature_failed}, for decision records and metrics.
   */
  public Optional<String> outcomeOf(String check) {
    for (CheckOutcome o : outcomes) {
      if (o.check().equals(check)) {
        return Optional.of(o.outcome());
      }
    }
    return Optional.empty();
  }

  /** What the proxy does with the INVITE. */
  public sealed interface Action {

    /** Forward the INVITE, with {@link ScreeningResult#tags()} applied. */
    record Forward() implements Action {}

    /** Answer with this final response and do not forward. */
    record Reject(int status, String reasonPhrase, List<SipHeader> extraHeaders) implements Action {
      public Reject {
        if (status < 300 || status > 699) {
          throw new IllegalArgumentException("reject status must be 300-699, was " + status);
        }
        Objects.requireNonNull(reasonPhrase, "reasonPhrase");
        extraHeaders = List.copyOf(extraHeaders);
      }

      static Reject of(Verdict.Reject verdict) {
        return new Reject(verdict.status(), verdict.reasonPhrase(), verdict.extraHeaders());
      }
    }

    /** Discard the INVITE without answering. */
    record Drop(String why) implements Action {
      public Drop {
        Objects.requireNonNull(why, "why");
      }
    }

    Forward FORWARD = new Forward();
  }
}
