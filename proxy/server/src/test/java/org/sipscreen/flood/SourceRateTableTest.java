package org.sipscreen.flood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sipscreen.testkit.ManualTime;

class SourceRateTableTest {

  final ManualTime time = new ManualTime();
  static final InetAddress A = address("192.0.2.1");
  static final InetAddress B = address("192.0.2.2");

  static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  SourceRateTable table(int limit) {
    return new SourceRateTable(Duration.ofSeconds(1), 1024, a -> limit, time.read());
  }

  /** How many requests of {@code source} pass before one is over the limit (at most {@code max}). */
  static int passing(SourceRateTable t, InetAddress source, ManualTime time, int max) {
    for (int i = 0; i < max; i++) {
      if (t.countAndCheck(SourceKey.of(source), source, time.read())) {
        return i;
      }
    }
    return max;
  }

  @Test
  void aSourceMaySendItsLimitInOneWindowAndNoMore() {
    SourceRateTable t = table(10);
    assertThat(passing(t, A, time, 100)).isEqualTo(10);
  }

  @Test
  void eachSourceIsCountedOnItsOwn() {
    SourceRateTable t = table(10);
    passing(t, A, time, 100);
    assertThat(passing(t, B, time, 100)).isEqualTo(10);
  }

  @Test
  void theWindowSlides_aSteadyRateBelowTheLimitPasses() {
    SourceRateTable t = table(10);
    // 8 per second, one every 125 ms, for a minute: never over (the estimate is within one request).
    for (int i = 0; i < 480; i++) {
      assertThat(t.countAndCheck(SourceKey.of(A), A, time.read())).as("request %d", i).isFalse();
      time.advanceMillis(125);
    }
  }

  @Test
  void theWindowSlides_aSteadyRateAboveTheLimitIsOver() {
    SourceRateTable t = table(10);
    // 12 per second, evenly spread: over within the second window.
    int over = -1;
    for (int i = 0; i < 48 && over < 0; i++) {
      over = t.countAndCheck(SourceKey.of(A), A, time.read()) ? i : -1;
      time.advanceMillis(83);
    }
    assertThat(over).isBetween(10, 24);
  }

  @Test
  void theWindowSlides_theLastWindowStillCountsPartly() {
    SourceRateTable t = table(10);
    assertThat(passing(t, A, time, 10)).isEqualTo(10);
    time.advanceMillis(1_500); // half-way through the next window: the last one counts 5
    assertThat(passing(t, A, time, 100)).isEqualTo(5);
    time.advanceMillis(2_000); // two windows later nothing is left
    assertThat(passing(t, A, time, 100)).isEqualTo(10);
  }

  @Test
  void aSourceLimitIsAskedOnceWhenItTakesASlot() {
    AtomicInteger asked = new AtomicInteger();
    SourceRateTable t = new SourceRateTable(Duration.ofSeconds(1), 1024, a -> {
      asked.incrementAndGet();
      return a.equals(A) ? 3 : 50;
    }, time.read());
    assertThat(passing(t, A, time, 100)).isEqualTo(3);
    assertThat(passing(t, B, time, 100)).isEqualTo(50);
    assertThat(asked).hasValue(2);
  }

  @Test
  void aFloodOfNewSourcesEvictsIdleOnesNotTheBusyOne() {
    SourceRateTable t = new SourceRateTable(Duration.ofSeconds(1), 64, a -> 10, time.read());
    assertThat(passing(t, A, time, 9)).isEqualTo(9); // A has sent 9 of its 10
    for (int i = 0; i < 10_000; i++) {
      InetAddress spoofed = address("10." + (i >> 16) + "." + (i >> 8 & 255) + "." + (i & 255));
      t.countAndCheck(SourceKey.of(spoofed), spoofed, time.read());
    }
    assertThat(passing(t, A, time, 100)).as("A's count survived 10,000 new sources").isEqualTo(1);
    assertThat(t.capacity()).isEqualTo(64);
    assertThat(t.bytes()).isEqualTo(64 * 24);
  }

  @Test
  void countsOnlyRecentSourcesAsActive() {
    SourceRateTable t = table(10);
    t.countAndCheck(SourceKey.of(A), A, time.read());
    time.advanceMillis(1_000);
    t.countAndCheck(SourceKey.of(B), B, time.read());
    assertThat(t.active(time.read())).isEqualTo(2);
    time.advanceMillis(1_000);
    assertThat(t.active(time.read())).isEqualTo(1);
    time.advanceMillis(1_000);
    assertThat(t.active(time.read())).isZero();
  }

  @Test
  void refusesAWindowShorterThan100msAndABadCapacity() {
    assertThatThrownBy(() -> new SourceRateTable(Duration.ofMillis(50), 1024, a -> 1, 0))
        .hasMessage("window must be at least 100ms, was PT0.05S");
    assertThatThrownBy(() -> new SourceRateTable(Duration.ofSeconds(1), 0, a -> 1, 0))
        .hasMessageStartingWith("capacity must be 1-");
  }
}
