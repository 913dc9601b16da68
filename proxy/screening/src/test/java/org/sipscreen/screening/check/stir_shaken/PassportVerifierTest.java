package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.testkit.TestPki.NOW;
import static org.sipscreen.testkit.TestPki.X5U;
import static org.sipscreen.testkit.TestPki.header;
import static org.sipscreen.testkit.TestPki.identity;
import static org.sipscreen.testkit.TestPki.jws;
import static org.sipscreen.testkit.TestPki.shakenClaims;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipscreen.testkit.TestPki;

class PassportVerifierTest {

  private static final String CALLER = "+12025550123";
  private static final String CALLEE = "+13035550199";
  private static final long IAT = NOW.getEpochSecond();

  private static final TestPki PKI = new TestPki("STI-CA Test");
  private static final KeyPair SP_KEYS;
  private static final X509Certificate SP_CERT;

  static {
    try {
      SP_KEYS = TestPki.p256();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
    SP_CERT = PKI.issue(SP_KEYS, NOW.minusSeconds(86_400), NOW.plusSeconds(86_400 * 30));
  }

  private final PassportVerifier verifier =
      new PassportVerifier(Clock.fixed(NOW, ZoneOffset.UTC));

  private static IdentityHeader parsed(String value) {
    IdentityParseResult result = IdentityHeader.parse(value);
    assertThat(result).isInstanceOf(IdentityHeader.class);
    return (IdentityHeader) result;
  }

  private static String signedShaken(String claims) {
    return identity(jws(header("shaken"), claims, SP_KEYS.getPrivate()), "shaken");
  }

  private VerificationResult verify(String claims) {
    return verifier.verify(parsed(signedShaken(claims)), SP_CERT, CALLER, CALLEE);
  }

  private static void assertRejected(VerificationResult result, IdentityFailure failure, String detail) {
    assertThat(result).isInstanceOfSatisfying(Rejection.class, r -> {
      assertThat(r.failure()).isEqualTo(failure);
      assertThat(r.detail()).contains(detail);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "B", "C"})
  void passesValidShakenPassportWithEachAttestation(String attest) {
    VerificationResult result = verify(shakenClaims(attest, "12025550123", "13035550199", IAT));

    assertThat(result).isInstanceOfSatisfying(VerificationResult.Passed.class, passed -> {
      Passport passport = passed.passport();
      assertThat(passport.attestation()).isEqualTo(Attestation.valueOf(attest));
      assertThat(passport.origTn()).isEqualTo("12025550123");
      assertThat(passport.destTns()).containsExactly("13035550199");
      assertThat(passport.issuedAt()).isEqualTo(NOW);
      assertThat(passport.origid()).isEqualTo("123e4567-e89b-12d3-a456-426655440000");
      assertThat(passport.x5u()).isEqualTo(X5U);
      assertThat(passport.isDiversion()).isFalse();
    });
  }

  @Test
  void comparesNumbersAfterRfc8224Normalization() {
    VerificationResult result = verifier.verify(
        parsed(signedShaken(shakenClaims("A", "+1-202-555-0123", "1 (303) 555.0199", IAT))),
        SP_CERT, "+1 202 555 0123", "13035550199");

    assertThat(result).isInstanceOf(VerificationResult.Passed.class);
  }

  @Test
  void rejectsBadSignatureWith438() {
    String value = signedShaken(shakenClaims("A", "12025550123", "13035550199", IAT));
    int sig = value.lastIndexOf('.', value.indexOf(';')) + 1;
    char flipped = value.charAt(sig + 5) == 'A' ? 'B' : 'A';
    String tampered = value.substring(0, sig + 5) + flipped + value.substring(sig + 6);

    assertRejected(verifier.verify(parsed(tampered), SP_CERT, CALLER, CALLEE),
        IdentityFailure.INVALID_IDENTITY, "signature does not verify");
  }

  @Test
  void rejectsPayloadSignedForOtherClaimsWith438() {
    String good = jws(header("shaken"), shakenClaims("A", "12025550123", "13035550199", IAT),
        SP_KEYS.getPrivate());
    String other = jws(header("shaken"), shakenClaims("A", "12025550123", "13035550199", IAT - 1),
        SP_KEYS.getPrivate());
    String spliced = other.substring(0, other.lastIndexOf('.')) + good.substring(good.lastIndexOf('.'));

    assertRejected(verifier.verify(parsed(identity(spliced, "shaken")), SP_CERT, CALLER, CALLEE),
        IdentityFailure.INVALID_IDENTITY, "signature");
  }

  @Test
  void rejectsSignatureByAnotherKeyWith438() throws GeneralSecurityException {
    KeyPair other = TestPki.p256();
    String value = identity(jws(header("shaken"),
        shakenClaims("A", "12025550123", "13035550199", IAT), other.getPrivate()), "shaken");

    assertRejected(verifier.verify(parsed(value), SP_CERT, CALLER, CALLEE),
        IdentityFailure.INVALID_IDENTITY, "signature does not verify");
  }

  @Test
  void rejectsCertificateWithNonP256KeyWith437() throws GeneralSecurityException {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    X509Certificate p384 = PKI.issue(generator.generateKeyPair(), NOW.minusSeconds(60),
        NOW.plusSeconds(3600));

    assertRejected(verifier.verify(parsed(signedShaken(shakenClaims("A", "12025550123",
        "13035550199", IAT))), p384, CALLER, CALLEE),
        IdentityFailure.UNSUPPORTED_CREDENTIAL, "P-256");
  }

  @Test
  void rejectsStaleIatWith403() {
    assertRejected(verify(shakenClaims("A", "12025550123", "13035550199", IAT - 61)),
        IdentityFailure.STALE_DATE, "iat");
  }

  @Test
  void rejectsFutureIatWith403() {
    assertRejected(verify(shakenClaims("A", "12025550123", "13035550199", IAT + 61)),
        IdentityFailure.STALE_DATE, "iat");
  }

  @Test
  void theSameIdentityHeaderIsVerifiedAgainOnEveryCall() {
    String value = signedShaken(shakenClaims("A", "12025550123", "13035550199", IAT));
    assertThat(verifier.verify(parsed(value), SP_CERT, CALLER, CALLEE))
        .isInstanceOf(VerificationResult.Passed.class);

    PassportVerifier twoMinutesLater =
        new PassportVerifier(Clock.fixed(NOW.plusSeconds(120), ZoneOffset.UTC));
    assertRejected(twoMinutesLater.verify(parsed(value), SP_CERT, CALLER, CALLEE),
        IdentityFailure.STALE_DATE, "iat");
    assertRejected(verifier.verify(parsed(value), SP_CERT, "+12025550124", CALLEE),
        IdentityFailure.INVALID_IDENTITY, "orig.tn");
  }

  @ParameterizedTest
  @ValueSource(longs = {Long.MAX_VALUE, Long.MIN_VALUE, 31556889864403200L, -31557014167219201L})
  void iatBeyondWhatAnInstantHoldsIsStaleNotAnException(long iat) {
    assertRejected(verify(shakenClaims("A", "12025550123", "13035550199", iat)),
        IdentityFailure.STALE_DATE, "iat " + iat);
  }

  @Test
  void iatOneSecondBeforeAWindowStartingMidSecondIsStale() {
    PassportVerifier midSecond =
        new PassportVerifier(Clock.fixed(NOW.plusMillis(500), ZoneOffset.UTC));
    VerificationResult result = midSecond.verify(parsed(signedShaken(shakenClaims("A", "12025550123",
        "13035550199", IAT - 60))), SP_CERT, CALLER, CALLEE);
    assertRejected(result, IdentityFailure.STALE_DATE, "60 s");
    assertThat(midSecond.verify(parsed(signedShaken(shakenClaims("A", "12025550123", "13035550199",
        IAT - 59))), SP_CERT, CALLER, CALLEE)).isInstanceOf(VerificationResult.Passed.class);
  }

  @Test
  void acceptsIatAtTheEdgeOfTheWindowAndHonoursConfiguredFreshness() {
    assertThat(verify(shakenClaims("A", "12025550123", "13035550199", IAT - 60)))
        .isInstanceOf(VerificationResult.Passed.class);
    PassportVerifier strict =
        new PassportVerifier(Duration.ofSeconds(10), Clock.fixed(NOW, ZoneOffset.UTC));
    assertRejected(strict.verify(parsed(signedShaken(shakenClaims("A", "12025550123", "13035550199",
        IAT - 11))), SP_CERT, CALLER, CALLEE), IdentityFailure.STALE_DATE, "10 s");
  }

  @Test
  void rejectsOrigMismatchWith438() {
    assertRejected(verify(shakenClaims("A", "12025550124", "13035550199", IAT)),
        IdentityFailure.INVALID_IDENTITY, "orig.tn");
  }

  @Test
  void rejectsDestMismatchWith438() {
    assertRejected(verify(shakenClaims("A", "12025550123", "13035550198", IAT)),
        IdentityFailure.INVALID_IDENTITY, "dest.tn");
  }

  @Test
  void acceptsDestArrayContainingTheCalledNumber() {
    String claims = "{\"attest\":\"B\",\"dest\":{\"tn\":[\"14155550100\",\"13035550199\"]},\"iat\":"
        + IAT + ",\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"x\"}";
    assertThat(verify(claims)).isInstanceOf(VerificationResult.Passed.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"dest\":{\"tn\":[\"13035550199\"]},\"iat\":IAT,\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"x\"}",
    "{\"attest\":\"D\",\"dest\":{\"tn\":[\"13035550199\"]},\"iat\":IAT,\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"x\"}",
    "{\"attest\":\"A\",\"iat\":IAT,\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"x\"}",
    "{\"attest\":\"A\",\"dest\":{\"tn\":\"13035550199\"},\"iat\":IAT,\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"x\"}",
    "{\"attest\":\"A\",\"dest\":{\"uri\":[\"sip:a@b\"]},\"iat\":IAT,\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"x\"}",
    "{\"attest\":\"A\",\"dest\":{\"tn\":[\"13035550199\"]},\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"x\"}",
    "{\"attest\":\"A\",\"dest\":{\"tn\":[\"13035550199\"]},\"iat\":\"IAT\",\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"x\"}",
    "{\"attest\":\"A\",\"dest\":{\"tn\":[\"13035550199\"]},\"iat\":IAT,\"origid\":\"x\"}",
    "{\"attest\":\"A\",\"dest\":{\"tn\":[\"13035550199\"]},\"iat\":IAT,\"orig\":{\"tn\":\"12025550123\"}}",
    "{\"attest\":\"A\",\"dest\":{\"tn\":[\"13035550199\"]},\"iat\":IAT,\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"\"}"
  })
  void rejectsMissingOrMalformedClaimsWith438(String claims) {
    VerificationResult result = verify(claims.replace("IAT", Long.toString(IAT)));
    assertRejected(result, IdentityFailure.INVALID_IDENTITY, "claim");
  }

  @Test
  void verifiesDivPassportAndAcceptsShakenPassportForTheDivertedFromNumber() throws GeneralSecurityException {
    // Alice (+12025550123) called Bob (+13035550199), whose service diverted to Carol (+14155550100).
    String shaken = signedShaken(shakenClaims("A", "12025550123", "13035550199", IAT));
    KeyPair divKeys = TestPki.p256();
    X509Certificate divCert = PKI.issue(divKeys, NOW.minusSeconds(60), NOW.plusSeconds(3600));
    String divUrl = "https://cert.example.org/div.pem";
    String divHeader = "{\"alg\":\"ES256\",\"ppt\":\"div\",\"typ\":\"passport\",\"x5u\":\"" + divUrl + "\"}";
    String divClaims = "{\"dest\":{\"tn\":[\"14155550100\"]},\"div\":{\"tn\":\"13035550199\"},\"iat\":"
        + IAT + ",\"orig\":{\"tn\":\"12025550123\"}}";
    String div = jws(divHeader, divClaims, divKeys.getPrivate()) + ";info=<" + divUrl + ">;ppt=div;alg=ES256";

    List<VerificationResult> results = verifier.verifyAll(List.of(shaken, div), CALLER, "+14155550100",
        url -> Optional.of(url.equals(divUrl) ? divCert : SP_CERT));

    assertThat(results).hasSize(2);
    assertThat(results.get(0)).isInstanceOfSatisfying(VerificationResult.Passed.class,
        p -> assertThat(p.passport().attestation()).isEqualTo(Attestation.A));
    assertThat(results.get(1)).isInstanceOfSatisfying(VerificationResult.Passed.class, p -> {
      assertThat(p.passport().isDiversion()).isTrue();
      assertThat(p.passport().divTn()).isEqualTo("13035550199");
      assertThat(p.passport().attestation()).isNull();
    });

    // Without the div PASSporT the shaken one does not name the new target.
    List<VerificationResult> alone = verifier.verifyAll(List.of(shaken), CALLER, "+14155550100",
        url -> Optional.of(SP_CERT));
    assertRejected(alone.get(0), IdentityFailure.INVALID_IDENTITY, "dest.tn");
  }

  @Test
  void rejectsDivPassportWithoutDivClaimWith438() {
    String claims = "{\"dest\":{\"tn\":[\"13035550199\"]},\"iat\":" + IAT + ",\"orig\":{\"tn\":\"12025550123\"}}";
    String div = identity(jws(header("div"), claims, SP_KEYS.getPrivate()), "div");
    assertRejected(verifier.verify(parsed(div), SP_CERT, CALLER, CALLEE),
        IdentityFailure.INVALID_IDENTITY, "div claim");
  }

  @Test
  void verifiesEachOfSeveralIdentityHeadersSeparately() throws GeneralSecurityException {
    String good = signedShaken(shakenClaims("A", "12025550123", "13035550199", IAT));
    String wrongKey = identity(jws(header("shaken"), shakenClaims("B", "12025550123", "13035550199", IAT),
        TestPki.p256().getPrivate()), "shaken");
    String padded = good.replaceFirst("\\.", "==.");

    List<VerificationResult> results = verifier.verifyAll(List.of(good, wrongKey, padded), CALLER, CALLEE,
        url -> Optional.of(SP_CERT));

    assertThat(results.get(0)).isInstanceOf(VerificationResult.Passed.class);
    assertRejected(results.get(1), IdentityFailure.INVALID_IDENTITY, "signature");
    assertRejected(results.get(2), IdentityFailure.INVALID_IDENTITY, "padding");
  }

  @Test
  void answers428WithoutIdentityAnd436WithoutCertificate() {
    assertRejected(verifier.verifyAll(List.of(), CALLER, CALLEE, url -> Optional.of(SP_CERT)).get(0),
        IdentityFailure.NO_IDENTITY, "no Identity");
    String good = signedShaken(shakenClaims("A", "12025550123", "13035550199", IAT));
    assertRejected(verifier.verifyAll(List.of(good), CALLER, CALLEE, url -> Optional.empty()).get(0),
        IdentityFailure.BAD_INFO, X5U);
  }

  @Test
  void constructorRejectsNonPositiveFreshness() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new PassportVerifier(Duration.ZERO, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("freshness must be positive, was PT0S");
  }
}
