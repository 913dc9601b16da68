package org.sipscreen.screening.check.velocity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlidingWindowCounterTest {

  private static final long SECOND = 1_000_000_000L;

  private final SlidingWindows windows =
      new SlidingWindows(List.of(Duration.ofSeconds(1), Duration.ofSeconds(10)));

  @Test
  void neverCountsAnEventOlderThanTheWindow() {
    SlidingWindowCounter counter = windows.newCounter();
    counter.record(5 * SECOND);
    assertThat(counter.count(0, 5 * SECOND)).isEqualTo(1);
    assertThat(counter.count(0, 6 * SECOND)).isZero();
    assertThat(counter.count(1, 15 * SECOND - 1)).isEqualTo(1);
    assertThat(counter.count(1, 15 * SECOND)).isZero();
  }

  @Test
  void countsEveryEventUpToNineTenthsOfTheWindowOld() {
    SlidingWindowCounter counter = windows.newCounter();
    long late = 5 * SECOND + SECOND / 10 - 1; // last nanosecond of a 100 ms sub-bucket: the worst case
    counter.record(late);
    assertThat(counter.count(0, late + 9 * SECOND / 10)).isEqualTo(1);
    assertThat(counter.count(0, late + 9 * SECOND / 10 + 1)).isZero();
    long early = 7 * SECOND; // first nanosecond of a sub-bucket: the best case, counted for the full window
    counter.record(early);
    assertThat(counter.count(0, early + SECOND - 1)).isEqualTo(1);
  }

  @Test
  void reusesASlotFromAnEarlierLapOfTheRing() {
    SlidingWindowCounter counter = windows.newCounter();
    counter.record(0);
    counter.record(0);
    counter.record(SECOND); // same slot, next lap
    assertThat(counter.count(0, SECOND)).isEqualTo(1);
    assertThat(counter.count(1, SECOND)).isEqualTo(3);
  }

  @Test
  void dropsAnEventThatArrivesALapLate() {
    SlidingWindowCounter counter = windows.newCounter();
    counter.record(SECOND);
    counter.record(0); // recorded late by a slow thread; already outside the 1 s window
    assertThat(counter.count(0, SECOND)).isEqualTo(1);
    assertThat(counter.count(1, SECOND)).isEqualTo(2);
  }

  @Test
  void rejectsWindowsShorterThan100Milliseconds() {
    assertThatThrownBy(() -> new SlidingWindows(List.of(Duration.ofMillis(99))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a sliding window must be at least 100 ms, was PT0.099S");
    assertThatThrownBy(() -> new SlidingWindows(List.of()))
        .hasMessage("sliding windows need at least one window");
  }
}
