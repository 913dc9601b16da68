package org.sipscreen.screening;

import java.util.Arrays;

/**
 * An immutable set of E.164 numbers for lists of millions: about 4.2 bytes per number from 4 million
 * numbers up, 5 at one million, at most 8.5 at any size; and an allocation-free exact lookup that reads
 * one directory slot and one short run of keys, whatever the mix of countries in the list. Each number has an index (0 to
 * {@code size() - 1}) so that callers can keep parallel arrays, as the reputation feed does for scores.
 *
 * <p>How: a number's digits (below 10^15 &lt; 2^50) go through {@link #hash}, a bijection of the 50-bit
 * range that spreads any cluster of numbers evenly. The sorted hashes are split into 2^b buckets by their
 * top b bits and only the remaining low bits are stored: 32 of them in an {@code int[]} when b &ge; 18,
 * else all 50 in a {@code long[]}. From 2^18 numbers up, b is at least 18 and a bucket holds 16 to 32
 * numbers on average (one to two cache lines of keys, and a directory small enough to stay in the CPU's
 * last-level cache); below, 4 to 8.
 * Because the hash is a bijection, equal bits in the same bucket mean the same number: no false positives.
 * A value-ordered directory would not do: a list of 90 % +1 numbers and 10 % others packs the +1 numbers
 * into a few buckets, and lookups degrade to binary searches over millions.
 */
public final class NumberTable {

  /** Hashes and digit values are below 2^50 (10^15 &lt; 2^50). */
  public static final int HASH_BITS = 50;

  /** An empty table. */
  public static final NumberTable EMPTY = ofSortedHashes(new long[0], 0);

  private static final long HASH_MASK = (1L << HASH_BITS) - 1;
  /** From this many buckets on, the bits below the bucket fit in an int. */
  private static final int INT_KEY_BUCKET_BITS = HASH_BITS - 32;
  private static final int MIN_ENTRIES_PER_BUCKET = 4;
  private static final int MIN_ENTRIES_PER_INT_BUCKET = 16;

  private final int size;
  private final int shift;
  /** The entries of bucket b are the keys at bucketStart[b] .. bucketStart[b + 1] - 1. */
  private final int[] bucketStart;
  /** The low 32 bits of each hash, when shift &le; 32; else null. */
  private final int[] intKeys;
  /** Each whole hash, when shift &gt; 32; else null. */
  private final long[] longKeys;
  private final long contentHash;

  private NumberTable(long[] sortedHashes, int size) {
    int bucketBits = bucketBits(size);
    this.size = size;
    this.shift = HASH_BITS - bucketBits;
    int[] start = new int[(1 << bucketBits) + 1];
    int b = 0;
    long content = size;
    for (int i = 0; i < size; i++) {
      int bucket = (int) (sortedHashes[i] >>> shift);
      while (b <= bucket) {
        start[b++] = i;
      }
      content = mix(content, sortedHashes[i]);
    }
    while (b < start.length) {
      start[b++] = size;
    }
    this.bucketStart = start;
    this.contentHash = content;
    if (shift <= 32) {
      int[] keys = new int[size];
      for (int i = 0; i < size; i++) {
        keys[i] = (int) sortedHashes[i];
      }
      this.intKeys = keys;
      this.longKeys = null;
    } else {
      this.intKeys = null;
      this.longKeys = Arrays.copyOf(sortedHashes, size);
    }
  }

  /**
   * A table of the numbers whose {@link #hash}es are {@code sortedHashes[0 .. size)}, strictly increasing
   * (see {@link #sortUnique}); the number with hash {@code sortedHashes[i]} gets index i. The array is
   * not kept.
   */
  public static NumberTable ofSortedHashes(long[] sortedHashes, int size) {
    if (size < 0 || size > sortedHashes.length) {
      throw new IllegalArgumentException("size " + size + " outside 0.." + sortedHashes.length);
    }
    for (int i = 0; i < size; i++) {
      if (sortedHashes[i] < 0 || sortedHashes[i] > HASH_MASK
          || (i > 0 && sortedHashes[i] <= sortedHashes[i - 1])) {
        throw new IllegalArgumentException("hashes must be strictly increasing and below 2^50, index " + i);
      }
    }
    return new NumberTable(sortedHashes, size);
  }

  /**
   * A bijection of [0, 2^50) (multiply by odd constants and xor-shift, each invertible mod 2^50), so that
   * the numbers of a list, however clustered, spread evenly over the buckets.
   *
   * @param digits an E.164 number's digits as a long, below 10^15
   */
  public static long hash(long digits) {
    long x = digits & HASH_MASK;
    x = (x * 0x9E3779B97F4A7C15L) & HASH_MASK;
    x ^= x >>> 25;
    x = (x * 0xBF58476D1CE4E5B9L) & HASH_MASK;
    x ^= x >>> 25;
    x = (x * 0x94D049BB133111EBL) & HASH_MASK;
    x ^= x >>> 25;
    return x;
  }

  /** Sorts {@code values[0 .. size)} and removes duplicates in place; returns the number left. */
  public static int sortUnique(long[] values, int size) {
    Arrays.sort(values, 0, size);
    int unique = 0;
    for (int i = 0; i < size; i++) {
      if (unique == 0 || values[unique - 1] != values[i]) {
        values[unique++] = values[i];
      }
    }
    return unique;
  }

  /** One step of a 64-bit content hash (not cryptographic): for list versions in logs and the admin API. */
  public static long mix(long state, long value) {
    long x = (state ^ value) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }

  /** The number of numbers. */
  public int size() {
    return size;
  }

  /** The index of the number with these digits, or -1 when the table does not hold it. */
  public int indexOf(long digits) {
    if (digits < 0 || digits > HASH_MASK) {
      return -1;
    }
    long h = hash(digits);
    int bucket = (int) (h >>> shift);
    int to = bucketStart[bucket + 1];
    if (intKeys != null) {
      int key = (int) h;
      for (int i = bucketStart[bucket]; i < to; i++) {
        if (intKeys[i] == key) {
          return i;
        }
      }
    } else {
      for (int i = bucketStart[bucket]; i < to; i++) {
        if (longKeys[i] == h) {
          return i;
        }
      }
    }
    return -1;
  }

  /** A 64-bit hash of the set of numbers: equal sets have equal hashes, whatever order they came in. */
  public long contentHash() {
    return contentHash;
  }

  /** Approximate heap held by the table (array headers included, 8-byte alignment). */
  public long heapBytes() {
    return 32 + arrayBytes(bucketStart.length, 4)
        + (intKeys != null ? arrayBytes(intKeys.length, 4) : arrayBytes(longKeys.length, 8));
  }

  /** Approximate heap of a primitive array: 16-byte header, elements, 8-byte alignment. */
  public static long arrayBytes(int length, int elementBytes) {
    return (16 + (long) length * elementBytes + 7) & ~7L;
  }

  private static int bucketBits(int size) {
    if (size >= 1 << INT_KEY_BUCKET_BITS) {
      return Math.max(INT_KEY_BUCKET_BITS, log2(size / MIN_ENTRIES_PER_INT_BUCKET));
    }
    return size < MIN_ENTRIES_PER_BUCKET ? 0 : log2(size / MIN_ENTRIES_PER_BUCKET);
  }

  private static int log2(int n) {
    return 31 - Integer.numberOfLeadingZeros(n);
  }
}
