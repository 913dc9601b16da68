package org.sipscreen.screening;

import java.util.Arrays;

/**
 * An immutable set of E.164 numbers for lists of millions, whose allocation-free exact lookup reads one
 * 64-byte cache line of keys in the common case: about 5.7 bytes per number from 3 million numbers up,
 * 11.4 below. Each number has an index below {@link #indexBound()} (not dense: empty slots have indexes
 * too) so that callers can keep parallel arrays, as the reputation feed does for scores.
 *
 * <p>How: a number's digits (below 10^15 &lt; 2^50) go through {@link #hash}, a bijection of the 50-bit
 * range that spreads any cluster of numbers evenly. The hash range is cut into B buckets of equal width W:
 * a hash h lives in bucket {@code h / W} and only {@code h % W} is stored, so that equal stored keys in the
 * same bucket mean the same number (no false positives). A bucket is one cache line of slots: 16
 * {@code int} keys when W &lt; 2^31 (B &gt; 2^19, lists of about 3 million numbers and up), else 8
 * {@code long} keys; B is chosen for about 70 % of the slots in use. A slot holds {@code key + 1} for a
 * number in its home bucket, {@code -(key + 1)} for a number of the bucket before, which was full, and 0
 * when empty; a bucket fills from its first slot. The hashes arrive sorted and buckets are ranges of the
 * hash, so building writes the slots in order: a full bucket's further numbers go to the start of the next
 * bucket (which is empty then), and a number that finds both full goes to a sorted stash of whole hashes
 * (none in practice: it takes more than 32 numbers in one bucket). A lookup reads its home line for a
 * match or an empty slot; only when the home bucket is full does it read the next line, and only when
 * both are full the stash. The keys start 48 bytes into the array, just after the 16-byte array header, so
 * that buckets are cache lines wherever the array starts on a 64-byte boundary (G1 puts the large arrays,
 * humongous objects, at the start of a region).
 */
public final class NumberTable {

  /** Hashes and digit values are below 2^50 (10^15 &lt; 2^50). */
  public static final int HASH_BITS = 50;

  private static final long HASH_MASK = (1L << HASH_BITS) - 1;
  private static final long HASH_RANGE = 1L << HASH_BITS;
  private static final int LINE_BYTES = 64;
  private static final int ARRAY_HEADER_BYTES = 16;
  private static final int INT_SLOTS = LINE_BYTES / 4;
  private static final int LONG_SLOTS = LINE_BYTES / 8;
  private static final int INT_PAD = (LINE_BYTES - ARRAY_HEADER_BYTES) / 4;
  private static final int LONG_PAD = (LINE_BYTES - ARRAY_HEADER_BYTES) / 8;
  /** Slots per number, at most: about 70 % of the slots in use. */
  private static final double SLOTS_PER_NUMBER = 1 / 0.7;
  /** The fewest buckets whose width W leaves keys (1..W, and their negatives) inside an int. */
  private static final long MIN_INT_BUCKETS = ceilDiv(HASH_RANGE, Integer.MAX_VALUE);
  private static final int ABSENT = -1;
  private static final int FULL = -2;

  /** An empty table (declared after the constants its construction reads). */
  public static final NumberTable EMPTY = ofSortedHashes(new long[0], 0);

  private final int size;
  /** The width W of each bucket's hash range. */
  private final long width;
  private final double inverseWidth;
  /** The slots, from index INT_PAD, when W &lt; 2^31; else null. */
  private final int[] intSlots;
  /** The slots, from index LONG_PAD, when W &ge; 2^31; else null. */
  private final long[] longSlots;
  /** The slot count, the buckets' and one more bucket's for the last one's overflow. */
  private final int slotCount;
  /** Sorted whole hashes of the numbers that found their home and the next bucket full. */
  private final long[] stash;
  private final long contentHash;

  private NumberTable(long[] sortedHashes, int size) {
    boolean ints = intKeysFor(size);
    int slotsPerBucket = ints ? INT_SLOTS : LONG_SLOTS;
    this.size = size;
    this.width = ceilDiv(HASH_RANGE, ints ? intBuckets(size) : longBuckets(size));
    this.inverseWidth = 1.0 / width;
    long buckets = ceilDiv(HASH_RANGE, width);
    long slots = (buckets + 1) * slotsPerBucket;
    if (slots > Integer.MAX_VALUE - LINE_BYTES) {
      throw new IllegalArgumentException("too many numbers for one table: " + size);
    }
    this.slotCount = (int) slots;
    int pad = ints ? INT_PAD : LONG_PAD;
    int[] intArray = ints ? new int[pad + slotCount] : null;
    long[] longArray = ints ? null : new long[pad + slotCount];
    long[] overflow = new long[16];
    int overflowCount = 0;
    long content = size;
    long home = -1;
    int next = 0; // the next free slot
    int homeStart = 0;
    for (int i = 0; i < size; i++) {
      long h = sortedHashes[i];
      content = mix(content, h);
      long bucket = h / width;
      if (bucket != home) {
        home = bucket;
        homeStart = (int) bucket * slotsPerBucket;
        next = Math.max(next, homeStart);
      }
      long stored = h - bucket * width + 1;
      if (next >= homeStart + 2 * slotsPerBucket) {
        if (overflowCount == overflow.length) {
          overflow = Arrays.copyOf(overflow, overflowCount * 2);
        }
        overflow[overflowCount++] = h;
        continue;
      }
      if (next >= homeStart + slotsPerBucket) {
        stored = -stored;
      }
      if (ints) {
        intArray[pad + next++] = (int) stored;
      } else {
        longArray[pad + next++] = stored;
      }
    }
    this.intSlots = intArray;
    this.longSlots = longArray;
    this.stash = Arrays.copyOf(overflow, overflowCount);
    this.contentHash = content;
  }

  /**
   * A table of the numbers whose {@link #hash}es are {@code sortedHashes[0 .. size)}, strictly increasing
   * (see {@link #sortUnique}). The array is not kept.
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

  /** Every index is below this: the length for arrays parallel to the table. */
  public int indexBound() {
    return slotCount + stash.length;
  }

  /** The index of the number with these digits, or -1 when the table does not hold it. */
  public int indexOf(long digits) {
    if (digits < 0 || digits > HASH_MASK) {
      return -1;
    }
    return indexOfHash(hash(digits));
  }

  /**
   * The index of the number with this {@link #hash}, or -1 when the table does not hold it. Looking up
   * hashes in increasing order reads the slots in order.
   */
  public int indexOfHash(long hash) {
    if (hash < 0 || hash > HASH_MASK) {
      return -1;
    }
    // hash / width without a division: the product is off by at most one, then corrected
    long bucket = (long) (hash * inverseWidth);
    long key = hash - bucket * width;
    if (key < 0) {
      bucket--;
      key += width;
    } else if (key >= width) {
      bucket++;
      key -= width;
    }
    int first = (int) bucket * (intSlots != null ? INT_SLOTS : LONG_SLOTS);
    int found = intSlots != null ? find(intSlots, first, (int) key + 1) : find(longSlots, first, key + 1);
    if (found == FULL) { // the home bucket is full: the next one starts with its further numbers
      found = intSlots != null ? find(intSlots, first + INT_SLOTS, -((int) key + 1))
          : find(longSlots, first + LONG_SLOTS, -(key + 1));
      if (found == FULL && stash.length > 0) {
        int i = Arrays.binarySearch(stash, hash);
        return i >= 0 ? slotCount + i : -1;
      }
    }
    return found >= 0 ? found : -1;
  }

  /**
   * The slot index of {@code key} in the bucket from slot {@code first}; ABSENT at an empty slot; else
   * FULL. Sixteen int slots: stopping at the first match or empty slot was as fast as reading them all.
   */
  private static int find(int[] slots, int first, int key) {
    for (int i = first + INT_PAD; i < first + INT_PAD + INT_SLOTS; i++) {
      int slot = slots[i];
      if (slot == key) {
        return i - INT_PAD;
      }
      if (slot == 0) {
        return ABSENT;
      }
    }
    return FULL;
  }

  /** As above for eight long slots, picked without a branch per slot, from the last slot back. */
  private static int find(long[] slots, int first, long key) {
    int found = FULL;
    for (int i = first + LONG_SLOTS - 1; i >= first; i--) {
      long slot = slots[i + LONG_PAD];
      found = slot == key ? i : found;
      found = slot == 0 ? ABSENT : found;
    }
    return found;
  }

  /** A 64-bit hash of the set of numbers: equal sets have equal hashes, whatever order they came in. */
  public long contentHash() {
    return contentHash;
  }

  /** Approximate heap held by the table (array headers included, 8-byte alignment). */
  public long heapBytes() {
    return 48 + (intSlots != null ? arrayBytes(intSlots.length, 4) : arrayBytes(longSlots.length, 8))
        + arrayBytes(stash.length, 8);
  }

  /** Approximate heap of a primitive array: 16-byte header, elements, 8-byte alignment. */
  public static long arrayBytes(int length, int elementBytes) {
    return (16 + (long) length * elementBytes + 7) & ~7L;
  }

  /** Whether a table of this many numbers has int keys: when that makes the smaller array. */
  static boolean intKeysFor(int size) {
    return intBuckets(size) <= longBuckets(size);
  }

  private static long intBuckets(int size) {
    return Math.max(MIN_INT_BUCKETS, (long) Math.ceil(Math.max(1, size) * SLOTS_PER_NUMBER / INT_SLOTS));
  }

  private static long longBuckets(int size) {
    return (long) Math.ceil(Math.max(1, size) * SLOTS_PER_NUMBER / LONG_SLOTS);
  }

  /** Whether the slots are ints (else longs); for tests. */
  boolean hasIntKeys() {
    return intSlots != null;
  }

  /** The width of each bucket's hash range; for tests. */
  long bucketWidth() {
    return width;
  }

  /** The numbers in the stash; for tests. */
  int stashSize() {
    return stash.length;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
