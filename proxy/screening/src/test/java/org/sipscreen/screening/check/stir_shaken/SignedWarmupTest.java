package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.check.stir_shaken.StirShakenSettings.OnFailure;

class SignedWarmupTest {

  private static StirShakenSettings settings(OnFailure onFailure) {
    return new StirShakenSettings(Duration.ofMillis(200), onFailure, Map.of());
  }

  @Test
  void verifiesEverySignedInviteItPlays() {
    assertThat(SignedWarmup.run(settings(OnFailure.TAG), 100, 60_000)).isEqualTo(100);
  }

  @Test
  void passesWhenFailuresAreRejected() {
    assertThat(SignedWarmup.run(settings(OnFailure.REJECT), 10, 60_000)).isEqualTo(10);
  }

  @Test
  void playsNothingWhenGivenNoCalls() {
    assertThat(SignedWarmup.run(settings(OnFailure.TAG), 0, 60_000)).isZero();
  }

  @Test
  void selfSignedCertificateCarriesTheKeyAndVerifiesWithIt() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    Clock clock = Clock.fixed(Instant.parse("2026-12-04T18:00:00Z"), ZoneOffset.UTC);

    var certificate = SignedWarmup.selfSigned(keys, clock);

    assertThat(certificate.getPublicKey()).isEqualTo(keys.getPublic());
    certificate.verify(keys.getPublic());
    certificate.checkValidity(java.util.Date.from(clock.instant()));
    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=sipscreen warm-up");
  }
}
