package org.sipscreen.records;

import java.util.Arrays;

/**
 * The transactions seen within the last window, to tell a retransmission from news, held as 64-bit hashes
 * in two preallocated primitive tables (the current generation and the one before), so that a call leaves
 * no object behind for the collector: a map of strings kept each call's key alive for 32 s, which the
 * young collections copied and then promoted. A generation is dropped whole once all its entries are older
 * than the window, or early when it holds {@code capacity} entries (the oldest are forgotten, as an LRU
 * map of that size would). Two different keys with the same 64-bit hash would count as one (about one
 * chance in 10^9 at 100,000 entries). Not thread-safe: one writer thread uses it.
 */
final class RecentTransactions {

  private static final long EMPTY = 0;

  private final long windowMillis;
  private final int capacity;
  private final int mask;
  private long[] keys;
  private long[] times;
  private long[] previousKeys;
  private long[] previousTimes;
  private int size;
  private long generationStart = Long.MIN_VALUE;

  /**
   * @param windowMillis how long a key counts as recent
   * @param capacity keys a generation holds before it is retired early
   */
  RecentTransactions(long windowMillis, int capacity) {
    if (windowMillis < 1 || capacity < 1) {
      throw new IllegalArgumentException("window and capacity must be positive");
    }
    this.windowMillis = windowMillis;
    this.capacity = capacity;
    int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2; // load factor at most 1/2
    this.mask = slots - 1;
    this.keys = new long[slots];
    this.times = new long[slots];
    this.previousKeys = new long[slots];
    this.previousTimes = new long[slots];
  }

  /**
   * True when {@code key} was last seen less than the window before {@code now} (and not after it);
   * otherwise remembers it as seen at {@code now} and returns false.
   */
  boolean seenRecently(long key, long now) {
    long k = key == EMPTY ? 1 : key;
    if (generationStart == Long.MIN_VALUE || now - generationStart >= windowMillis || size >= capacity) {
      retire(now);
    }
    int slot = find(keys, k);
    if (keys[slot] == k) {
      if (recent(times[slot], now)) {
        return true;
      }
      times[slot] = now;
      return false;
    }
    int old = find(previousKeys, k);
    if (previousKeys[old] == k && recent(previousTimes[old], now)) {
      return true;
    }
    keys[slot] = k;
    times[slot] = now;
    size++;
    return false;
  }

  /** Forgets every key. */
  void clear() {
    Arrays.fill(keys, EMPTY);
    Arrays.fill(previousKeys, EMPTY);
    size = 0;
    generationStart = Long.MIN_VALUE;
  }

  /** A 64-bit hash of a record's transaction, result and status (FNV-1a over the chars, then a final mix). */
  static long hash(String transactionKey, String result, int status) {
    long h = fnv(fnv(0xcbf29ce484222325L, transactionKey), result);
    h = (h ^ status) * 0x100000001b3L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  private static long fnv(long h, String part) {
    for (int i = 0; i < part.length(); i++) {
      h = (h ^ part.charAt(i)) * 0x100000001b3L;
    }
    return (h ^ 0x10000) * 0x100000001b3L; // a separator no char can be
  }

  private boolean recent(long seen, long now) {
    return now >= seen && now - seen < windowMillis;
  }

  private int find(long[] table, long k) {
    int slot = (int) (k ^ (k >>> 32)) & mask;
    while (table[slot] != EMPTY && table[slot] != k) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** The current generation becomes the previous one; the previous one is cleared and reused. */
  private void retire(long now) {
    long[] k = previousKeys;
    long[] t = previousTimes;
    previousKeys = keys;
    previousTimes = times;
    Arrays.fill(k, EMPTY);
    keys = k;
    times = t;
    size = 0;
    generationStart = now;
  }
}
