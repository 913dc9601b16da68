package org.sipscreen.screening.check.stir_shaken;

/**
 * Why an INVITE's Identity could not be verified, with the SIP response RFC 8224 section 13.2 assigns to
 * it. The verifier only classifies; whether to reject with the code or continue with verstat
 * No-TN-Validation/TN-Validation-Failed is policy, decided elsewhere.
 */
public enum IdentityFailure {
  /** No Identity header at all (RFC 8224 section 6.2.2). */
  NO_IDENTITY(428, "Use Identity Header"),
  /** The info parameter / x5u is missing, not a URI, or the two disagree (RFC 8224 section 6.2.2). */
  BAD_INFO(436, "Bad Identity Info"),
  /**
   * The credential is not supported: an alg other than ES256 in the PASSporT header (none, HS256, ES384:
   * decided from the header before the signature is looked at) or in the Identity parameters, an unknown
   * ppt, a key that is not P-256, or a certificate chain that does not validate (RFC 8224 section 6.2.2).
   */
  UNSUPPORTED_CREDENTIAL(437, "Unsupported Credential"),
  /**
   * Malformed header or PASSporT (including a crit naming a parameter the verifier does not understand,
   * RFC 7515 section 4.1.11), a bad signature, or claims that do not match the request.
   */
  INVALID_IDENTITY(438, "Invalid Identity Header"),
  /** iat outside the freshness window, in either direction (RFC 8224 section 6.2.1). */
  STALE_DATE(403, "Stale Date");

  private final int sipStatus;
  private final String reasonPhrase;

  IdentityFailure(int sipStatus, String reasonPhrase) {
    this.sipStatus = sipStatus;
    this.reasonPhrase = reasonPhrase;
  }

  /** The SIP status code RFC 8224 uses for this failure. */
  public int sipStatus() {
    return sipStatus;
  }

  public String reasonPhrase() {
    return reasonPhrase;
  }
}
