package org.sipscreen.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shed/not-shed decision from a fake lag source and the count of waiting checks, on a fake clock:
 * sustained lag starts shedding, one pause does not, and the hysteresis holds shedding until the lag is low
 * and the minimum time has passed.
 */
class OverloadControlTest {

  static final OverloadPolicy POLICY = new OverloadPolicy(Duration.ofMillis(200), Duration.ofMillis(50), 10,
      Duration.ofSeconds(5), Duration.ofSeconds(7), 100);
  static final long PROBE = TimeUnit.MILLISECONDS.toNanos(50);

  final OverloadControl control = OverloadControl.off();
  long now = TimeUnit.SECONDS.toNanos(100);

  OverloadControlTest() {
    control.apply(Optional.of(POLICY));
  }

  /** Probe readings of {@code lagMillis} every 50 ms for {@code millis}. */
  void lag(long lagMillis, long millis) {
    for (long t = 0; t < millis; t += 50) {
      now += PROBE;
      control.observeLag(TimeUnit.MILLISECONDS.toNanos(lagMillis), now);
    }
  }

  @Test
  void doesNotShedWhileTheLoopsKeepUp() {
    lag(2, 10_000);
    assertThat(control.shedding()).isFalse();
    assertThat(control.lagSeconds()).isBetween(0.0019, 0.0021);
  }

  @Test
  void shedsWhenTheLagStaysOverTheHighMark() {
    lag(1, 1000);
    lag(400, 500);
    assertThat(control.shedding()).as("half a second of 400 ms lag: smoothed 157 ms").isFalse();
    lag(400, 500);
    assertThat(control.shedding()).as("a second of 400 ms lag: smoothed 253 ms").isTrue();
    assertThat(control.episodes()).isEqualTo(1);
  }

  @Test
  void oneGcPauseDoesNotStartShedding() {
    lag(1, 1000);
    now += TimeUnit.MILLISECONDS.toNanos(300);
    control.observeLag(TimeUnit.MILLISECONDS.toNanos(300), now);
    lag(1, 5000);
    assertThat(control.shedding()).isFalse();
    assertThat(control.episodes()).isZero();
  }

  @Test
  void keepsSheddingWhileTheLagIsBetweenTheMarksAndUntilTheMinimumTimeHasPassed() {
    lag(1000, 1000);
    assertThat(control.shedding()).isTrue();
    lag(100, 20_000);
    assertThat(control.shedding()).as("100 ms is under lag_high but over lag_low").isTrue();
    lag(1, 5000);
    assertThat(control.shedding()).isFalse();
    assertThat(control.episodes()).isEqualTo(1);

    lag(1, 6000);
    lag(1000, 1000);
    assertThat(control.shedding()).isTrue();
    lag(0, 3000);
    assertThat(control.lagSeconds()).isLessThan(0.05);
    assertThat(control.shedding()).as("low lag, but not yet min_shed since it started").isTrue();
    lag(0, 2000);
    assertThat(control.shedding()).isFalse();
    assertThat(control.episodes()).isEqualTo(2);
  }

  @Test
  void shedsWhileTooManyInvitesWaitForAnAsynchronousCheck() {
    for (int i = 0; i < 10; i++) {
      control.checkStarted();
    }
    lag(1, 50);
    assertThat(control.shedding()).isTrue();
    for (int i = 0; i < 5; i++) {
      control.checkFinished();
    }
    lag(1, 10_000);
    assertThat(control.shedding()).as("5 waiting is not under half of 10").isTrue();
    control.checkFinished();
    lag(1, 50);
    assertThat(control.shedding()).isFalse();
    assertThat(control.pendingChecks()).isEqualTo(4);
  }

  @Test
  void shedsWhileTheKernelDropsDatagramsOnTheSipSocketsEvenWithoutLag() {
    control.observeUdpDrops(1000, now);
    lag(1, 1000);
    now += TimeUnit.MILLISECONDS.toNanos(250);
    control.observeUdpDrops(1010, now);
    assertThat(control.shedding()).as("40 a second is under max_udp_drops 100").isFalse();
    now += TimeUnit.MILLISECONDS.toNanos(250);
    control.observeUdpDrops(1060, now);
    assertThat(control.shedding()).as("200 a second").isTrue();
    assertThat(control.udpDrops()).isEqualTo(60);
    now += TimeUnit.MILLISECONDS.toNanos(250);
    control.observeUdpDrops(1061, now);
    lag(1, 10_000);
    assertThat(control.shedding()).as("still dropping, though less").isTrue();
    now += TimeUnit.MILLISECONDS.toNanos(250);
    control.observeUdpDrops(1061, now);
    lag(1, 50);
    assertThat(control.shedding()).isFalse();
  }

  @Test
  void sheddingThatRestartsRightAfterItEndedHoldsTwiceAsLongUpTo16TimesMinShed() {
    long[] held = new long[7];
    for (int episode = 0; episode < held.length; episode++) {
      now += PROBE;
      control.observeUdpDrops(1000L * episode, now);
      now += PROBE;
      control.observeUdpDrops(1000L * episode + 500, now);
      assertThat(control.shedding()).isTrue();
      long started = now;
      for (int i = 0; i < 10_000 && control.shedding(); i++) {
        now += PROBE;
        control.observeUdpDrops(1000L * episode + 500, now);
      }
      held[episode] = Math.round((now - started) / 1e9);
    }
    assertThat(held).containsExactly(5, 10, 20, 40, 80, 80, 80);

    for (int i = 0; i < 120; i++) { // six quiet seconds: no drops, no lag
      now += PROBE;
      control.observeUdpDrops(6500, now);
    }
    assertThat(control.shedding()).isFalse();
    now += PROBE;
    control.observeUdpDrops(7000, now);
    assertThat(control.shedding()).isTrue();
    long started = now;
    for (int i = 0; i < 2000 && control.shedding(); i++) {
      now += PROBE;
      control.observeUdpDrops(7000, now);
    }
    assertThat(Math.round((now - started) / 1e9)).as("quiet for min_shed: back to min_shed")
        .isEqualTo(5);
  }

  @Test
  void neverShedsWithoutAPolicyAndTurningItOffEndsShedding() {
    lag(1000, 1000);
    assertThat(control.shedding()).isTrue();
    control.apply(Optional.empty());
    assertThat(control.shedding()).isFalse();
    lag(1000, 5000);
    assertThat(control.shedding()).isFalse();
    assertThat(control.lagSeconds()).as("still measured").isGreaterThan(0.9);
  }

  @Test
  void retryAfterIsWholeSecondsAndTheMarksMustBeOrdered() {
    assertThat(POLICY.retryAfterSeconds()).isEqualTo(7);
    assertThatThrownBy(() -> new OverloadPolicy(Duration.ofMillis(50), Duration.ofMillis(50), 10,
        Duration.ofSeconds(5), Duration.ofSeconds(7), 100)).hasMessageContaining("lag_low must be below lag_high");
  }
}
