package org.sipscreen.screening.check.stir_shaken;

import java.util.Objects;

/**
 * What a {@link CertificateSource} knows about one x5u URL: a chain that validated ({@link Found} with
 * {@link ChainResult.Trusted}), a chain that did not ({@link Found} with a {@link Rejection}, 437), or no
 * chain at all within the deadline ({@link Unavailable}: not preloaded, fetch failed, timed out, refused by
 * the SSRF guard). Unavailable is not the caller's fault; the call continues as No-TN-Validation.
 */
public sealed interface CertificateLookup {

  /** The chain was obtained and validated against the trust anchors; {@code result} says how that went. */
  record Found(ChainResult result) implements CertificateLookup {
    public Found {
      Objects.requireNonNull(result, "result");
    }
  }

  /**
   * No chain to verify with. {@code reason} is a small fixed snake_case set used as a metric label
   * (e.g. {@code not_preloaded}, {@code fetch_failed}, {@code timeout}, {@code refused}).
   */
  record Unavailable(String reason) implements CertificateLookup {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
