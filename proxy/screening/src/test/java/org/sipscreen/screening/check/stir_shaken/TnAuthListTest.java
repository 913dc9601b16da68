package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sipscreen.testkit.TestPki.NOW;
import static org.sipscreen.testkit.TestPki.header;
import static org.sipscreen.testkit.TestPki.identity;
import static org.sipscreen.testkit.TestPki.jws;
import static org.sipscreen.testkit.TestPki.one;
import static org.sipscreen.testkit.TestPki.range;
import static org.sipscreen.testkit.TestPki.shakenClaims;
import static org.sipscreen.testkit.TestPki.spc;
import static org.sipscreen.testkit.TestPki.tnAuthList;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipscreen.testkit.TestPki;

/** RFC 8226 TNAuthList: parsing, chain validation (malformed is 437) and orig authorization (438). */
class TnAuthListTest {

  private static final String CALLEE = "+13035550199";
  private static final long IAT = NOW.getEpochSecond();
  private static final TestPki PKI = new TestPki("STI-CA TNAuthList Test");
  private static final KeyPair SP_KEYS;

  static {
    try {
      SP_KEYS = TestPki.p256();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final PassportVerifier verifier = new PassportVerifier(clock);
  private final CertificateChainValidator validator =
      new CertificateChainValidator(List.of(PKI.ca), clock);

  private static X509Certificate certificate(byte[] tnAuthList) {
    return PKI.issue(SP_KEYS, NOW.minusSeconds(86_400), NOW.plusSeconds(86_400 * 30), tnAuthList);
  }

  /** Validates the chain as screening does, then verifies a shaken PASSporT from {@code orig}. */
  private VerificationResult verifyFrom(byte[] tnAuthList, String orig) {
    ChainResult chain = validator.validate(List.of(certificate(tnAuthList)));
    assertThat(chain).isInstanceOf(ChainResult.Trusted.class);
    String digits = orig.substring(1);
    IdentityParseResult parsed = IdentityHeader.parse(identity(
        jws(header("shaken"), shakenClaims("A", digits, "13035550199", IAT), SP_KEYS.getPrivate()),
        "shaken"));
    return verifier.verify((IdentityHeader) parsed, ((ChainResult.Trusted) chain).leaf(), orig, CALLEE);
  }

  private static void assertNotAuthorized(VerificationResult result) {
    assertThat(result).isInstanceOfSatisfying(Rejection.class, r -> {
      assertThat(r.failure()).isEqualTo(IdentityFailure.INVALID_IDENTITY);
      assertThat(r.sipStatus()).isEqualTo(438);
      assertThat(r.detail()).isEqualTo("orig.tn is not authorized by the certificate's TNAuthList");
    });
  }

  @Test
  void parsesEveryEntryKind() {
    TnAuthList list = TnAuthList.parse(
        tnAuthList(spc("1234"), range("12025550100", 100), one("12025550199"), one("*67#")));

    assertThat(list.spcs()).containsExactly("1234");
    assertThat(list.ranges()).containsExactly(
        new TnAuthList.Range("12025550100", BigInteger.valueOf(100)));
    assertThat(list.ones()).containsExactly("12025550199", "*67#");
  }

  @Test
  void spcOnlyListNamesNoNumbers() {
    assertThat(TnAuthList.parse(TestPki.SPC_1234).authorizes("12025550123")).isNull();
  }

  @Test
  void rangeCoversStartToStartPlusCountMinusOneOfTheSameLength() {
    TnAuthList list = TnAuthList.parse(tnAuthList(range("12025550100", 10)));

    assertThat(list.authorizes("12025550100")).isTrue();
    assertThat(list.authorizes("12025550109")).isTrue();
    assertThat(list.authorizes("12025550099")).isFalse();
    assertThat(list.authorizes("12025550110")).isFalse();
    assertThat(list.authorizes("012025550105")).isFalse();
    assertThat(list.authorizes("2025550105")).isFalse();
  }

  @Test
  void readsTheExtensionOfTheCertificateOrNullWithout() {
    assertThat(TnAuthList.of(certificate(null))).isNull();
    assertThat(TnAuthList.of(certificate(tnAuthList(one("12025550123")))).ones())
        .containsExactly("12025550123");
  }

  @Test
  void spcOnlyCertificateAuthorizesAnyOrig() {
    assertThat(verifyFrom(TestPki.SPC_1234, "+12025550123"))
        .isInstanceOf(VerificationResult.Passed.class);
    assertThat(verifyFrom(TestPki.SPC_1234, "+19995550000"))
        .isInstanceOf(VerificationResult.Passed.class);
  }

  @Test
  void certificateWithoutTnAuthListAuthorizesAnyOrig() {
    assertThat(verifyFrom(null, "+19995550000")).isInstanceOf(VerificationResult.Passed.class);
  }

  @Test
  void oneEntryAuthorizesExactlyThatNumber() {
    byte[] list = tnAuthList(spc("1234"), one("12025550123"));

    assertThat(verifyFrom(list, "+12025550123")).isInstanceOf(VerificationResult.Passed.class);
    assertNotAuthorized(verifyFrom(list, "+12025550124"));
  }

  @Test
  void rangeAuthorizesStartThroughStartPlusCountMinusOne() {
    byte[] list = tnAuthList(range("12025550100", 50));

    assertThat(verifyFrom(list, "+12025550100")).isInstanceOf(VerificationResult.Passed.class);
    assertThat(verifyFrom(list, "+12025550149")).isInstanceOf(VerificationResult.Passed.class);
    assertNotAuthorized(verifyFrom(list, "+12025550150"));
    assertNotAuthorized(verifyFrom(list, "+12025550099"));
  }

  @Test
  void unauthorizedOrigIsRejectedBeforeTheSignatureIsChecked() {
    // Signed with another key: the TNAuthList check answers first, like the other cheap checks.
    X509Certificate leaf = certificate(tnAuthList(one("12025550123")));
    KeyPair other;
    try {
      other = TestPki.p256();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    IdentityHeader parsed = (IdentityHeader) IdentityHeader.parse(identity(
        jws(header("shaken"), shakenClaims("A", "12025550999", "13035550199", IAT), other.getPrivate()),
        "shaken"));

    assertNotAuthorized(verifier.verify(parsed, leaf, "+12025550999", CALLEE));
  }

  /** A div PASSporT diverting from +13035550199 (called) to +14155550100, signed with a certificate. */
  private VerificationResult verifyDiv(byte[] tnAuthList) {
    X509Certificate leaf = certificate(tnAuthList);
    String claims = "{\"dest\":{\"tn\":[\"14155550100\"]},\"div\":{\"tn\":\"13035550199\"},\"iat\":"
        + IAT + ",\"orig\":{\"tn\":\"12025550123\"}}";
    IdentityHeader parsed = (IdentityHeader) IdentityHeader.parse(
        identity(jws(header("div"), claims, SP_KEYS.getPrivate()), "div"));
    return verifier.verify(parsed, leaf, "+12025550123", "+14155550100");
  }

  @Test
  void divPassportMustBeSignedForTheNumberItDivertsFrom() {
    assertThat(verifyDiv(tnAuthList(one("13035550199")))).isInstanceOf(VerificationResult.Passed.class);
    assertThat(verifyDiv(tnAuthList(one("12025550123")))).isInstanceOfSatisfying(Rejection.class, r -> {
      assertThat(r.sipStatus()).isEqualTo(438);
      assertThat(r.detail()).isEqualTo("div.tn is not authorized by the certificate's TNAuthList");
    });
  }

  static List<byte[]> malformed() {
    return List.of(
        new byte[] {0x0c, 0x03, 'a', 'b', 'c'},                                      // UTF8String, not a SEQUENCE
        new byte[] {0x30, 0x00},                                                      // empty
        new byte[] {0x30, 0x05, (byte) 0xa0},                                         // truncated
        tnAuthList(new DERTaggedObject(false, 0, new DERIA5String("1234"))),          // implicit tag
        tnAuthList(new DERTaggedObject(true, 3, new DERIA5String("1234"))),           // unknown choice
        tnAuthList(new DERTaggedObject(true, 0, new DERUTF8String("1234"))),          // not IA5String
        tnAuthList(one("1202555012x")),                                               // not 0-9 # *
        tnAuthList(one("1234567890123456")),                                          // 16 characters
        tnAuthList(range("12025550100", 1)),                                          // count below 2
        tnAuthList(new DERTaggedObject(true, 1,
            new DERSequence(new ASN1Encodable[] {new DERIA5String("12025550100")})))); // no count
  }

  @Test
  void malformedListsDoNotParse() {
    for (byte[] der : malformed()) {
      assertThatThrownBy(() -> TnAuthList.parse(der)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3, 6, 8})
  void malformedExtensionMakesTheChainUntrustedWith437(int which) {
    ChainResult result = validator.validate(List.of(certificate(malformed().get(which))));

    assertThat(result).isInstanceOfSatisfying(Rejection.class, r -> {
      assertThat(r.sipStatus()).isEqualTo(437);
      assertThat(r.detail()).startsWith("certificate TNAuthList is malformed: ");
    });
  }

  @Test
  void verifierAloneRejectsACertificateWithAMalformedExtensionWith437() {
    X509Certificate leaf = certificate(malformed().get(0));
    IdentityHeader parsed = (IdentityHeader) IdentityHeader.parse(identity(
        jws(header("shaken"), shakenClaims("A", "12025550123", "13035550199", IAT),
            SP_KEYS.getPrivate()), "shaken"));

    assertThat(verifier.verify(parsed, leaf, "+12025550123", CALLEE))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.sipStatus()).isEqualTo(437));
  }

  @Test
  void trustedChainCarriesTheParsedList() {
    ChainResult result = validator.validate(List.of(certificate(tnAuthList(one("12025550123")))));

    assertThat(result).isInstanceOfSatisfying(ChainResult.Trusted.class, t -> {
      assertThat(t.hasTnAuthList()).isTrue();
      assertThat(t.tnAuthList().ones()).containsExactly("12025550123");
    });
    assertThat(validator.validate(List.of(certificate(null))))
        .isInstanceOfSatisfying(ChainResult.Trusted.class, t -> assertThat(t.hasTnAuthList()).isFalse());
  }

  @Test
  void aBareUrlIsAListByReferenceThatConstrainsNothing() {
    TnAuthList list = TnAuthList.parse(new byte[] {0x16, 0x03, 'a', 'b', 'c'});

    assertThat(list).isEqualTo(TnAuthList.BY_REFERENCE);
    assertThat(list.authorizes("12025550100")).isNull();
  }
}
