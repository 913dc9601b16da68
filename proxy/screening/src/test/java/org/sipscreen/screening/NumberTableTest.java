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
      boolean[] used = new boolean[table.indexBound()];
      for (long n : unique) {
        int index = table.indexOf(n);
        assertThat(index).isBetween(0, table.indexBound() - 1);
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
  void largeTablesKeepAboutSixBytesPerNumberAndSmallerOnesTwelve() {
    int size = 6_000_000;
    long[] numbers = new long[size];
    for (int i = 0; i < size; i++) {
      numbers[i] = 10_000_000_000L + i * 3L;
    }
    NumberTable table = tableOf(numbers);
    assertThat(table.hasIntKeys()).isTrue();
    assertThat(table.heapBytes()).isLessThanOrEqualTo(6L * size);
    NumberTable million = tableOf(Arrays.copyOf(numbers, 1_000_000));
    assertThat(million.hasIntKeys()).isFalse();
    assertThat(million.heapBytes()).isLessThanOrEqualTo(12L * 1_000_000);
    assertThat(tableOf(12_025_550_123L).heapBytes()).isLessThan(300);
  }

  @Test
  void emptyTableHoldsNothing() {
    for (NumberTable table : new NumberTable[] {NumberTable.EMPTY, tableOf()}) {
      assertThat(table.size()).isZero();
      assertThat(table.indexOf(0)).isEqualTo(-1);
      assertThat(table.indexOf(12_025_550_123L)).isEqualTo(-1);
      assertThat(table.indexOfHash(0)).isEqualTo(-1);
      assertThat(table.indexOfHash((1L << 50) - 1)).isEqualTo(-1);
    }
  }

  @Test
  void oneNumberIsFoundAndItsNeighboursAreNot() {
    NumberTable table = tableOf(12_025_550_123L);
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.indexOf(12_025_550_123L)).isBetween(0, table.indexBound() - 1);
    assertThat(table.indexOf(12_025_550_122L)).isEqualTo(-1);
    assertThat(table.indexOf(12_025_550_124L)).isEqualTo(-1);
    long h = NumberTable.hash(12_025_550_123L);
    assertThat(table.indexOfHash(h)).isEqualTo(table.indexOf(12_025_550_123L));
    assertThat(table.indexOfHash(h ^ 1)).isEqualTo(-1);
    assertThat(table.indexOfHash(h ^ (1L << 49))).isEqualTo(-1);
  }

  @Test
  void hashesAtBucketEdgesAreFoundAndTheirNeighboursAreNot() {
    // the lookup divides by the bucket width with a floating-point product: the edges are where it is off
    for (int size : new int[] {100, 10_000, 3_000_000}) {
      int edgeCount = 42;
      long width = tableOfHashes(spreadHashes(size + edgeCount, 0)).bucketWidth();
      long buckets = ((1L << 50) + width - 1) / width;
      long[] edges = new long[edgeCount];
      for (int i = 0; i < edgeCount - 2; i += 2) { // distinct buckets, from the second to the last
        long bucket = 1 + (buckets - 1) * i / edgeCount;
        edges[i] = bucket * width;
        edges[i + 1] = Math.min(bucket * width + width - 1, (1L << 50) - 2);
      }
      edges[edgeCount - 2] = 0;
      edges[edgeCount - 1] = (1L << 50) - 1;
      long[] hashes = Arrays.copyOf(spreadHashes(size, size), size + edgeCount);
      System.arraycopy(edges, 0, hashes, size, edgeCount);
      assertThat(NumberTable.sortUnique(hashes, hashes.length)).isEqualTo(size + edgeCount);
      NumberTable table = tableOfHashes(hashes);
      assertThat(table.bucketWidth()).isEqualTo(width);
      for (long edge : edges) {
        assertThat(table.indexOfHash(edge)).isNotNegative();
        for (long near : new long[] {edge - 1, edge + 1}) {
          if (near >= 0 && near < 1L << 50 && Arrays.binarySearch(hashes, near) < 0) {
            assertThat(table.indexOfHash(near)).isEqualTo(-1);
          }
        }
      }
      assertEveryHashFoundAtAUniqueIndex(table, hashes, hashes.length);
    }
  }

  @Test
  void crowdedBucketsOverflowIntoTheNextBucketAndTheStash() {
    // 300 hashes in the first bucket's range and 10 in the second's: 8 or 16 stay home, the next bucket
    // takes 8 or 16, the rest go to the stash, and the second bucket's own spill into the third
    for (int size : new int[] {1_000, 3_000_000}) {
      int crowd = 310;
      long width = tableOfHashes(spreadHashes(size + crowd, 0)).bucketWidth();
      long[] hashes = Arrays.copyOf(spreadHashes(size, 7), size + crowd);
      for (int i = 0; i < 300; i++) {
        hashes[size + i] = i * 3L; // bucket 0
      }
      for (int i = 0; i < 10; i++) {
        hashes[size + 300 + i] = width + i * 5L; // bucket 1, whose line bucket 0 has filled
      }
      assertThat(NumberTable.sortUnique(hashes, hashes.length)).isEqualTo(size + crowd);
      NumberTable table = tableOfHashes(hashes);
      assertThat(table.bucketWidth()).isEqualTo(width);
      assertThat(table.hasIntKeys()).isEqualTo(size > 1_000);
      assertThat(table.stashSize()).isGreaterThanOrEqualTo(300 - 32);
      assertEveryHashFoundAtAUniqueIndex(table, hashes, hashes.length);
      for (int i = 0; i < 300; i++) {
        assertThat(table.indexOfHash(i * 3L + 1)).isEqualTo(-1);
        assertThat(table.indexOfHash(width + i * 5L + 1)).isEqualTo(-1);
      }
      assertThat(table.indexOfHash(width - 1)).isEqualTo(-1);
      assertThat(table.indexOfHash(2 * width)).isEqualTo(-1);
      assertRandomAbsentHashesNotFound(table, hashes, hashes.length, 100_000, size);
    }
  }

  @Test
  void sizesAroundTheSwitchToIntKeysFindEveryNumberAndNoOther() {
    int low = 1;
    int high = 4_000_000;
    while (low < high) { // the smallest size with int keys
      int mid = (low + high) >>> 1;
      if (NumberTable.intKeysFor(mid)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    assertThat(low).isBetween(2_000_000, 3_500_000);
    for (int size : new int[] {low - 1, low, low + 1}) {
      long[] hashes = spreadHashes(size, size);
      NumberTable table = tableOfHashes(hashes.clone());
      assertThat(table.hasIntKeys()).isEqualTo(size >= low);
      assertThat(table.size()).isEqualTo(size);
      assertEveryHashFoundAtAUniqueIndex(table, hashes, size);
      assertRandomAbsentHashesNotFound(table, hashes, size, 200_000, size);
    }
  }

  @Test
  void randomTablesFindEveryNumberAndNoAbsentOne() {
    for (long seed : new long[] {1, 2, 3}) {
      SplittableRandom random = new SplittableRandom(seed);
      int size = random.nextInt(1, 200_000);
      long[] numbers = new long[size];
      for (int i = 0; i < size; i++) {
        numbers[i] = random.nextLong(1_000_000L, 999_999_999_999_999L);
      }
      NumberTable table = tableOf(numbers);
      Set<Long> listed = new HashSet<>();
      for (long n : numbers) {
        listed.add(n);
        assertThat(table.indexOf(n)).isNotNegative();
      }
      for (int i = 0; i < 200_000; i++) {
        long n = random.nextLong(1_000_000L, 999_999_999_999_999L);
        if (!listed.contains(n)) {
          assertThat(table.indexOf(n)).isEqualTo(-1);
        }
      }
    }
  }

  /** {@code count} distinct sorted hashes spread over the whole range. */
  private static long[] spreadHashes(int count, long seed) {
    long[] hashes = new long[count];
    for (int i = 0; i < count; i++) {
      hashes[i] = NumberTable.hash(seed * 1_000_003L + i); // a bijection: distinct
    }
    Arrays.sort(hashes);
    return hashes;
  }

  private static NumberTable tableOfHashes(long[] sortedHashes) {
    return NumberTable.ofSortedHashes(sortedHashes, sortedHashes.length);
  }

  private static void assertEveryHashFoundAtAUniqueIndex(NumberTable table, long[] hashes, int size) {
    boolean[] used = new boolean[table.indexBound()];
    for (int i = 0; i < size; i++) {
      int index = table.indexOfHash(hashes[i]);
      if (index < 0 || index >= used.length || used[index]) { // AssertJ only on failure: millions of keys
        assertThat(index).as("hash %d", hashes[i]).isBetween(0, table.indexBound() - 1);
        assertThat(used[index]).as("index %d used twice", index).isFalse();
      }
      used[index] = true;
    }
  }

  private static void assertRandomAbsentHashesNotFound(NumberTable table, long[] sortedHashes, int size,
      int probes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < probes; i++) {
      long h = random.nextLong(1L << 50);
      if (Arrays.binarySearch(sortedHashes, 0, size, h) < 0 && table.indexOfHash(h) != -1) {
        assertThat(table.indexOfHash(h)).as("absent hash %d", h).isEqualTo(-1);
      }
    }
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
