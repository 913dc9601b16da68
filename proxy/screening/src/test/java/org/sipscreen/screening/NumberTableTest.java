package org.sipscreen.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NumberTableTest {

  private static NumberTable tableOf(long... numbers) {
    long[] hashes = new long[numbers.length];
    for (int i = 0; i < numbers.length; i++) {
      hashes[i] = NumberTable.hash(numbers[i]);
    }
    return NumberTable.ofSortedHashes(hashes, NumberTable.sortUnique(hashes, hashes.length));
  }

  @Test
  void hashIsABijectionOfFiftyBits() {
    Set<Long> seen = new HashSet<>();
    for (long n = 0; n < 200_000; n++) {
      long h = NumberTable.hash(n);
      assertThat(h).isBetween(0L, (1L << 50) - 1);
      assertThat(seen.add(h)).isTrue();
    }
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 200_000; i++) {
      long h = NumberTable.hash(random.nextLong(1L << 50));
      assertThat(h).isBetween(0L, (1L << 50) - 1);
      assertThat(seen.add(h)).isTrue(); // 400,000 of 2^50: a collision would be a bug, not bad luck
    }
  }

  @Test
  void smallAndLargeTablesFindEachNumberAtAUniqueIndex() {
    for (int size : new int[] {0, 1, 3, 8, 1000, 1 << 18, 300_000}) {
      SplittableRandom random = new SplittableRandom(size);
      long[] numbers = new long[size];
      for (int i = 0; i < size; i++) {
        numbers[i] = i % 3 == 0 ? 12_025_550_000L + i : random.nextLong(1_000_000L, 999_999_999_999_999L);
      }
      long[] unique = Arrays.stream(numbers).distinct().toArray();
      NumberTable table = tableOf(numbers);
      assertThat(table.size()).isEqualTo(unique.length);
      boolean[] used = new boolean[unique.length];
      for (long n : unique) {
        int index = table.indexOf(n);
        assertThat(index).isBetween(0, unique.length - 1);
        assertThat(used[index]).isFalse();
        used[index] = true;
      }
      Set<Long> listed = new HashSet<>();
      Arrays.stream(unique).forEach(listed::add);
      for (int i = 0; i < 20_000; i++) {
        long n = random.nextLong(1_000_000L, 999_999_999_999_999L);
        assertThat(table.indexOf(n)).isEqualTo(listed.contains(n) ? table.indexOf(n) : -1);
        assertThat(table.indexOf(12_025_550_000L + size + i)).isEqualTo(-1);
      }
      assertThat(table.indexOf(-1)).isEqualTo(-1);
      assertThat(table.indexOf(Long.MAX_VALUE)).isEqualTo(-1);
    }
  }

  @Test
  void largeTablesKeepAboutFiveBytesPerNumber() {
    int size = 1 << 20;
    long[] numbers = new long[size];
    for (int i = 0; i < size; i++) {
      numbers[i] = 10_000_000_000L + i * 3L;
    }
    NumberTable table = tableOf(numbers);
    assertThat(table.heapBytes()).isLessThanOrEqualTo(5L * size + 1024);
    assertThat(tableOf(12_025_550_123L).heapBytes()).isLessThan(100);
  }

  @Test
  void contentHashIgnoresOrder() {
    assertThat(tableOf(1_234_567L, 7_654_321L).contentHash())
        .isEqualTo(tableOf(7_654_321L, 1_234_567L, 1_234_567L).contentHash())
        .isNotEqualTo(tableOf(1_234_567L, 7_654_322L).contentHash());
  }

  @Test
  void rejectsUnsortedOrOutOfRangeHashes() {
    assertThatThrownBy(() -> NumberTable.ofSortedHashes(new long[] {2, 1}, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1");
    assertThatThrownBy(() -> NumberTable.ofSortedHashes(new long[] {1, 1}, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NumberTable.ofSortedHashes(new long[] {1L << 50}, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NumberTable.ofSortedHashes(new long[1], 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("size 2 outside 0..1");
  }

  @Test
  void longBlocksKeepTheOrderAcrossBlocks() {
    LongBlocks blocks = new LongBlocks();
    assertThat(blocks.toArray()).isEmpty();
    for (long i = 0; i < 300_000; i++) {
      blocks.add(i * 5);
    }
    long[] all = blocks.toArray();
    assertThat(blocks.size()).isEqualTo(300_000);
    assertThat(all).hasSize(300_000);
    for (int i = 0; i < all.length; i++) {
      assertThat(all[i]).isEqualTo(i * 5L);
    }
  }
}
