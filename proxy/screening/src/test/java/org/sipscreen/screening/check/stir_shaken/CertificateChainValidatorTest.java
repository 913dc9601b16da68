package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sipscreen.testkit.TestPki.NOW;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipscreen.testkit.TestPki;

class CertificateChainValidatorTest {

  private static final TestPki PKI = new TestPki("STI-CA Test");
  private static final TestPki ROGUE = new TestPki("STI-CA Test");
  private final CertificateChainValidator validator =
      new CertificateChainValidator(List.of(PKI.ca), Clock.fixed(NOW, ZoneOffset.UTC));

  private static KeyPair keys() {
    try {
      return TestPki.p256();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertUnsupported(ChainResult result, String detail) {
    assertThat(result).isInstanceOfSatisfying(Rejection.class, r -> {
      assertThat(r.failure()).isEqualTo(IdentityFailure.UNSUPPORTED_CREDENTIAL);
      assertThat(r.sipStatus()).isEqualTo(437);
      assertThat(r.detail()).contains(detail);
    });
  }

  @Test
  void trustsCertificateIssuedByAnchorAndNotesTnAuthList() {
    X509Certificate leaf = PKI.issue(keys(), NOW.minusSeconds(60), NOW.plusSeconds(3600));

    assertThat(validator.validate(List.of(leaf))).isInstanceOfSatisfying(ChainResult.Trusted.class, t -> {
      assertThat(t.leaf()).isSameAs(leaf);
      assertThat(t.hasTnAuthList()).isTrue();
    });
    assertThat(validator.validate(List.of(leaf, PKI.ca))).isInstanceOf(ChainResult.Trusted.class);
  }

  @Test
  void rejectsExpiredCertificateWith437() {
    X509Certificate expired = PKI.issue(keys(), NOW.minusSeconds(7200), NOW.minusSeconds(1));
    assertUnsupported(validator.validate(List.of(expired)), "expired");
  }

  @Test
  void rejectsNotYetValidCertificateWith437() {
    X509Certificate future = PKI.issue(keys(), NOW.plusSeconds(1), NOW.plusSeconds(7200));
    assertUnsupported(validator.validate(List.of(future)), "not yet valid");
  }

  @Test
  void rejectsCertificateFromUntrustedCaWith437EvenWithTheSameName() {
    X509Certificate rogue = ROGUE.issue(keys(), NOW.minusSeconds(60), NOW.plusSeconds(3600));
    assertUnsupported(validator.validate(List.of(rogue)), "does not validate");
    assertUnsupported(validator.validate(List.of(rogue, ROGUE.ca)), "does not validate");
  }

  @Test
  void validatesAtTheInjectedClocksTime() {
    X509Certificate leaf = PKI.issue(keys(), NOW.minusSeconds(60), NOW.plusSeconds(3600));
    CertificateChainValidator later = new CertificateChainValidator(List.of(PKI.ca),
        Clock.fixed(NOW.plusSeconds(3601), ZoneOffset.UTC));
    assertUnsupported(later.validate(List.of(leaf)), "expired");
  }

  @Test
  void emptyChainIs436AndNoAnchorsIsAConfigurationError() {
    assertThat(validator.validate(List.of())).isInstanceOfSatisfying(Rejection.class,
        r -> assertThat(r.failure()).isEqualTo(IdentityFailure.BAD_INFO));
    assertThatThrownBy(() -> new CertificateChainValidator(List.of(), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one trust anchor is required");
  }
}
