package org.sipscreen.screening.check.stir_shaken;

import java.util.Objects;

/**
 * A failed parse, chain validation or verification: the RFC 8224 class and a short human detail for logs
 * (never sent on the wire verbatim, it may quote peer input).
 */
public record Rejection(IdentityFailure failure, String detail)
    implements IdentityParseResult, ChainResult, VerificationResult {

  public Rejection {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(detail, "detail");
  }

  public int sipStatus() {
    return failure.sipStatus();
  }

  static Rejection invalid(String detail) {
    return new Rejection(IdentityFailure.INVALID_IDENTITY, detail);
  }

  static Rejection unsupported(String detail) {
    return new Rejection(IdentityFailure.UNSUPPORTED_CREDENTIAL, detail);
  }

  static Rejection badInfo(String detail) {
    return new Rejection(IdentityFailure.BAD_INFO, detail);
  }
}
