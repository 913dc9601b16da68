package org.sipscreen.screening.check.stir_shaken;

import java.net.URI;
import java.util.concurrent.CompletionStage;

/**
 * Downloads the certificate chain an x5u URL points at (RFC 8226 / ATIS-1000074:
 * {@code application/pem-certificate-chain}, leaf first). Implementations return at once without
 * blocking the caller, which may be an event loop, and enforce their own deadline.
 */
public interface CertificateFetcher {

  /**
   * Starts fetching {@code uri}. The stage completes with the response body, or exceptionally with a
   * {@link CertificateFetchException} whose reason says what went wrong.
   */
  CompletionStage<byte[]> fetch(URI uri);
}
