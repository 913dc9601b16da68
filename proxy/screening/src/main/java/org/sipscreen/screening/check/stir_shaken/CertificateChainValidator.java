package org.sipscreen.screening.check.stir_shaken;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Validates an STI certificate chain (leaf first, as served at x5u) against the configured STI-PA trust
 * anchors with PKIX: signatures, validity at the injected clock's time, CA constraints. No revocation
 * checking and no network (AIA is not followed). The leaf's RFC 8226 TNAuthList extension, when present,
 * must parse ({@link TnAuthList}; accepted when marked critical): a malformed one makes the chain untrusted
 * (437). Whether it authorizes a PASSporT's number is {@link PassportVerifier}'s check. Thread-safe;
 * immutable after construction.
 */
public final class CertificateChainValidator {

  /** id-pe-TNAuthList, RFC 8226 section 9. */
  public static final String TN_AUTH_LIST_OID = "1.3.6.1.5.5.7.1.26";

  private final Set<TrustAnchor> anchors;
  private final Set<X509Certificate> anchorCertificates;
  private final Clock clock;

  /**
   * @param trustAnchors the STI-PA / STI-CA root certificates, at least one
   * @param clock the time at which validity is checked
   */
  public CertificateChainValidator(Collection<X509Certificate> trustAnchors, Clock clock) {
    Objects.requireNonNull(trustAnchors, "trustAnchors");
    Objects.requireNonNull(clock, "clock");
    if (trustAnchors.isEmpty()) {
      throw new IllegalArgumentException("at least one trust anchor is required");
    }
    Set<TrustAnchor> set = new HashSet<>();
    for (X509Certificate anchor : trustAnchors) {
      set.add(new TrustAnchor(Objects.requireNonNull(anchor, "trust anchor"), null));
    }
    this.anchors = Set.copyOf(set);
    this.anchorCertificates = Set.copyOf(trustAnchors);
    this.clock = clock;
  }

  /** Validates the chain, leaf first; a trailing copy of a trust anchor is allowed and ignored. */
  public ChainResult validate(List<X509Certificate> chain) {
    Objects.requireNonNull(chain, "chain");
    if (chain.isEmpty()) {
      return Rejection.badInfo("empty certificate chain");
    }
    List<Certificate> path = new ArrayList<>(chain.size());
    for (X509Certificate certificate : chain) {
      if (!anchorCertificates.contains(certificate) || path.isEmpty()) {
        path.add(certificate);
      }
    }
    X509Certificate leaf = chain.get(0);
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(clock.instant()));
      parameters.addCertPathChecker(new TnAuthListChecker());
      CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
    } catch (CertPathValidatorException e) {
      return Rejection.unsupported("certificate chain does not validate: " + reason(e));
    } catch (GeneralSecurityException e) {
      return Rejection.unsupported("certificate chain cannot be validated: " + e.getMessage());
    }
    TnAuthList tnAuthList;
    try {
      tnAuthList = TnAuthList.of(leaf);
    } catch (IllegalArgumentException e) {
      return Rejection.unsupported("certificate TNAuthList is malformed: " + e.getMessage());
    }
    return new ChainResult.Trusted(leaf, tnAuthList);
  }

  private static String reason(CertPathValidatorException e) {
    String reason = e.getReason() == null
        ? ""
        : e.getReason().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": ";
    return reason + e.getMessage();
  }

  /** Marks a critical TNAuthList as handled, so PKIX does not reject it as unknown. */
  private static final class TnAuthListChecker extends PKIXCertPathChecker {
    @Override
    public void init(boolean forward) {}

    @Override
    public boolean isForwardCheckingSupported() {
      return true;
    }

    @Override
    public Set<String> getSupportedExtensions() {
      return Set.of(TN_AUTH_LIST_OID);
    }

    @Override
    public void check(Certificate cert, Collection<String> unresolvedCritExts) {
      unresolvedCritExts.remove(TN_AUTH_LIST_OID);
    }
  }
}
