package org.sipscreen.screening;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What screening an INVITE came to. {@link ScreeningChain#evaluate} returns the {@link ScreeningResult} when
 * every check answered at once, or a {@link Pending} one when a check is waiting on a remote lookup (its
 * own deadline bounds the wait). {@link NotRun} is what the caller of the chain makes of a chain that
 * failed: the call goes on unscreened, and the reason says why.
 */
public sealed interface ScreeningOutcome
    permits ScreeningResult, ScreeningOutcome.Pending, ScreeningOutcome.NotRun {

  /** The chain is waiting for a check; the stage completes with the result. */
  record Pending(CompletionStage<ScreeningResult> result) implements ScreeningOutcome {
    public Pending {
      Objects.requireNonNull(result, "result");
    }
  }

  /**
   * The chain did not come to a result (a check failed on input nobody foresaw): the call goes on
   * unscreened (fail open).
   *
   * @param reason why, as a metric label: {@link #CHAIN_FAILED}
   */
  record NotRun(String reason) implements ScreeningOutcome {
    /** A check threw, at once or while the chain waited for it. */
    public static final String CHAIN_FAILED = "chain_failed";

    public NotRun {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
