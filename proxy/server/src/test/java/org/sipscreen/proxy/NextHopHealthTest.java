package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Up and down with hysteresis: one lost probe does not take a hop down, one answer does not bring it back. */
class NextHopHealthTest {

  final NextHopHealth health = new NextHopHealth();
  final NextHopSet.Probing probing = new NextHopSet.Probing(1000, 500, 3, 2);
  final NextHop hop = NextHopSetTest.hop(5070);

  @Test
  void aHopNeverProbedIsUp() {
    assertThat(health.isUp(hop)).isTrue();
    assertThat(health.state(hop)).isEmpty();
  }

  @Test
  void goesDownAfterConsecutiveFailuresOnly() {
    assertThat(health.record(hop, false, "timeout", probing, 1)).isFalse();
    assertThat(health.record(hop, false, "timeout", probing, 2)).isFalse();
    assertThat(health.record(hop, true, "ok", probing, 3)).isFalse(); // the run of failures starts again
    assertThat(health.record(hop, false, "timeout", probing, 4)).isFalse();
    assertThat(health.record(hop, false, "unavailable", probing, 5)).isFalse();
    assertThat(health.isUp(hop)).isTrue();
    assertThat(health.record(hop, false, "timeout", probing, 6)).isTrue();
    assertThat(health.isUp(hop)).isFalse();
    assertThat(health.state(hop).orElseThrow())
        .isEqualTo(new NextHopHealth.State(false, 3, 0, "timeout", 6));
  }

  @Test
  void comesBackAfterConsecutiveSuccessesOnly() {
    for (int i = 0; i < 3; i++) {
      health.record(hop, false, "timeout", probing, i);
    }
    assertThat(health.record(hop, true, "ok", probing, 10)).isFalse();
    assertThat(health.record(hop, false, "unavailable", probing, 11)).isFalse();
    assertThat(health.record(hop, true, "ok", probing, 12)).isFalse();
    assertThat(health.isUp(hop)).isFalse();
    assertThat(health.record(hop, true, "ok", probing, 13)).isTrue();
    assertThat(health.isUp(hop)).isTrue();
  }

  @Test
  void forgetsHopsAReloadRemoved() {
    for (int i = 0; i < 3; i++) {
      health.record(hop, false, "timeout", probing, i);
    }
    health.retain(List.of(NextHopSetTest.hop(5071)));
    assertThat(health.isUp(hop)).isTrue();
  }
}
