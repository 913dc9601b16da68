package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sipscreen.testkit.Corpus;

/**
 * The third-party vectors in ../shared/corpus/shaken (see its SOURCES.md). They stay outside the
 * repository: without the shared corpus these tests are skipped, with the reason (see {@link Corpus}).
 */
class ShakenCorpusTest {

  /** The libstirshaken vector's iat (2020-10-23T13:02:11Z), 10 s later. */
  private static final Instant LIBSTIRSHAKEN_NOW = Instant.ofEpochSecond(1603458131L + 10);

  /** The shared corpus's shaken folder; skips the test when it is not there. */
  private static Path shaken() {
    return Corpus.folder("shaken");
  }

  private static String read(String file) throws IOException {
    Path path = shaken().resolve(file);
    assertThat(path).as("corpus file (set -Dsipscreen.corpus)").exists();
    return Files.readString(path, StandardCharsets.UTF_8);
  }

  private static X509Certificate certificate(String file) throws IOException, GeneralSecurityException {
    read(file);
    try (InputStream in = Files.newInputStream(shaken().resolve(file))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static IdentityHeader parsed(String value) {
    IdentityParseResult result = IdentityHeader.parse(value);
    assertThat(result).isInstanceOf(IdentityHeader.class);
    return (IdentityHeader) result;
  }

  @Test
  void libstirshakenIdentityHeaderSignatureVerifiesWithItsCertificateOnly() throws Exception {
    IdentityHeader identity = parsed(read("libstirshaken/identity_header_value.txt").strip());

    assertThat(identity.info()).isEqualTo("http://shaken.signalwire.cloud/sp.pem");
    assertThat(PassportVerifier.signatureValid(identity, certificate("libstirshaken/sp.pem").getPublicKey()))
        .isTrue();
    assertThat(PassportVerifier.signatureValid(identity,
        certificate("libstirshaken/wrongsp.pem").getPublicKey())).isFalse();
  }

  @Test
  void libstirshakenBareJwsSignatureVerifies() throws Exception {
    String jws = read("libstirshaken/passport_jws_1.txt").strip();
    IdentityHeader identity =
        parsed(jws + ";info=<http://shaken.signalwire.cloud/sp.pem>;alg=ES256;ppt=shaken");

    assertThat(PassportVerifier.signatureValid(identity, certificate("libstirshaken/sp.pem").getPublicKey()))
        .isTrue();
  }

  /**
   * libstirshaken's sp.pem validates against its CA at the pinned time. Its TNAuthList extension holds a
   * bare IA5String (a URL, {@code ca.shaken.signalwire.cloud/sti-ca/acme/TNAuthList}), a list by reference
   * rather than the RFC 8226 SEQUENCE OF TNEntry: sipscreen does not fetch it, so it constrains no number.
   * wrongsp.pem is rejected by PKIX (another issuer).
   */
  @Test
  void libstirshakenChainValidatesAgainstItsCaAtThePinnedTime() throws Exception {
    CertificateChainValidator validator = new CertificateChainValidator(
        List.of(certificate("libstirshaken/ca.pem")), Clock.fixed(LIBSTIRSHAKEN_NOW, ZoneOffset.UTC));

    assertThat(validator.validate(List.of(certificate("libstirshaken/sp.pem"))))
        .isInstanceOfSatisfying(ChainResult.Trusted.class, t -> {
          assertThat(t.hasTnAuthList()).isTrue();
          assertThat(t.tnAuthList()).isEqualTo(TnAuthList.BY_REFERENCE);
        });
    assertThat(validator.validate(List.of(certificate("libstirshaken/wrongsp.pem"))))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.detail()).contains("does not validate"));
  }

  /**
   * libstirshaken encodes orig and dest as JSON strings holding JSON ({@code "orig":"{\"tn\":...}"}), not
   * the objects RFC 8225 section 5.2.1 requires: sipscreen rejects the PASSporT as 438 even though the
   * signature is good and the numbers would match. (Its national UK-style numbers, 01256..., would also need
   * the request to carry the same digits: the comparison is digit-for-digit after RFC 8224 section 8.3.)
   */
  @Test
  void libstirshakenStringEncodedOrigAndDestAreRejectedWith438() throws Exception {
    IdentityHeader identity = parsed(read("libstirshaken/identity_header_value.txt").strip());
    PassportVerifier verifier = new PassportVerifier(Clock.fixed(LIBSTIRSHAKEN_NOW, ZoneOffset.UTC));

    VerificationResult result =
        verifier.verify(identity, certificate("libstirshaken/sp.pem"), "01256789999", "01256500600");

    assertThat(result).isInstanceOfSatisfying(Rejection.class, r -> {
      assertThat(r.failure()).isEqualTo(IdentityFailure.INVALID_IDENTITY);
      assertThat(r.detail()).contains("orig claim must be an object");
    });
  }

  @Test
  void libstirshakenVectorIsStaleWithARealClock() throws Exception {
    IdentityHeader identity = parsed(read("libstirshaken/identity_header_value.txt").strip());
    VerificationResult result = new PassportVerifier(Clock.systemUTC())
        .verify(identity, certificate("libstirshaken/sp.pem"), "01256789999", "01256500600");
    // Claims shape is checked before freshness, so the string-encoded orig wins over the stale iat.
    assertThat(result).isInstanceOfSatisfying(Rejection.class,
        r -> assertThat(r.sipStatus()).isEqualTo(438));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "send-invite_2020-07_4b09fbd.xml:padding",
    "send-invite_2021-05_123c19c.xml:padding",
    "send-invite_2021-05_f73e388.xml:must be 64 bytes"
  })
  void asteriskTestsuiteIdentityHeadersAreRejectedWith438(String fileAndReason) throws Exception {
    String[] parts = fileAndReason.split(":", 2);
    String xml = read("asterisk-testsuite-legacy/" + parts[0]);
    Matcher identity = Pattern.compile("(?m)^\\s*Identity:\\s*(\\S+)\\s*$").matcher(xml);
    assertThat(identity.find()).as("Identity line in " + parts[0]).isTrue();

    IdentityParseResult result = IdentityHeader.parse(identity.group(1));

    assertThat(result).isInstanceOfSatisfying(Rejection.class, r -> {
      assertThat(r.failure()).isEqualTo(IdentityFailure.INVALID_IDENTITY);
      assertThat(r.sipStatus()).isEqualTo(438);
      assertThat(r.detail()).contains(parts[1]);
    });
  }
}
