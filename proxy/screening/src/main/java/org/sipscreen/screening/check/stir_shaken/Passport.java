package org.sipscreen.screening.check.stir_shaken;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The typed claims of a verified PASSporT: a SHAKEN one (RFC 8588, with attest and origid) or a div one
 * (RFC 8946, with div and without attest/origid). Telephone numbers are normalized per RFC 8224 section 8.3
 * (digits only, no leading +).
 *
 * @param ppt "shaken" or "div"
 * @param x5u the certificate URL from the PASSporT header
 * @param attestation the attestation level; null for a div PASSporT
 * @param origTn the calling number
 * @param destTns the called numbers (never empty)
 * @param issuedAt the iat claim
 * @param origid the origination identifier; null for a div PASSporT
 * @param divTn the number the call was diverted from; null for a shaken PASSporT
 */
public record Passport(
    String ppt,
    String x5u,
    Attestation attestation,
    String origTn,
    List<String> destTns,
    Instant issuedAt,
    String origid,
    String divTn) {

  public static final String PPT_SHAKEN = "shaken";
  public static final String PPT_DIV = "div";

  public Passport {
    Objects.requireNonNull(ppt, "ppt");
    Objects.requireNonNull(x5u, "x5u");
    Objects.requireNonNull(origTn, "origTn");
    destTns = List.copyOf(destTns);
    Objects.requireNonNull(issuedAt, "issuedAt");
  }

  public boolean isDiversion() {
    return PPT_DIV.equals(ppt);
  }
}
