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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningOutcome;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.screening.check.stir_shaken.CertificateChainValidator;
import org.sipscreen.screening.check.stir_shaken.CertificateLookup;
import org.sipscreen.screening.check.stir_shaken.CertificateSource;
import org.sipscreen.screening.check.stir_shaken.PassportVerifier;
import org.sipscreen.screening.check.stir_shaken.StirShakenSettings.Category;
import org.sipscreen.screening.check.stir_shaken.StirShakenSettings.OnFailure;
import org.sipscreen.screening.check.stir_shaken.StirShakenSettings;
import org.sipscreen.testkit.ManualTime;
import org.sipscreen.testkit.TestPki;

/**
 * The stir_shaken check on PASSporTs signed at test time by a throwaway PKI (test keys only): verstat,
 * categories and scores, RFC 8224 codes in reject mode, the RFC 9410 Reason tag, cache misses that wait
 * and fail open at the deadline, and emergency calls that never wait.
 */
class StirShakenCheckTest {

  private static final String CALLER = "12025550123"; // TestCalls' default From
  private static final String CALLEE = "12025550199"; // TestCalls' default Request-URI
  private static final long IAT = NOW.getEpochSecond();
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final TestPki PKI = new TestPki("STI-CA Check Test");
  private static final TestPki OTHER_CA = new TestPki("Untrusted CA");
  private static final KeyPair SP_KEYS = keys();
  private static final X509Certificate SP_CERT =
      PKI.issue(SP_KEYS, NOW.minusSeconds(86_400), NOW.plusSeconds(86_400 * 30));
  private static final CertificateChainValidator VALIDATOR =
      new CertificateChainValidator(List.of(PKI.ca), CLOCK);

  private final Certificates certificates = new Certificates();
  private final ManualTime time = new ManualTime();

  private static KeyPair keys() {
    try {
      return TestPki.p256();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** An in-test certificate source: what is "cached", and lookups the test answers by hand. */
  private static final class Certificates implements CertificateSource {
    final Map<String, CertificateLookup> cached = new HashMap<>();
    final Map<String, CompletableFuture<CertificateLookup>> pending = new HashMap<>();
    int lookups;

    void cache(String x5u, X509Certificate... chain) {
      cached.put(x5u, new CertificateLookup.Found(VALIDATOR.validate(List.of(chain))));
    }

    @Override
    public CertificateLookup cached(String x5u) {
      return cached.get(x5u);
    }

    @Override
    public CompletionStage<CertificateLookup> lookup(String x5u) {
      lookups++;
      return pending.computeIfAbsent(x5u, k -> new CompletableFuture<>());
    }
  }

  private StirShakenCheck check(OnFailure onFailure, Map<Category, Integer> scores) {
    return new StirShakenCheck(new StirShakenSettings(Duration.ofMillis(50), onFailure, scores),
        certificates, new PassportVerifier(Duration.ofSeconds(60), CLOCK), time);
  }

  private StirShakenCheck check() {
    return check(OnFailure.TAG, Map.of());
  }

  private static String signed(String claims) {
    return identity(jws(header("shaken"), claims, SP_KEYS.getPrivate()), "shaken");
  }

  private static String valid(String attest) {
    return signed(shakenClaims(attest, CALLER, CALLEE, IAT));
  }

  private Verdict verdictFor(StirShakenCheck check, String... identity) {
    return check.check(TestCalls.invite().identity(identity).screened());
  }

  private static List<CallTag> tagsOf(Verdict v) {
    if (v instanceof Verdict.Flag f) {
      return f.tags();
    }
    return ((Verdict.Tag) v).tags();
  }

  private void assertOutcome(StirShakenCheck check, Verdict v, Category category, String verstat) {
    assertThat(check.outcomeLabel(v, null)).isEqualTo(category.label());
    assertThat(tagsOf(v)).contains(new CallTag.Verstat(verstat));
  }

  @ParameterizedTest
  @CsvSource({"A, attestation_a, 0", "B, attestation_b, 10", "C, attestation_c, 30"})
  void passesValidPassportWithEachAttestationAndItsScore(String attest, String category, int score) {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check();

    Verdict v = verdictFor(check, valid(attest));

    assertOutcome(check, v, Category.fromLabel(category), "TN-Validation-Passed");
    if (score == 0) {
      assertThat(v).isInstanceOf(Verdict.Tag.class); // no flag: a strict policy cannot block it
    } else {
      assertThat(v).isEqualTo(new Verdict.Flag(category, score,
          List.of(new CallTag.Verstat("TN-Validation-Passed"), new CallTag.Signer("1234"))));
    }
    assertThat(certificates.lookups).isZero();
  }

  @Test
  void passedVerdictNamesTheSpcOfTheSigningCertificatesTnAuthList() {
    certificates.cache(X5U, SP_CERT); // TestPki's STI certificates carry TNAuthList SPC 1234
    StirShakenCheck check = check();

    Verdict first = verdictFor(check, valid("B"));
    Verdict second = verdictFor(check, valid("B"));

    assertThat(tagsOf(first)).containsExactly(new CallTag.Verstat("TN-Validation-Passed"),
        new CallTag.Signer("1234"));
    assertThat(second).isSameAs(first); // made once per signer and attestation
    assertThat(check.outcomeLabel(first, null)).isEqualTo("attestation_b");
    assertThat(check.outcomeLabel(verdictFor(check, valid("A")), null)).isEqualTo("attestation_a");
  }

  @Test
  void passedVerdictOfACertificateWithoutSpcNamesNoSigner() throws Exception {
    X509Certificate numbersOnly = PKI.issue(SP_KEYS, NOW.minusSeconds(86_400), NOW.plusSeconds(86_400),
        TestPki.tnAuthList(TestPki.one(CALLER)));
    certificates.cache(X5U, numbersOnly);
    StirShakenCheck check = check();

    Verdict v = verdictFor(check, valid("A"));

    assertThat(tagsOf(v)).containsExactly(new CallTag.Verstat("TN-Validation-Passed"));
    assertThat(check.outcomeLabel(v, null)).isEqualTo("attestation_a");
  }

  @Test
  void spcThatIsNoPrintableTokenIsLeftOut() {
    assertThat(CallTag.Signer.of(List.of("12 4"))).isNull();
    assertThat(CallTag.Signer.of(List.of("x".repeat(CallTag.Signer.MAX_LENGTH + 1)))).isNull();
    assertThat(CallTag.Signer.of(List.of())).isNull();
    assertThat(CallTag.Signer.of(List.of("567J", "1234"))).isEqualTo(new CallTag.Signer("567J"));
  }

  /** A call retargeted by changing the Request-URI only: To still names the number the caller dialed. */
  private Verdict retargeted(StirShakenCheck check, String dest) {
    return check.check(TestCalls.invite()
        .toHeader("<sip:+" + CALLEE + "@proxy.example;user=phone>")
        .to("sip:+13035550100@core.example;user=phone")
        .identity(signed(shakenClaims("A", CALLER, dest, IAT))).screened());
  }

  @Test
  void destMatchingTheToHeaderPassesWhenTheRequestUriWasRetargeted() {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check(OnFailure.REJECT, Map.of());
    assertOutcome(check, retargeted(check, CALLEE), Category.ATTESTATION_A, "TN-Validation-Passed");
  }

  @Test
  void destMatchingTheRequestUriPassesWhenToNamesAnotherNumber() {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check(OnFailure.REJECT, Map.of());
    assertOutcome(check, retargeted(check, "13035550100"), Category.ATTESTATION_A, "TN-Validation-Passed");
  }

  @Test
  void destMatchingNeitherToNorRequestUriFails438() {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check(OnFailure.REJECT, Map.of());
    assertThat(retargeted(check, "13035550111")).isInstanceOfSatisfying(Verdict.Reject.class,
        r -> assertThat(r.status()).isEqualTo(438));
  }

  @Test
  void destMatchesTheDigitsOfANationalToHeader() {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check(OnFailure.REJECT, Map.of());
    Verdict v = check.check(TestCalls.invite()
        .toHeader("\"Bob\" <sip:5550199@proxy.example>")
        .to("sip:+13035550100@core.example;user=phone")
        .identity(signed(shakenClaims("A", CALLER, "5550199", IAT))).screened());
    assertOutcome(check, v, Category.ATTESTATION_A, "TN-Validation-Passed");
  }

  @ParameterizedTest
  @CsvSource({"none, 0", "HS256, 32", "ES384, 96"})
  void unsupportedAlgorithmIsRejected437(String alg, int signatureBytes) {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check(OnFailure.REJECT, Map.of());
    String h = "{\"alg\":\"" + alg + "\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"" + X5U + "\"}";
    String token = TestPki.b64(h) + "." + TestPki.b64(shakenClaims("A", CALLER, CALLEE, IAT)) + "."
        + TestPki.b64(new byte[signatureBytes]);
    assertThat(verdictFor(check, token + ";info=<" + X5U + ">;ppt=shaken"))
        .isInstanceOfSatisfying(Verdict.Reject.class, r -> {
          assertThat(r.status()).isEqualTo(437);
          assertThat(r.reasonPhrase()).isEqualTo("Unsupported Credential");
        });
  }

  @Test
  void critNamingAnUnknownExtensionIsRejected438() {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check(OnFailure.REJECT, Map.of());
    String h = "{\"alg\":\"ES256\",\"crit\":[\"xyz\"],\"ppt\":\"shaken\",\"typ\":\"passport\","
        + "\"x5u\":\"" + X5U + "\",\"xyz\":true}";
    String token = jws(h, shakenClaims("A", CALLER, CALLEE, IAT), SP_KEYS.getPrivate());
    assertThat(verdictFor(check, identity(token, "shaken")))
        .isInstanceOfSatisfying(Verdict.Reject.class, r -> assertThat(r.status()).isEqualTo(438));
  }

  @Test
  void configuredScoresReplaceTheDefaults() {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check(OnFailure.TAG, Map.of(Category.ATTESTATION_C, 55, Category.NO_IDENTITY, 20));

    assertThat(verdictFor(check, valid("C"))).isInstanceOfSatisfying(Verdict.Flag.class,
        f -> assertThat(f.score()).isEqualTo(55));
    assertThat(verdictFor(check)).isInstanceOfSatisfying(Verdict.Flag.class, f -> {
      assertThat(f.category()).isEqualTo("no_identity");
      assertThat(f.score()).isEqualTo(20);
      assertThat(f.tags()).containsExactly(new CallTag.Verstat("No-TN-Validation"));
    });
  }

  @Test
  void noIdentityHeaderIsNoTnValidation() {
    StirShakenCheck check = check();
    Verdict v = verdictFor(check);
    assertOutcome(check, v, Category.NO_IDENTITY, "No-TN-Validation");
    assertThat(v).isInstanceOf(Verdict.Tag.class);
  }

  /** Each case in reject mode: the RFC 8224 code the failure maps to. */
  @ParameterizedTest
  @CsvSource({
    "bad_signature, 438",
    "wrong_key, 438",
    "stale_iat, 403",
    "future_iat, 403",
    "orig_mismatch, 438",
    "dest_mismatch, 438",
    "missing_attest, 438",
    "missing_origid, 438",
    "missing_dest, 438",
    "wrong_alg, 437",
    "wrong_ppt, 437",
    "wrong_typ, 438",
    "malformed_base64, 438",
    "info_differs_from_x5u, 436"
  })
  void failedVerificationIsTaggedFailedOrRejectedWithItsRfc8224Code(String kind, int status)
      throws GeneralSecurityException {
    certificates.cache(X5U, SP_CERT);
    String value = switch (kind) {
      case "bad_signature" -> {
        String good = valid("A");
        int sig = good.lastIndexOf('.', good.indexOf(';'));
        char c = good.charAt(sig + 5);
        yield good.substring(0, sig + 5) + (c == 'A' ? 'B' : 'A') + good.substring(sig + 6);
      }
      case "wrong_key" -> identity(jws(header("shaken"), shakenClaims("A", CALLER, CALLEE, IAT),
          TestPki.p256().getPrivate()), "shaken");
      case "stale_iat" -> signed(shakenClaims("A", CALLER, CALLEE, IAT - 61));
      case "future_iat" -> signed(shakenClaims("A", CALLER, CALLEE, IAT + 61));
      case "orig_mismatch" -> signed(shakenClaims("A", "12025550100", CALLEE, IAT));
      case "dest_mismatch" -> signed(shakenClaims("A", CALLER, "13035550100", IAT));
      case "missing_attest" -> signed("{\"dest\":{\"tn\":[\"" + CALLEE + "\"]},\"iat\":" + IAT
          + ",\"orig\":{\"tn\":\"" + CALLER + "\"},\"origid\":\"x\"}");
      case "missing_origid" -> signed("{\"attest\":\"A\",\"dest\":{\"tn\":[\"" + CALLEE + "\"]},\"iat\":"
          + IAT + ",\"orig\":{\"tn\":\"" + CALLER + "\"}}");
      case "missing_dest" -> signed("{\"attest\":\"A\",\"iat\":" + IAT + ",\"orig\":{\"tn\":\"" + CALLER
          + "\"},\"origid\":\"x\"}");
      case "wrong_alg" -> identity(jws(header("shaken").replace("ES256", "RS256"),
          shakenClaims("A", CALLER, CALLEE, IAT), SP_KEYS.getPrivate()), "shaken");
      case "wrong_ppt" -> identity(jws(header("foo"), shakenClaims("A", CALLER, CALLEE, IAT),
          SP_KEYS.getPrivate()), "foo");
      case "wrong_typ" -> identity(jws(header("shaken").replace("\"passport\"", "\"JWT\""),
          shakenClaims("A", CALLER, CALLEE, IAT), SP_KEYS.getPrivate()), "shaken");
      case "malformed_base64" -> valid("A").replaceFirst("\\.", "+/.");
      case "info_differs_from_x5u" -> valid("A").replace("info=<" + X5U, "info=<https://other.example/x.pem");
      default -> throw new AssertionError(kind);
    };

    StirShakenCheck tagging = check();
    Verdict tagged = verdictFor(tagging, value);
    assertOutcome(tagging, tagged, Category.SIGNATURE_FAILED, "TN-Validation-Failed");
    assertThat(tagged).isInstanceOfSatisfying(Verdict.Flag.class,
        f -> assertThat(f.score()).isEqualTo(60));

    StirShakenCheck rejecting = check(OnFailure.REJECT, Map.of());
    Verdict rejected = verdictFor(rejecting, value);
    assertThat(rejected).isInstanceOfSatisfying(Verdict.Reject.class, r -> {
      assertThat(r.status()).isEqualTo(status);
      assertThat(r.extraHeaders()).singleElement().satisfies(h -> {
        assertThat(h.name()).isEqualTo("Reason");
        assertThat(h.value()).startsWith("STIR;cause=" + status + ";text=\"");
      });
    });
    assertThat(rejecting.outcomeLabel(rejected, null)).isEqualTo("signature_failed");
  }

  @ParameterizedTest
  @CsvSource({"expired", "not_yet_valid", "untrusted_ca"})
  void certificateThatDoesNotValidateFailsWith437(String kind) {
    X509Certificate cert = switch (kind) {
      case "expired" -> PKI.issue(SP_KEYS, NOW.minusSeconds(86_400 * 10), NOW.minusSeconds(1));
      case "not_yet_valid" -> PKI.issue(SP_KEYS, NOW.plusSeconds(60), NOW.plusSeconds(86_400));
      default -> OTHER_CA.issue(SP_KEYS, NOW.minusSeconds(60), NOW.plusSeconds(86_400));
    };
    certificates.cache(X5U, cert);

    StirShakenCheck tagging = check();
    assertOutcome(tagging, verdictFor(tagging, valid("A")), Category.SIGNATURE_FAILED,
        "TN-Validation-Failed");
    assertThat(verdictFor(check(OnFailure.REJECT, Map.of()), valid("A")))
        .isInstanceOfSatisfying(Verdict.Reject.class, r -> {
          assertThat(r.status()).isEqualTo(437);
          assertThat(r.reasonPhrase()).isEqualTo("Unsupported Credential");
        });
  }

  @Test
  void reasonHeaderModeForwardsWithVerstatFailedAndAStirReason() {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check(OnFailure.REASON_HEADER, Map.of());

    Verdict v = verdictFor(check, signed(shakenClaims("A", "12025550100", CALLEE, IAT)));

    assertThat(tagsOf(v)).containsExactly(new CallTag.Verstat("TN-Validation-Failed"),
        new CallTag.StirReason(438, "Invalid Identity Header"));
    assertThat(new CallTag.StirReason(438, "Invalid Identity Header").headerValue())
        .isEqualTo("STIR;cause=438;text=\"Invalid Identity Header\"");
  }

  @Test
  void severalIdentityHeadersPassWhenAShakenPassportVerifiesAndFailWithTheFirstShakensCode() {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check(OnFailure.REJECT, Map.of());
    String stale = signed(shakenClaims("A", CALLER, CALLEE, IAT - 600));
    String mismatch = signed(shakenClaims("A", "12025550100", CALLEE, IAT));

    assertThat(check.outcomeLabel(verdictFor(check, stale, valid("B")), null)).isEqualTo("attestation_b");
    assertThat(check.outcomeLabel(verdictFor(check, valid("C"), stale), null)).isEqualTo("attestation_c");
    assertThat(verdictFor(check, stale, mismatch)).isInstanceOfSatisfying(Verdict.Reject.class,
        r -> assertThat(r.status()).isEqualTo(403));
    assertThat(verdictFor(check, mismatch, stale)).isInstanceOfSatisfying(Verdict.Reject.class,
        r -> assertThat(r.status()).isEqualTo(438));
  }

  @Test
  void moreIdentityHeadersThanTheCapAreNotVerified() {
    certificates.cache(X5U, SP_CERT);
    StirShakenCheck check = check();
    String[] many = new String[StirShakenCheck.MAX_IDENTITY_HEADERS + 1];
    java.util.Arrays.fill(many, valid("A"));

    assertOutcome(check, verdictFor(check, many), Category.SIGNATURE_FAILED, "TN-Validation-Failed");
  }

  @Test
  void divPassportLetsTheShakenPassportNameTheNumberTheCallWasDivertedFrom() throws Exception {
    // Alice called +12025550150, whose service diverted the call to +12025550199 (the Request-URI).
    String shaken = signed(shakenClaims("A", CALLER, "12025550150", IAT));
    String divUrl = "https://cert.example.org/div.pem";
    KeyPair divKeys = TestPki.p256();
    certificates.cache(X5U, SP_CERT);
    certificates.cache(divUrl, PKI.issue(divKeys, NOW.minusSeconds(60), NOW.plusSeconds(3600)));
    String div = jws("{\"alg\":\"ES256\",\"ppt\":\"div\",\"typ\":\"passport\",\"x5u\":\"" + divUrl + "\"}",
        "{\"dest\":{\"tn\":[\"" + CALLEE + "\"]},\"div\":{\"tn\":\"12025550150\"},\"iat\":" + IAT
            + ",\"orig\":{\"tn\":\"" + CALLER + "\"}}", divKeys.getPrivate())
        + ";info=<" + divUrl + ">;alg=ES256;ppt=div";
    StirShakenCheck check = check();

    assertThat(check.outcomeLabel(verdictFor(check, shaken, div), null)).isEqualTo("attestation_a");
    assertThat(check.outcomeLabel(verdictFor(check, shaken), null)).isEqualTo("signature_failed");
    // A div PASSporT alone does not identify the caller.
    assertThat(check.outcomeLabel(verdictFor(check, div), null)).isEqualTo("signature_failed");
  }

  @Test
  void cacheMissWaitsForTheLookupAndVerifiesWhenItAnswers() {
    StirShakenCheck check = check();

    Verdict v = verdictFor(check, valid("A"));

    assertThat(v).isInstanceOf(Verdict.Later.class);
    assertThat(certificates.lookups).isEqualTo(1);
    CompletableFuture<Verdict> later = ((Verdict.Later) v).verdict().toCompletableFuture();
    assertThat(later).isNotDone();
    certificates.pending.get(X5U).complete(new CertificateLookup.Found(VALIDATOR.validate(List.of(SP_CERT))));
    assertThat(later).isCompleted();
    assertOutcome(check, later.join(), Category.ATTESTATION_A, "TN-Validation-Passed");
    assertThat(time.pendingTasks()).isZero(); // the deadline timer was cancelled
    assertThat(check.stats().failOpen()).isZero();
  }

  @Test
  void cacheMissPastTheDeadlineContinuesAsNoTnValidationAndIsCounted() {
    StirShakenCheck check = check();
    CompletableFuture<Verdict> later =
        ((Verdict.Later) verdictFor(check, valid("A"))).verdict().toCompletableFuture();

    time.advance(Duration.ofMillis(49));
    assertThat(later).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(later).isCompleted();
    assertOutcome(check, later.join(), Category.CERTIFICATE_UNAVAILABLE, "No-TN-Validation");
    assertThat(check.stats().failOpen()).isEqualTo(1);
    assertThat(check.stats().deadlineMisses()).isEqualTo(1);
    // A late answer changes nothing for this call.
    certificates.pending.get(X5U).complete(new CertificateLookup.Found(VALIDATOR.validate(List.of(SP_CERT))));
    assertThat(check.stats().failOpen()).isEqualTo(1);
  }

  @Test
  void unavailableCertificateIsNoTnValidationNotAFailure() {
    StirShakenCheck check = check(OnFailure.REJECT, Map.of());
    CompletableFuture<Verdict> later =
        ((Verdict.Later) verdictFor(check, valid("A"))).verdict().toCompletableFuture();

    certificates.pending.get(X5U).complete(new CertificateLookup.Unavailable("fetch_failed"));

    assertOutcome(check, later.join(), Category.CERTIFICATE_UNAVAILABLE, "No-TN-Validation");
    assertThat(check.stats().failOpen()).isEqualTo(1);
    assertThat(check.stats().deadlineMisses()).isZero();
  }

  @Test
  void cachedNegativeAnswerIsAlsoNoTnValidationWithoutWaiting() {
    certificates.cached.put(X5U, new CertificateLookup.Unavailable("fetch_failed"));
    StirShakenCheck check = check();

    assertOutcome(check, verdictFor(check, valid("A")), Category.CERTIFICATE_UNAVAILABLE, "No-TN-Validation");
    assertThat(certificates.lookups).isZero();
    assertThat(check.stats().failOpen()).isEqualTo(1);
  }

  @Test
  void headersSharingOneX5uStartOneLookup() {
    StirShakenCheck check = check();
    verdictFor(check, valid("A"), valid("B"));
    assertThat(certificates.lookups).isEqualTo(1);
  }

  @Test
  void failedLookupStageFailsOpen() {
    StirShakenCheck check = check();
    CompletableFuture<Verdict> later =
        ((Verdict.Later) verdictFor(check, valid("A"))).verdict().toCompletableFuture();
    certificates.pending.get(X5U).completeExceptionally(new IllegalStateException("source bug"));
    assertOutcome(check, later.join(), Category.CERTIFICATE_UNAVAILABLE, "No-TN-Validation");
  }

  // ---- through the chain

  private ScreeningChain chain(StirShakenCheck check, Policy policy) {
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
        List.of(check), policy);
  }

  @Test
  void emergencyCallWithAnUncachedCertificateIsForwardedAtOnceWithoutALookup() {
    ScreeningChain chain = chain(check(), Policy.OBSERVE);

    ScreeningOutcome outcome = chain.evaluate(
        TestCalls.invite().to("sip:911@proxy.example").identity(valid("A")).build());

    assertThat(outcome).isInstanceOfSatisfying(ScreeningResult.class, r -> {
      assertThat(r.isEmergency()).isTrue();
      assertThat(r.tags()).isEmpty();
    });
    assertThat(certificates.lookups).isZero();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void chainResultCarriesTheVerstatAndTheAttestationOutcome() {
    certificates.cache(X5U, SP_CERT);
    ScreeningResult r = chain(check(), Policy.OBSERVE)
        .screen(TestCalls.invite().identity(valid("C")).build());

    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.tags()).containsExactly(new CallTag.Verstat("TN-Validation-Passed"),
        new CallTag.Signer("1234"));
    assertThat(r.outcomeOf(StirShakenCheck.NAME)).contains("attestation_c");
    assertThat(r.score()).isEqualTo(30);
    assertThat(r.decisions()).singleElement().satisfies(d -> {
      assertThat(d.category()).isEqualTo("attestation_c");
      assertThat(d.action()).isEqualTo(PolicyAction.SCORE);
    });
  }

  @Test
  void perPeerPolicyDecidesWhatAFailedSignatureDoes() throws Exception {
    certificates.cache(X5U, SP_CERT);
    Policy strict = new Policy(false, 101, 101, List.of(new CallTag.DisplayLabel("SPAM?")),
        Policy.OBSERVE.analyticsReject(), new Verdict.Reject(608, "Rejected", List.of()),
        Policy.OBSERVE.peerBlocked(), Map.of(),
        Map.of("carrier-b", new Policy.PeerPolicy(false, java.util.Optional.empty(),
            java.util.Optional.empty(), Map.of(StirShakenCheck.NAME,
                new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false)))));
    PeerTable peers = PeerTable.of(Map.of("carrier-a", List.of("10.1.0.0/16"),
        "carrier-b", List.of("10.2.0.0/16")));
    ScreeningChain chain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
        List.of(new SourcePeerCheck(peers, new Verdict.Reject(403, "Forbidden", List.of())), check()),
        strict);
    String bad = signed(shakenClaims("A", "12025550100", CALLEE, IAT));

    ScreeningResult fromA = chain.screen(TestCalls.invite().source("10.1.2.3").identity(bad).build());
    ScreeningResult fromB = chain.screen(TestCalls.invite().source("10.2.2.3").identity(bad).build());
    ScreeningResult goodFromB = chain.screen(TestCalls.invite().source("10.2.2.3").identity(valid("A")).build());

    assertThat(fromA.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(fromA.tags()).containsExactly(new CallTag.Verstat("TN-Validation-Failed"));
    assertThat(fromB.action()).isEqualTo(new ScreeningResult.Action.Reject(608, "Rejected", List.of()));
    assertThat(goodFromB.action()).isEqualTo(ScreeningResult.Action.FORWARD);
  }

  @Test
  void globalShadowModeForwardsUnchanged() {
    certificates.cache(X5U, SP_CERT);
    Policy shadow = new Policy(true, 50, 90, Policy.OBSERVE.tags(), Policy.OBSERVE.analyticsReject(),
        Policy.OBSERVE.deterministicReject(), Policy.OBSERVE.peerBlocked(), Map.of(), Map.of());
    ScreeningResult r = chain(check(OnFailure.REJECT, Map.of()), shadow)
        .screen(TestCalls.invite().identity(signed(shakenClaims("A", "12025550100", CALLEE, IAT))).build());

    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.tags()).isEmpty();
    assertThat(r.shadowAction()).isPresent();
  }
}
