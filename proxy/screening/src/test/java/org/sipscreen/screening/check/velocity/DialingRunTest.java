package org.sipscreen.screening.check.velocity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DialingRunTest {

  private static final long SECOND = 1_000_000_000L;
  private final SequentialDialing threeInTenSeconds = new SequentialDialing(3, Duration.ofSeconds(10), 1);

  @Test
  void flagsTheCallThatCompletesTheRun() {
    DialingRun run = new DialingRun(5);
    assertThat(run.record(12025550100L, 0, threeInTenSeconds)).isFalse();
    assertThat(run.record(12025550101L, SECOND, threeInTenSeconds)).isFalse();
    assertThat(run.record(12025550102L, 2 * SECOND, threeInTenSeconds)).isTrue();
    assertThat(run.length()).isEqualTo(3);
  }

  @Test
  void repeatedLowerOrMissingNumberStartsANewRun() {
    DialingRun run = new DialingRun(3);
    run.record(12025550100L, 0, threeInTenSeconds);
    run.record(12025550101L, 0, threeInTenSeconds);
    assertThat(run.record(12025550101L, 0, threeInTenSeconds)).isFalse();
    assertThat(run.length()).isEqualTo(1);
    run.record(12025550102L, 0, threeInTenSeconds);
    assertThat(run.record(-1, 0, threeInTenSeconds)).isFalse();
    assertThat(run.length()).isZero();
    assertThat(run.record(12025550103L, 0, threeInTenSeconds)).isFalse();
    assertThat(run.length()).isEqualTo(1);
  }

  @Test
  void judgesOnlyTheLatestCallsOfALongRunAgainstTheWindow() {
    DialingRun run = new DialingRun(3);
    long[] times = {0, 20, 21, 22}; // seconds: the run starts slowly, then speeds up
    boolean[] flagged = new boolean[times.length];
    for (int i = 0; i < times.length; i++) {
      flagged[i] = run.record(12025550100L + i, times[i] * SECOND, threeInTenSeconds);
    }
    assertThat(flagged).containsExactly(false, false, false, true);
  }
}
