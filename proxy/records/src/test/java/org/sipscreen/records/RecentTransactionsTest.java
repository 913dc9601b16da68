package org.sipscreen.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecentTransactionsTest {

  private static final long WINDOW = 32_000;

  @Test
  void aKeySeenWithinTheWindowIsRecentAndAfterItIsNew() {
    RecentTransactions recent = new RecentTransactions(WINDOW, 1000);
    assertThat(recent.seenRecently(7, 1_000)).isFalse();
    assertThat(recent.seenRecently(7, 1_500)).isTrue();
    assertThat(recent.seenRecently(7, 1_000 + WINDOW - 1)).isTrue();
    assertThat(recent.seenRecently(8, 2_000)).isFalse();
    // a retransmission does not extend the window: it counts from the last time the key was new
    assertThat(recent.seenRecently(7, 1_000 + WINDOW)).isFalse();
    assertThat(recent.seenRecently(7, 1_000 + WINDOW + 1)).isTrue();
  }

  @Test
  void keysSurviveTheRetirementOfTheirGenerationWhileStillInTheWindow() {
    RecentTransactions recent = new RecentTransactions(WINDOW, 1000);
    assertThat(recent.seenRecently(1, 0)).isFalse();
    assertThat(recent.seenRecently(2, WINDOW - 10)).isFalse();
    // the first generation is retired here; key 2 (10 ms old) is still recent, key 1 is not
    assertThat(recent.seenRecently(3, WINDOW)).isFalse();
    assertThat(recent.seenRecently(2, WINDOW + 5)).isTrue();
    assertThat(recent.seenRecently(1, WINDOW + 5)).isFalse();
    // two windows later every key is forgotten
    assertThat(recent.seenRecently(99, 3 * WINDOW)).isFalse();
    assertThat(recent.seenRecently(2, 3 * WINDOW + 1)).isFalse();
    assertThat(recent.seenRecently(3, 3 * WINDOW + 2)).isFalse();
  }

  @Test
  void aClockGoingBackIsNotARetransmission() {
    RecentTransactions recent = new RecentTransactions(WINDOW, 1000);
    assertThat(recent.seenRecently(5, 10_000)).isFalse();
    assertThat(recent.seenRecently(5, 9_000)).isFalse();
  }

  @Test
  void aFullGenerationIsRetiredEarlyAndTheOldestKeysAreForgotten() {
    RecentTransactions recent = new RecentTransactions(WINDOW, 4);
    for (long k = 1; k <= 11; k++) {
      assertThat(recent.seenRecently(k, k)).isFalse();
    }
    // 11 keys through generations of 4: the full one before (5-8) and the current (9-11) are remembered
    for (long k = 5; k <= 11; k++) {
      assertThat(recent.seenRecently(k, 20)).as("key %d", k).isTrue();
    }
    assertThat(recent.seenRecently(1, 21)).isFalse();
  }

  @Test
  void manyKeysAreAllFoundAndOthersAreNot() {
    RecentTransactions recent = new RecentTransactions(WINDOW, 100_000);
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    long[] keys = new long[90_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = random.nextLong();
      assertThat(recent.seenRecently(keys[i], 1_000)).isFalse();
    }
    for (long key : keys) {
      assertThat(recent.seenRecently(key, 2_000)).isTrue();
    }
    assertThat(recent.seenRecently(0, 2_000)).isFalse(); // 0 is a key like any other
    assertThat(recent.seenRecently(0, 2_001)).isTrue();
  }

  @Test
  void theHashSeparatesTheParts() {
    assertThat(RecentTransactions.hash("ab", "c", 200)).isNotEqualTo(RecentTransactions.hash("a", "bc", 200));
    assertThat(RecentTransactions.hash("ab", "c", 200)).isNotEqualTo(RecentTransactions.hash("ab", "c", 603));
    assertThat(RecentTransactions.hash("ab", "c", 200)).isEqualTo(RecentTransactions.hash("ab", "c", 200));
  }

  @Test
  void clearForgetsEveryKey() {
    RecentTransactions recent = new RecentTransactions(WINDOW, 1000);
    recent.seenRecently(1, 0);
    recent.seenRecently(2, WINDOW + 1); // key 1 now in the previous generation
    recent.clear();
    assertThat(recent.seenRecently(1, WINDOW + 2)).isFalse();
    assertThat(recent.seenRecently(2, WINDOW + 3)).isFalse();
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new RecentTransactions(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RecentTransactions(10, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
