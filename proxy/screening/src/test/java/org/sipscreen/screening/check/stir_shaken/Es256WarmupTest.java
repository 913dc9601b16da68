package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Es256WarmupTest {

  @Test
  void verifiesItsOwnSignatureEachTime() {
    assertThat(Es256Warmup.run(20)).isEqualTo(20);
    assertThat(Es256Warmup.run(0)).isZero();
  }
}
