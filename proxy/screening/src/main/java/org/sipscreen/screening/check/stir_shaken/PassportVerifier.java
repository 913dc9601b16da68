package org.sipscreen.screening.check.stir_shaken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Verifies parsed Identity headers against the request's numbers and the signer's certificate: claims
 * shape, iat freshness, orig/dest match, then the ES256 signature. The certificate is assumed already
 * validated ({@link CertificateChainValidator}); this class does no I/O and never blocks, so it may run
 * inline on a cached certificate. Thread-safe.
 *
 * <p>Checks run cheapest first (STYLE 6): a stale or mismatched PASSporT is rejected before any
 * elliptic-curve arithmetic. The signature is verified over the exact received base64url text (RFC 7515
 * section 5.2) by an {@link Es256Key} prepared once per certificate (Conscrypt when its native library
 * loads, BouncyCastle otherwise), chosen by the JMH benchmark in loadtest/jmh (Es256Benchmark). When the
 * certificate's RFC 8226 TNAuthList names telephone numbers or ranges, orig.tn (div.tn for a div PASSporT)
 * must be one of them (438); a list of SPCs only authorizes any number. Numbers are compared after RFC 8224 section 8.3 normalization: visual
 * separators and a leading + removed, digits only. Passing E.164 from {@code PhoneNumbers} is enough.
 */
public final class PassportVerifier {

  /** RFC 8224 section 6.2.1 recommends 60 s. */
  public static final Duration DEFAULT_FRESHNESS = Duration.ofSeconds(60);

  private static final int MAX_KEYS = 10_000;

  private final Duration freshness;
  private final Clock clock;
  /**
   * Prepared key and parsed TNAuthList keyed by certificate identity: the certificate cache hands out the
   * same instance, so each certificate is prepared and parsed once.
   */
  private final Cache<X509Certificate, Signer> signers =
      Caffeine.newBuilder().weakKeys().maximumSize(MAX_KEYS).executor(Runnable::run).build();

  /**
   * @param freshness how far iat may be from now, in either direction; positive
   * @param clock the time source (injected so tests pin it)
   */
  public PassportVerifier(Duration freshness, Clock clock) {
    Objects.requireNonNull(freshness, "freshness");
    Objects.requireNonNull(clock, "clock");
    if (freshness.isNegative() || freshness.isZero()) {
      throw new IllegalArgumentException("freshness must be positive, was " + freshness);
    }
    this.freshness = freshness;
    this.clock = clock;
  }

  public PassportVerifier(Clock clock) {
    this(DEFAULT_FRESHNESS, clock);
  }

  /**
   * Verifies one Identity header.
   *
   * @param identity a parsed header
   * @param certificate the validated leaf certificate fetched from the header's x5u
   * @param callingTn the calling number (P-Asserted-Identity or From), e.g. "+12025550123"
   * @param calledTn the called number (Request-URI or To)
   */
  public VerificationResult verify(
      IdentityHeader identity, X509Certificate certificate, String callingTn, String calledTn) {
    Objects.requireNonNull(calledTn, "calledTn");
    String called = normalizeTn(calledTn);
    return verify(identity, certificate, callingTn, called == null ? Set.of() : Set.of(called));
  }

  /**
   * Verifies every Identity header of a request (RFC 8946: a shaken PASSporT plus div PASSporTs for each
   * retargeting). A div PASSporT must name the called number in dest; the shaken PASSporT must name the
   * called number, or a number a passing div PASSporT says the call was diverted from. The result list is
   * in header order; no header gives a single 428 rejection.
   *
   * @param identityValues the values of all Identity / y headers
   * @param certificates the validated leaf certificate for an x5u, empty when not (yet) available
   */
  public List<VerificationResult> verifyAll(
      List<String> identityValues,
      String callingTn,
      String calledTn,
      Function<String, Optional<X509Certificate>> certificates) {
    Objects.requireNonNull(identityValues, "identityValues");
    List<IdentityParseResult> parsed = new ArrayList<>(identityValues.size());
    for (String value : identityValues) {
      parsed.add(IdentityHeader.parse(value));
    }
    return verifyParsed(parsed, callingTn, calledTn, certificates);
  }

  /**
   * {@link #verifyAll} over headers already parsed with {@link IdentityHeader#parse} (the caller needed
   * their x5u first, to look the certificates up): each header is parsed once per call.
   */
  public List<VerificationResult> verifyParsed(
      List<IdentityParseResult> parsedHeaders,
      String callingTn,
      String calledTn,
      Function<String, Optional<X509Certificate>> certificates) {
    return verifyParsed(parsedHeaders, callingTn, List.of(Objects.requireNonNull(calledTn, "calledTn")),
        certificates);
  }

  /**
   * {@link #verifyParsed(List, String, String, Function)} for a request with more than one called number:
   * a dest that contains any of them matches. The destination identity is the To header's (RFC 8224
   * section 4.1); the Request-URI's number is accepted too, because a carrier that retargets without a div
   * PASSporT changes only the Request-URI.
   *
   * @param calledTns the called numbers, e.g. the To header's and the Request-URI's; values that do not
   *     normalize to digits are ignored
   */
  public List<VerificationResult> verifyParsed(
      List<IdentityParseResult> parsedHeaders,
      String callingTn,
      List<String> calledTns,
      Function<String, Optional<X509Certificate>> certificates) {
    Objects.requireNonNull(parsedHeaders, "parsedHeaders");
    Objects.requireNonNull(certificates, "certificates");
    Objects.requireNonNull(calledTns, "calledTns");
    if (parsedHeaders.isEmpty()) {
      return List.of(new Rejection(IdentityFailure.NO_IDENTITY, "no Identity header"));
    }
    Set<String> called = new HashSet<>(4);
    for (String tn : calledTns) {
      String normalized = normalizeTn(Objects.requireNonNull(tn, "called number"));
      if (normalized != null) {
        called.add(normalized);
      }
    }
    VerificationResult[] results = new VerificationResult[parsedHeaders.size()];
    IdentityHeader[] parsed = new IdentityHeader[results.length];
    for (int i = 0; i < results.length; i++) {
      IdentityParseResult result = Objects.requireNonNull(parsedHeaders.get(i), "parsed header");
      if (result instanceof Rejection rejection) {
        results[i] = rejection;
      } else {
        parsed[i] = (IdentityHeader) result;
      }
    }
    Set<String> destinations = new HashSet<>(called);
    // div first: each passing div PASSporT adds the number it was diverted from.
    for (int i = 0; i < results.length; i++) {
      if (parsed[i] != null && Passport.PPT_DIV.equals(parsed[i].ppt())) {
        results[i] = verifyWith(parsed[i], certificates, callingTn, called);
        if (results[i] instanceof VerificationResult.Passed passed) {
          destinations.add(passed.passport().divTn());
        }
      }
    }
    for (int i = 0; i < results.length; i++) {
      if (parsed[i] != null && results[i] == null) {
        results[i] = verifyWith(parsed[i], certificates, callingTn, destinations);
      }
    }
    return List.of(results);
  }

  private VerificationResult verifyWith(
      IdentityHeader identity,
      Function<String, Optional<X509Certificate>> certificates,
      String callingTn,
      Set<String> destinations) {
    Optional<X509Certificate> certificate = certificates.apply(identity.x5u());
    if (certificate == null || certificate.isEmpty()) {
      return Rejection.badInfo("no certificate available for " + identity.x5u());
    }
    return verify(identity, certificate.get(), callingTn, destinations);
  }

  private VerificationResult verify(
      IdentityHeader identity, X509Certificate certificate, String callingTn, Set<String> destinations) {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(callingTn, "callingTn");
    PassportJson.Claims claims = identity.claims();
    boolean div = Passport.PPT_DIV.equals(identity.ppt());

    // Shape (RFC 8225 section 5, RFC 8588 section 4, RFC 8946 section 3).
    Long issued = claims.iat();
    if (issued == null) {
      return Rejection.invalid("iat claim missing or not an integer");
    }
    String origTn = normalizeTn(claims.origTn());
    if (origTn == null) {
      return Rejection.invalid("orig claim must be an object with a telephone number tn");
    }
    List<String> destTns = tnList(claims.destTns());
    if (destTns == null) {
      return Rejection.invalid("dest claim must be an object with a tn array of telephone numbers");
    }
    Attestation attestation = null;
    String origid = null;
    String divTn = null;
    if (div) {
      divTn = normalizeTn(claims.divTn());
      if (divTn == null) {
        return Rejection.invalid("div claim must be an object with a telephone number tn");
      }
    } else {
      String attest = claims.attest();
      if (attest == null || attest.length() != 1 || "ABC".indexOf(attest.charAt(0)) < 0) {
        return Rejection.invalid("attest claim must be A, B or C");
      }
      attestation = Attestation.valueOf(attest);
      origid = claims.origid();
      if (origid == null || origid.isEmpty()) {
        return Rejection.invalid("origid claim missing");
      }
    }

    // Freshness (RFC 8224 section 6.2.1): too old or too far in the future. Compared in seconds, because
    // iat may be any long, far beyond what an Instant holds.
    Instant now = clock.instant();
    Instant earliest = now.minus(freshness);
    long latest = now.plus(freshness).getEpochSecond();
    if (issued < earliest.getEpochSecond() || issued == earliest.getEpochSecond() && earliest.getNano() > 0
        || issued > latest) {
      return new Rejection(IdentityFailure.STALE_DATE,
          "iat " + (issued >= Instant.MIN.getEpochSecond() && issued <= Instant.MAX.getEpochSecond()
              ? Instant.ofEpochSecond(issued).toString() : Long.toString(issued))
              + " is more than " + freshness.toSeconds() + " s from now " + now);
    }
    Instant iat = Instant.ofEpochSecond(issued);

    // The request's numbers (RFC 8224 section 6.2.3 / 8.3).
    String calling = normalizeTn(callingTn);
    if (calling == null || !calling.equals(origTn)) {
      return Rejection.invalid("orig.tn does not match the calling number");
    }
    if (destTns.stream().noneMatch(destinations::contains)) {
      return Rejection.invalid("dest.tn contains neither the To header's nor the Request-URI's number");
    }

    Signer signer = signers.get(certificate, Signer::of);
    if (signer.tnAuthListError() != null) {
      return Rejection.unsupported("certificate TNAuthList is malformed: " + signer.tnAuthListError());
    }
    // RFC 8226 section 9: numbers in the leaf's TNAuthList bound what it may sign for. A div PASSporT is
    // signed by the retargeting party for the number it diverts from (RFC 8946), so div.tn is checked.
    String signedFor = div ? divTn : origTn;
    if (signer.tnAuthList() != null && Boolean.FALSE.equals(signer.tnAuthList().authorizes(signedFor))) {
      return Rejection.invalid((div ? "div.tn" : "orig.tn")
          + " is not authorized by the certificate's TNAuthList");
    }
    Optional<Es256Key> key = signer.key();
    if (key.isEmpty()) {
      return Rejection.unsupported("certificate key is not an EC P-256 key");
    }
    if (!key.get().verify(identity.signingInputBytes(), identity.signatureUnsafe())) {
      return Rejection.invalid("ES256 signature does not verify");
    }
    return new VerificationResult.Passed(new Passport(
        identity.ppt(), identity.x5u(), attestation, origTn, destTns, iat, origid, divTn));
  }

  /**
   * What verification needs from a certificate, computed once: its prepared key and its parsed TNAuthList
   * (null when absent), or why that list is malformed.
   */
  private record Signer(Optional<Es256Key> key, TnAuthList tnAuthList, String tnAuthListError) {
    static Signer of(X509Certificate certificate) {
      Optional<Es256Key> key = Es256Key.of(certificate.getPublicKey());
      try {
        return new Signer(key, TnAuthList.of(certificate), null);
      } catch (IllegalArgumentException e) {
        return new Signer(key, null, e.getMessage());
      }
    }
  }

  /**
   * Only the signature check: whether the header's ES256 signature verifies with this key. For tests and
   * tooling (the libstirshaken corpus vector); {@link #verify} is what screening uses.
   */
  public static boolean signatureValid(IdentityHeader identity, PublicKey key) {
    Optional<Es256Key> prepared = Es256Key.of(key);
    return prepared.isPresent()
        && prepared.get().verify(identity.signingInputBytes(), identity.signatureUnsafe());
  }

  /**
   * RFC 8224 section 8.3: drop visual separators ({@code -.()} and spaces) and a leading +; the rest must be
   * digits. Returns null when that leaves something else or nothing.
   */
  static String normalizeTn(String tn) {
    if (tn == null) {
      return null;
    }
    StringBuilder digits = new StringBuilder(tn.length());
    for (int i = 0; i < tn.length(); i++) {
      char c = tn.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      } else if (c == '+' && digits.length() == 0) {
        continue;
      } else if (c != '-' && c != '.' && c != '(' && c != ')' && c != ' ') {
        return null;
      }
    }
    return digits.length() == 0 ? null : digits.toString();
  }

  /** The numbers of dest.tn normalized, or null when there are none or one does not normalize. */
  private static List<String> tnList(List<String> tns) {
    if (tns == null || tns.isEmpty()) {
      return null;
    }
    List<String> normalized = new ArrayList<>(tns.size());
    for (String tn : tns) {
      String digits = normalizeTn(tn);
      if (digits == null) {
        return null;
      }
      normalized.add(digits);
    }
    return normalized;
  }
}
