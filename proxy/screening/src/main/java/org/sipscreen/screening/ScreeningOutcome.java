package org.sipscreen.screening;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What {@link ScreeningChain#evaluate} returns: the {@link ScreeningResult} when every check answered at
 * once, or a {@link Pending} one when a check is waiting on a remote lookup (its own deadline bounds the
 * wait).
 */
public sealed interface ScreeningOutcome permits ScreeningResult, ScreeningOutcome.Pending {

  /** The chain is waiting for a check; the stage completes with the result. */
  record Pending(CompletionStage<ScreeningResult> result) implements ScreeningOutcome {
    public Pending {
      Objects.requireNonNull(result, "result");
    }
  }
}
