package org.sipscreen.screening.check.stir_shaken;

import java.util.concurrent.CompletionStage;

/**
 * Where verification gets the validated certificate chain for an x5u URL. The hot path asks
 * {@link #cached} first and verifies inline on a hit; only a miss pays for {@link #lookup}, whose stage
 * completes within the source's own deadline and never exceptionally. Concurrent lookups of one URL share
 * one fetch.
 */
public interface CertificateSource {

  /** What is known about {@code x5u} right now, without waiting; null when it has to be looked up. */
  CertificateLookup cached(String x5u);

  /**
   * Starts or joins the lookup of {@code x5u}. Completes within the deadline with {@link
   * CertificateLookup.Found} or {@link CertificateLookup.Unavailable}; never exceptionally.
   */
  CompletionStage<CertificateLookup> lookup(String x5u);
}
