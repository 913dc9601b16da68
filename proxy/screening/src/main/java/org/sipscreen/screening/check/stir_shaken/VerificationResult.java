package org.sipscreen.screening.check.stir_shaken;

import java.util.Objects;

/** The outcome of verifying one Identity header: {@link Passed} or a {@link Rejection}. */
public sealed interface VerificationResult permits VerificationResult.Passed, Rejection {

  /** Signature, freshness and claims all check out; the verstat is TN-Validation-Passed. */
  record Passed(Passport passport) implements VerificationResult {
    public Passed {
      Objects.requireNonNull(passport, "passport");
    }
  }
}
