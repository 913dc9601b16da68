package org.sipscreen.screening.check.stir_shaken;

import java.security.cert.X509Certificate;
import java.util.Objects;

/** The outcome of {@link CertificateChainValidator#validate}: a trusted leaf or a {@link Rejection}. */
public sealed interface ChainResult permits ChainResult.Trusted, Rejection {

  /**
   * The chain validated to a configured trust anchor.
   *
   * @param leaf the STI certificate whose key signs PASSporTs
   * @param tnAuthList the leaf's parsed RFC 8226 TNAuthList, null when the leaf has none
   */
  record Trusted(X509Certificate leaf, TnAuthList tnAuthList) implements ChainResult {
    public Trusted {
      Objects.requireNonNull(leaf, "leaf");
    }

    /** Whether the leaf carries the RFC 8226 TNAuthList extension. */
    public boolean hasTnAuthList() {
      return tnAuthList != null;
    }
  }
}
