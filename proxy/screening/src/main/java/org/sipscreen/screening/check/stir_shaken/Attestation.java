package org.sipscreen.screening.check.stir_shaken;

/** The SHAKEN attestation level of RFC 8588 section 4 ("attest" claim). */
public enum Attestation {
  /** Full: the signer knows the customer and that they may use the calling number. */
  A,
  /** Partial: the signer knows the customer, not their right to the number. */
  B,
  /** Gateway: the signer only knows where it received the call from. */
  C
}
