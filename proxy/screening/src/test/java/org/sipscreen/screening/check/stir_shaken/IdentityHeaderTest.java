package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.testkit.TestPki.NOW;
import static org.sipscreen.testkit.TestPki.X5U;
import static org.sipscreen.testkit.TestPki.b64;
import static org.sipscreen.testkit.TestPki.header;
import static org.sipscreen.testkit.TestPki.jws;
import static org.sipscreen.testkit.TestPki.shakenClaims;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipscreen.testkit.TestPki;

class IdentityHeaderTest {

  private static final KeyPair KEYS;

  static {
    try {
      KEYS = TestPki.p256();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final String CLAIMS =
      shakenClaims("A", "12025550123", "13035550199", NOW.getEpochSecond());
  private static final String JWS = jws(header("shaken"), CLAIMS, KEYS.getPrivate());

  private static void assertRejected(String value, IdentityFailure failure, String detail) {
    assertThat(IdentityHeader.parse(value)).isInstanceOfSatisfying(Rejection.class, r -> {
      assertThat(r.failure()).isEqualTo(failure);
      assertThat(r.detail()).contains(detail);
    });
  }

  private static IdentityHeader parsed(String value) {
    IdentityParseResult result = IdentityHeader.parse(value);
    assertThat(result).isInstanceOf(IdentityHeader.class);
    return (IdentityHeader) result;
  }

  @Test
  void parsesRfc8224FormWithBracketedInfo() {
    IdentityHeader identity = parsed(JWS + ";info=<" + X5U + ">;alg=ES256;ppt=shaken");

    assertThat(identity.info()).isEqualTo(X5U);
    assertThat(identity.x5u()).isEqualTo(X5U);
    assertThat(identity.ppt()).isEqualTo("shaken");
    assertThat(identity.signingInput()).isEqualTo(JWS.substring(0, JWS.lastIndexOf('.')));
    assertThat(identity.signature()).hasSize(64);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    ";info=" + X5U + ";alg=ES256;ppt=shaken",
    " ; INFO = <" + X5U + "> ; ppt=\"shaken\" ; alg=ES256 ",
    ";ppt=shaken;info=<" + X5U + ">;ext=1"
  })
  void acceptsBareInfoParameterOrderCaseSpacesAndExtensions(String params) {
    assertThat(parsed(JWS + params).info()).isEqualTo(X5U);
  }

  @Test
  void anEqualValueParsedAgainOnTheSameThreadGivesTheSameResultAndOthersTheirOwn() {
    String value = JWS + ";info=<" + X5U + ">;alg=ES256;ppt=shaken";
    IdentityHeader first = parsed(value);
    String otherJws = jws(header("shaken"), shakenClaims("B", "12025550124", "13035550199",
        NOW.getEpochSecond()), KEYS.getPrivate());

    assertThat(parsed(new String(value.toCharArray()))).isSameAs(first);
    IdentityHeader other = parsed(otherJws + ";info=<" + X5U + ">;alg=ES256;ppt=shaken");
    assertThat(other.signingInput()).isEqualTo(otherJws.substring(0, otherJws.lastIndexOf('.')));
    assertThat(other.origid()).isEqualTo(first.origid());
    assertRejected(JWS + ";info=<" + X5U + ">;alg=ES256", IdentityFailure.INVALID_IDENTITY, "no ppt parameter");
    assertThat(parsed(value).signingInput()).isEqualTo(first.signingInput());
  }

  @Test
  void recognisesFullAndCompactHeaderNames() {
    assertThat(IdentityHeader.isIdentityHeaderName("Identity")).isTrue();
    assertThat(IdentityHeader.isIdentityHeaderName("IDENTITY")).isTrue();
    assertThat(IdentityHeader.isIdentityHeaderName("y")).isTrue();
    assertThat(IdentityHeader.isIdentityHeaderName("Identity-Info")).isFalse();
    assertThat(IdentityHeader.isIdentityHeaderName("i")).isFalse();
  }

  @Test
  void emptyValueIs428() {
    assertRejected("  ", IdentityFailure.NO_IDENTITY, "empty");
    assertRejected(null, IdentityFailure.NO_IDENTITY, "empty");
  }

  @Test
  void rejectsBase64PaddingWith438() {
    String padded = JWS.replaceFirst("\\.", "=.");
    assertRejected(padded + ";info=<" + X5U + ">;ppt=shaken", IdentityFailure.INVALID_IDENTITY, "padding");
  }

  @ParameterizedTest
  @ValueSource(strings = {"+", "/", "!", " ", "é"})
  void rejectsCharactersOutsideBase64UrlWith438(String bad) {
    String value = JWS.substring(0, 10) + bad + JWS.substring(11) + ";info=<" + X5U + ">;ppt=shaken";
    assertRejected(value, IdentityFailure.INVALID_IDENTITY, "outside base64url");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "a.b", "a.b.c.d", ".b.c", "a..c", "a.b."})
  void rejectsNonCompactSerializationWith438(String jws) {
    assertRejected(jws + ";info=<" + X5U + ">;ppt=shaken", IdentityFailure.INVALID_IDENTITY, "PASSporT");
  }

  @Test
  void rejectsDerOrTruncatedSignatureWith438() {
    String input = JWS.substring(0, JWS.lastIndexOf('.'));
    assertRejected(input + "." + b64(new byte[71]) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "64 bytes");
  }

  @Test
  void rejectsUnsupportedAlgorithmWith437() {
    String rs256 = "{\"alg\":\"RS256\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"" + X5U + "\"}";
    assertRejected(jws(rs256, CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.UNSUPPORTED_CREDENTIAL, "RS256");
    assertRejected(JWS + ";info=<" + X5U + ">;alg=ES384;ppt=shaken",
        IdentityFailure.UNSUPPORTED_CREDENTIAL, "ES384");
  }

  private static String headerWithAlg(String alg) {
    return "{\"alg\":\"" + alg + "\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"" + X5U + "\"}";
  }

  @Test
  void unsecuredPassportWithAlgNoneIs437NotAnEmptySignature() {
    String unsecured = b64(headerWithAlg("none")) + "." + b64(CLAIMS) + ".";
    assertRejected(unsecured + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.UNSUPPORTED_CREDENTIAL, "\"none\" is not supported");
  }

  @ParameterizedTest
  @ValueSource(ints = {32, 64, 96})
  void hmacPassportIs437WhateverItsSignatureLength(int signatureBytes) {
    String hs256 = b64(headerWithAlg("HS256")) + "." + b64(CLAIMS) + "." + b64(new byte[signatureBytes]);
    assertRejected(hs256 + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.UNSUPPORTED_CREDENTIAL, "\"HS256\" is not supported");
  }

  @Test
  void es384PassportWithItsNinetySixByteSignatureIs437() {
    String es384 = b64(headerWithAlg("ES384")) + "." + b64(CLAIMS) + "." + b64(new byte[96]);
    assertRejected(es384 + ";info=<" + X5U + ">;alg=ES384;ppt=shaken",
        IdentityFailure.UNSUPPORTED_CREDENTIAL, "\"ES384\" is not supported");
  }

  @Test
  void malformedPassportsStay438() {
    String noAlg = "{\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"" + X5U + "\"}";
    assertRejected(b64(noAlg) + "." + b64(CLAIMS) + "." + b64(new byte[64]) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "no alg");
    String numericAlg = "{\"alg\":256,\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"" + X5U + "\"}";
    assertRejected(b64(numericAlg) + "." + b64(CLAIMS) + "." + b64(new byte[64]) + ";info=<" + X5U
        + ">;ppt=shaken", IdentityFailure.INVALID_IDENTITY, "no alg");
    assertRejected(b64("{\"alg\":\"ES256\"") + "." + b64(CLAIMS) + "." + b64(new byte[64]) + ";info=<" + X5U
        + ">;ppt=shaken", IdentityFailure.INVALID_IDENTITY, "header is not a JSON object");
    // ES256 with anything but a 64-byte R||S signature, and an empty signature, stay malformed.
    assertRejected(b64(header("shaken")) + "." + b64(CLAIMS) + "." + b64(new byte[72]) + ";info=<" + X5U
        + ">;ppt=shaken", IdentityFailure.INVALID_IDENTITY, "64 bytes");
    assertRejected(b64(header("shaken")) + "." + b64(CLAIMS) + ".;info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "empty part");
  }

  private static String headerWithCrit(String crit, String extra) {
    return "{\"alg\":\"ES256\",\"crit\":" + crit + extra + ",\"ppt\":\"shaken\",\"typ\":\"passport\","
        + "\"x5u\":\"" + X5U + "\"}";
  }

  @Test
  void critNamingAnExtensionTheVerifierDoesNotUnderstandIs438() {
    String h = headerWithCrit("[\"exp\"]", ",\"exp\":1800000000");
    assertRejected(jws(h, CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "\"exp\", which this verifier does not understand");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"ppt\"", "[1]", "[\"ppt\",\"ppt\"]", "[\"alg\"]", "[\"x5u\"]",
      "[\"missing\"]"})
  void malformedCritIs438(String crit) {
    String h = headerWithCrit(crit, "");
    assertRejected(jws(h, CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "crit");
  }

  @Test
  void critNamingPptIsUnderstood() {
    String h = headerWithCrit("[\"ppt\"]", "");
    assertThat(parsed(jws(h, CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=shaken").ppt())
        .isEqualTo("shaken");
  }

  @Test
  void rejectsUnsupportedPptWith437() {
    assertRejected(jws(header("rph"), CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=rph",
        IdentityFailure.UNSUPPORTED_CREDENTIAL, "rph");
    String noPpt = "{\"alg\":\"ES256\",\"typ\":\"passport\",\"x5u\":\"" + X5U + "\"}";
    assertRejected(jws(noPpt, CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">",
        IdentityFailure.UNSUPPORTED_CREDENTIAL, "no ppt");
  }

  @Test
  void rejectsPptParameterMissingOrDifferentFromPassportWith438() {
    assertRejected(JWS + ";info=<" + X5U + ">;alg=ES256", IdentityFailure.INVALID_IDENTITY, "no ppt parameter");
    assertRejected(JWS + ";info=<" + X5U + ">;ppt=div", IdentityFailure.INVALID_IDENTITY, "differs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jwt", "JWT", ""})
  void rejectsWrongTypWith438(String typ) {
    String h = "{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"" + typ + "\",\"x5u\":\"" + X5U + "\"}";
    assertRejected(jws(h, CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "typ");
  }

  @Test
  void rejectsMissingOrBadInfoWith436() {
    assertRejected(JWS + ";alg=ES256;ppt=shaken", IdentityFailure.BAD_INFO, "no info");
    assertRejected(JWS, IdentityFailure.BAD_INFO, "no info");
    assertRejected(JWS + ";info=<not a uri>;ppt=shaken", IdentityFailure.BAD_INFO, "URI");
    assertRejected(JWS + ";info=<ftp://cert.example.net/sti.pem>;ppt=shaken", IdentityFailure.BAD_INFO, "URI");
    assertRejected(JWS + ";info=<https://other.example/sti.pem>;ppt=shaken", IdentityFailure.BAD_INFO, "differ");
    assertRejected(JWS + ";info=<" + X5U + ";ppt=shaken", IdentityFailure.BAD_INFO, "unterminated");
    String noX5u = "{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\"}";
    assertRejected(jws(noX5u, CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.BAD_INFO, "x5u");
  }

  @Test
  void rejectsMissingSemicolonBetweenParametersWith438() {
    assertRejected(JWS + ";info=<" + X5U + ">alg=ES256;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "missing ';'");
  }

  @Test
  void rejectsDuplicateParametersAndJsonKeysWith438() {
    assertRejected(JWS + ";info=<" + X5U + ">;info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "duplicate info");
    String dup = "{\"alg\":\"ES256\",\"alg\":\"none\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"" + X5U + "\"}";
    assertRejected(jws(dup, CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "JSON object");
  }

  @Test
  void rejectsNonJsonOrNonObjectPartsWith438() {
    assertRejected(jws("[1,2]", CLAIMS, KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "header is not a JSON object");
    assertRejected(jws(header("shaken"), "not json", KEYS.getPrivate()) + ";info=<" + X5U + ">;ppt=shaken",
        IdentityFailure.INVALID_IDENTITY, "payload is not a JSON object");
  }

  @Test
  void rejectsOverlongValueUnscannedWith438() {
    assertRejected("a".repeat(IdentityHeader.MAX_LENGTH + 1), IdentityFailure.INVALID_IDENTITY, "longer");
  }
}
