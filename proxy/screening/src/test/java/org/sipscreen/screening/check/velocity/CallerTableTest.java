package org.sipscreen.screening.check.velocity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CallerTableTest {

  private static final long MS = 1_000_000L;
  private static final long SECOND = 1000 * MS;
  private static final List<Duration> WINDOWS =
      List.of(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofHours(1));
  private static final Duration RUN_WINDOW = Duration.ofSeconds(10);
  private static final SequentialDialing RULE = new SequentialDialing(4, RUN_WINDOW, 2);

  private static CallerTable table(int[] limits, long capacity) {
    return new CallerTable(WINDOWS, limits, List.of(RUN_WINDOW), RULE.count(), capacity, Duration.ofHours(1));
  }

  /** What one caller has in the exact model: the counters and run the check used before. */
  private static final class Reference {
    final SlidingWindowCounter counter = new SlidingWindows(WINDOWS).newCounter();
    final DialingRun run = new DialingRun(RULE.count());
    final ArrayDeque<Long> runTimes = new ArrayDeque<>(); // times of the current run's calls
    long lastCalled = -1;
    long lastAccess;
  }

  @Test
  void judgesEveryCallAsTheExactCountersAndRunDo() {
    int[] limits = {3, 40, 600};
    CallerTable table = table(limits, 10_000);
    Map<Long, Reference> model = new HashMap<>();
    SplittableRandom random = new SplittableRandom(20261204L);
    long now = 5 * SECOND;
    int[] flaggedWindows = new int[3];
    int flaggedRuns = 0;
    int runsWithinBound = 0;
    for (int i = 0; i < 200_000; i++) {
      long caller = 12_025_550_100L + random.nextInt(4);
      int gap = random.nextInt(1000);
      now += gap < 850 ? random.nextInt(200) * MS : gap < 999 ? random.nextInt(5_000) * MS
          : random.nextInt(4_000) * SECOND;
      Reference ref = model.get(caller);
      if (ref == null || now - ref.lastAccess >= Duration.ofHours(1).toNanos()) {
        ref = new Reference();
        model.put(caller, ref);
      }
      ref.lastAccess = now;
      long called = random.nextInt(10) < 8 && ref.lastCalled >= 0
          ? ref.lastCalled + 1 + random.nextInt(2) : 13_015_550_000L + random.nextInt(1000);
      if (random.nextInt(50) == 0) {
        called = -1; // no E.164 called number
      }

      ref.counter.record(now);
      boolean extends_ = called >= 0 && ref.lastCalled >= 0 && called - ref.lastCalled >= 1
          && called - ref.lastCalled <= RULE.maxStep() && !ref.runTimes.isEmpty();
      if (!extends_) {
        ref.runTimes.clear();
      }
      if (called >= 0) {
        ref.runTimes.addLast(now);
      }
      ref.lastCalled = called;
      boolean refSequential = ref.run.record(called, now, RULE);

      int verdict = table.record(caller, now, called, limits, RULE);

      for (int w = 0; w < 3; w++) {
        long exact = ref.counter.count(w, now);
        assertThat((verdict & 1 << w) != 0).as("window %d at call %d", w, i).isEqualTo(exact > limits[w]);
        long count = table.count(caller, w, now);
        assertThat(count).as("count of window %d at call %d", w, i).isLessThanOrEqualTo(exact);
        if (exact <= limits[w]) {
          assertThat(count).as("count of window %d at call %d", w, i).isEqualTo(exact);
        } else {
          flaggedWindows[w]++;
        }
      }
      boolean sequential = (verdict & CallerTable.SEQUENTIAL_BIT) != 0;
      if (sequential) {
        assertThat(refSequential).as("a run flagged at call %d is one the exact run flags", i).isTrue();
        flaggedRuns++;
      } else if (refSequential) {
        // Missed only when the run's oldest judged call lies in the window's oldest tenth.
        long[] times = ref.runTimes.stream().mapToLong(Long::longValue).toArray();
        long first = times[times.length - RULE.count()];
        assertThat(now - first).as("span of a missed run at call %d", i)
            .isGreaterThan(RUN_WINDOW.toNanos() * 9 / 10);
        runsWithinBound++;
      }
    }
    assertThat(java.util.Arrays.stream(flaggedWindows).min().orElseThrow()).isGreaterThan(100); // limits were exceeded often enough to matter
    assertThat(flaggedRuns).isGreaterThan(1000);
    assertThat(runsWithinBound).isLessThan(flaggedRuns / 10);
  }

  @Test
  void countSaturatesAtTheLargestLimitPlusOne() {
    CallerTable table = table(new int[] {5, 60, 1000}, 100);
    for (int i = 0; i < 50; i++) {
      table.record(12025550123L, SECOND, -1, new int[] {5, 60, 1000}, null);
    }
    assertThat(table.count(12025550123L, 0, SECOND)).isEqualTo(6);
    assertThat(table.count(12025550123L, 1, SECOND)).isEqualTo(50);
    assertThat(table.count(12025550124L, 1, SECOND)).isZero();
  }

  @Test
  void flagsARunSpanningJustUnderItsWindowAndNotOneJustOver() {
    CallerTable table = table(new int[] {1000, 1000, 1000}, 100);
    int[] noLimits = {0, 0, 0};
    long[] fast = {0, 3_000, 6_000, 9_999}; // ms: the fourth call 9.999 s after the first
    long[] slow = {20_000, 23_000, 26_000, 30_001}; // 10.001 s
    int[] flagged = new int[2];
    for (int i = 0; i < 4; i++) {
      if ((table.record(1L, SECOND + fast[i] * MS, 100 + i, noLimits, RULE)
          & CallerTable.SEQUENTIAL_BIT) != 0) {
        flagged[0]++;
      }
      if ((table.record(2L, SECOND + slow[i] * MS, 100 + i, noLimits, RULE)
          & CallerTable.SEQUENTIAL_BIT) != 0) {
        flagged[1]++;
      }
    }
    assertThat(flagged).containsExactly(1, 0);
  }

  @Test
  void aFullSetGivesTheLeastRecentlyCalledNumbersPlaceToANewOne() {
    int[] limits = {10, 100, 1000};
    CallerTable table = table(limits, CallerTable.WAYS); // one set
    for (long n = 1; n <= CallerTable.WAYS; n++) {
      table.record(n, n * SECOND, -1, limits, null);
    }
    table.record(1, 20 * SECOND, -1, limits, null); // number 1 called again: number 2 is now the oldest
    table.record(100, 21 * SECOND, -1, limits, null);
    assertThat(table.size(21 * SECOND)).isEqualTo(CallerTable.WAYS);
    assertThat(table.count(1, 2, 21 * SECOND)).isEqualTo(2);
    assertThat(table.count(2, 2, 21 * SECOND)).isZero();
    assertThat(table.count(100, 2, 21 * SECOND)).isEqualTo(1);
  }

  @Test
  void neverTracksMoreNumbersThanItsCapacity() {
    int[] limits = {10, 100, 1000};
    CallerTable table = table(limits, 1001);
    for (long n = 0; n < 50_000; n++) {
      table.record(12_020_000_000L + n * 7919, SECOND + n * MS, -1, limits, null);
    }
    assertThat(table.size(SECOND + 50_000 * MS)).isLessThanOrEqualTo(1001).isGreaterThan(900);
  }

  @Test
  void growsWithTheNumbersItTracksAndForgetsNoneOfThem() {
    int[] limits = {10, 100, 1000};
    CallerTable table = table(limits, 1_000_000);
    int initialSets = table.sets();
    long firstPage = table.bytesAllocated();
    int numbers = 100_000;
    for (int round = 0; round < 2; round++) {
      for (long n = 0; n < numbers; n++) {
        table.record(12_020_000_000L + n * 7919, SECOND + (round * numbers + n) * 10_000, -1, limits, null);
      }
    }
    long now = SECOND + 2L * numbers * 10_000;
    assertThat(table.size(now)).isEqualTo(numbers);
    for (long n = 0; n < numbers; n++) {
      assertThat(table.count(12_020_000_000L + n * 7919, 2, now)).isEqualTo(2);
    }
    assertThat(initialSets).isLessThan(table.sets());
    assertThat(firstPage).isLessThanOrEqualTo(1 << 20);
    assertThat(table.bytesAllocated()).isLessThan(table.bytesAtCapacity() / 2);
  }

  @Test
  void growsWhileSeveralThreadsRecordAndLosesNoCall() throws InterruptedException {
    int[] limits = {10, 100, 1000};
    CallerTable table = table(limits, 1_000_000);
    int threads = 4;
    int perThread = 40_000;
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      long first = 12_020_000_000L + t * 10_000_000L;
      workers[t] = new Thread(() -> {
        for (int round = 0; round < 3; round++) {
          for (long n = 0; n < perThread; n++) {
            table.record(first + n, SECOND + n * 1000, -1, limits, null);
          }
        }
      });
      workers[t].start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    long now = SECOND + perThread * 1000L;
    assertThat(table.size(now)).isEqualTo((long) threads * perThread);
    for (int t = 0; t < threads; t++) {
      for (long n = 0; n < perThread; n += 97) {
        assertThat(table.count(12_020_000_000L + t * 10_000_000L + n, 2, now)).isEqualTo(3);
      }
    }
  }

  @Test
  void aTableThatTracksFewNumbersTakesAFewOfItsPages() {
    CallerTable shipped = new CallerTable(WINDOWS, new int[] {5, 60, 1000}, List.of(Duration.ofSeconds(60)),
        10, 1_000_000, Duration.ofHours(1));
    for (long n = 0; n < 10_000; n++) {
      shipped.record(12_020_000_000L + n, SECOND + n * MS, -1, new int[3], null);
    }
    assertThat(shipped.bytesAllocated()).isLessThanOrEqualTo(4 << 20); // of 56 MB at capacity
    assertThat(shipped.size(SECOND + 10_000 * MS)).isEqualTo(10_000);
  }

  @Test
  void forgetsANumberIdleForItsExpiry() {
    int[] limits = {10, 100, 1000};
    CallerTable table = table(limits, 100);
    table.record(7, SECOND, -1, limits, null);
    assertThat(table.size(SECOND + Duration.ofMinutes(59).toNanos())).isEqualTo(1);
    assertThat(table.size(SECOND + Duration.ofHours(1).toNanos())).isZero();
    assertThat(table.count(7, 2, SECOND + Duration.ofHours(1).toNanos())).isZero();
  }

  @Test
  void shippedLimitsTakeAtMost64BytesPerNumber() {
    CallerTable shipped = new CallerTable(WINDOWS, new int[] {5, 60, 1000}, List.of(Duration.ofSeconds(60)),
        10, 1_000_000, Duration.ofHours(1));
    assertThat(shipped.bytesPerNumber()).isEqualTo(56);
    assertThat(shipped.bytesAtCapacity()).isLessThanOrEqualTo(64L << 20);
  }

  @Test
  void aPageIsAtLeastHalfAndAtMostOneG1RegionOfOneMebibyte() {
    CallerTable shipped = new CallerTable(WINDOWS, new int[] {5, 60, 1000}, List.of(Duration.ofSeconds(60)),
        10, 1_000_000, Duration.ofHours(1));
    long pageBytes = 16L + (long) shipped.slotsPerPage() * shipped.bytesPerNumber(); // with the array header
    assertThat(pageBytes).isLessThanOrEqualTo(1 << 20).isGreaterThanOrEqualTo(1 << 19);
    assertThat(shipped.slotsPerPage() % CallerTable.WAYS).isZero();
  }

  @Test
  void rejectsARuleItWasNotBuiltFor() {
    CallerTable table = table(new int[] {10, 100, 1000}, 100);
    assertThatThrownBy(() -> table.record(1, 0, 5, new int[3], new SequentialDialing(5, RUN_WINDOW, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sequential_dialing count 5 exceeds the run capacity 4");
    assertThatThrownBy(() -> new CallerTable(WINDOWS, new int[2], List.of(), 0, 10, Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("caller limits must be one per caller window, were 2 for 3");
    assertThatThrownBy(() -> new CallerTable(WINDOWS, new int[] {1, 1, 1}, List.of(), 0, 0, Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("caller table capacity must be 1-");
  }
}
