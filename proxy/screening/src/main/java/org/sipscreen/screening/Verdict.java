package org.sipscreen.screening;

import java.util.List;
import java.util.Objects;

/**
 * What one check decides about one call. The chain stops at the first {@link Reject} or {@link Drop};
 * {@link Tag}s accumulate. Turning a verdict into bytes on the wire is the proxy's job, not the check's.
 */
public sealed interface Verdict {

  /**
   * The check has nothing against the call. {@code outcome} says why, as the check's outcome label
   * ({@code continue}, or e.g. reputation's {@code not_found}, {@code unknown_timeout}): every continue
   * means the same to the chain, and the label tells metrics and records apart.
   */
  record Continue(String outcome) implements Verdict {
    public Continue {
      CheckOutcome.requireCheckName(outcome);
    }
  }

  /** Forward the call, marked with these tags. */
  record Tag(List<CallTag> tags) implements Verdict {
    public Tag {
      tags = List.copyOf(tags);
      if (tags.isEmpty()) {
        throw new IllegalArgumentException("a Tag verdict needs at least one tag");
      }
    }
  }

  /** Answer the INVITE with a final response and do not forward it. */
  record Reject(int status, String reasonPhrase, List<SipHeader> extraHeaders) implements Verdict {
    public Reject {
      if (status < 300 || status > 699) {
        throw new IllegalArgumentException("reject status must be 300-699, was " + status);
      }
      Objects.requireNonNull(reasonPhrase, "reasonPhrase");
      extraHeaders = List.copyOf(extraHeaders);
    }
  }

  /**
   * A signal: the check found something wrong with the call. {@code category} names what (a small, fixed,
   * snake_case set per check, e.g. {@code n11_exchange}; it becomes the metric outcome label) and
   * {@code score} is its contribution, 0-100, to the call's score. The policy, not the check, decides what
   * a flag does on the wire (allow, tag, 603+, deterministic reject, drop), so the same check can be
   * shadowed, tuned per peer or made stricter without changing its code. {@code tags} go on the call
   * whatever the policy does with the flag (unless global shadow mode forwards the call unchanged): the
   * outcome of a verification, such as stir_shaken's verstat, rather than a policy decision.
   * {@code deterministic}, when present, is the answer of this flag when the policy rejects it
   * deterministically, instead of the policy's own ({@code deterministic_status}): a list with its own
   * answer.
   */
  record Flag(String category, int score, List<CallTag> tags, java.util.Optional<Reject> deterministic)
      implements Verdict {
    public Flag {
      CheckOutcome.requireCheckName(category);
      if (score < 0 || score > 100) {
        throw new IllegalArgumentException("flag score must be 0-100, was " + score);
      }
      tags = List.copyOf(tags);
      Objects.requireNonNull(deterministic, "deterministic");
    }

    public Flag(String category, int score, List<CallTag> tags) {
      this(category, score, tags, java.util.Optional.empty());
    }

    public Flag(String category, int score) {
      this(category, score, List.of());
    }
  }

  /**
   * The answer is not ready yet (a remote lookup). The stage completes, within the check's own deadline,
   * with a final verdict — never another {@code Later} — and never exceptionally: a check that cannot
   * decide in time completes it with {@link #CONTINUE} (fail open) and counts why. The chain resumes the
   * call when it completes; checks that answer at once never pay for this.
   */
  record Later(java.util.concurrent.CompletionStage<Verdict> verdict) implements Verdict {
    public Later {
      Objects.requireNonNull(verdict, "verdict");
    }
  }

  /** Discard the INVITE without an answer (floods, sources we must not talk to). */
  record Drop(String why) implements Verdict {
    public Drop {
      Objects.requireNonNull(why, "why");
    }
  }

  Continue CONTINUE = new Continue(CheckOutcome.CONTINUE);
}
