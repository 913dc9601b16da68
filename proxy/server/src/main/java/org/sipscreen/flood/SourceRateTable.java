package org.sipscreen.flood;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToIntFunction;

/**
 * The request rate of up to {@code capacity} sources ({@link SourceKey}), in three {@code long}s per source
 * (24 bytes): the key; the number of the window last counted in and the source's limit; and the count of
 * that window and of the one before. The rate at time t, a fraction f into the current window, is the
 * sliding-window estimate {@code previous · (1 - f) + current}, the same estimate nginx and Cloudflare use:
 * a steady rate r is judged as r per window, a burst at a window edge is not counted twice.
 *
 * <p>Slots are grouped in sets of {@value #WAYS}; a source hashes (with a per-table random seed, so an
 * attacker cannot aim many sources at one set) to one set and takes an empty slot there, else the slot of
 * the set's least recently counted source (by window; of those counted in the same window, the one with the
 * fewest requests). A flood of new, spoofed sources therefore evicts idle and single-request ones first; a
 * source that keeps sending keeps its slot and its count. The source's limit is resolved once, when it takes a slot, so the
 * per-packet cost is a hash, a lock and a few array reads.
 *
 * <p>Thread-safe: event loops count under one of {@value #LOCKS} striped locks, held for one update.
 */
public final class SourceRateTable {

  static final int WAYS = 8;
  private static final int LOCKS = 64;
  private static final int MAX_COUNT = Integer.MAX_VALUE;

  private final long windowNanos;
  private final long origin;
  private final int setMask;
  private final long seed = ThreadLocalRandom.current().nextLong() | 1;
  private final long[] keys;
  /** Per slot: window number (high 32 bits, 0 for an empty slot) and the source's limit (low 32 bits). */
  private final long[] windows;
  /** Per slot: the count of that window (high 32 bits) and of the window before (low 32 bits). */
  private final long[] counts;
  private final Object[] locks = new Object[LOCKS];
  private final ToIntFunction<InetAddress> limitOf;

  /**
   * @param window the counting window, at least 100 ms
   * @param capacity the most sources tracked at once (rounded up to a power of two, at least {@value #WAYS})
   * @param limitOf the most requests per window a source may send, asked once when it takes a slot
   * @param originNanos the ticker's time now; window numbers count from it
   */
  public SourceRateTable(Duration window, int capacity, ToIntFunction<InetAddress> limitOf, long originNanos) {
    if (window.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("window must be at least 100ms, was " + window);
    }
    if (capacity < 1 || capacity > 1 << 26) {
      throw new IllegalArgumentException("capacity must be 1-" + (1 << 26) + ", was " + capacity);
    }
    this.windowNanos = window.toNanos();
    this.origin = originNanos;
    this.limitOf = limitOf;
    int sets = Integer.highestOneBit(Math.max(1, (capacity + WAYS - 1) / WAYS));
    if (sets * WAYS < capacity) {
      sets <<= 1;
    }
    this.setMask = sets - 1;
    this.keys = new long[sets * WAYS];
    this.windows = new long[sets * WAYS];
    this.counts = new long[sets * WAYS];
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = new Object();
    }
  }

  /** Sources the table holds at most. */
  public int capacity() {
    return keys.length;
  }

  /** Heap the table takes, in bytes. */
  public long bytes() {
    return 24L * keys.length;
  }

  /**
   * Counts one request of {@code source} at {@code nowNanos} and says whether its rate is now over its
   * limit.
   *
   * @param address the source's address, for its limit when it takes a new slot
   */
  public boolean countAndCheck(long source, InetAddress address, long nowNanos) {
    long elapsed = Math.max(0, nowNanos - origin);
    long window = elapsed / windowNanos + 1;
    long intoWindow = elapsed % windowNanos;
    int set = (int) (mix(source ^ seed) & setMask);
    int base = set * WAYS;
    synchronized (locks[set & (LOCKS - 1)]) {
      int slot = -1;
      int victim = -1;
      long victimWindow = Long.MAX_VALUE;
      long victimCount = Long.MAX_VALUE;
      for (int i = base; i < base + WAYS; i++) {
        long w = windows[i];
        if (w == 0) {
          if (victimWindow > 0) {
            victim = i;
            victimWindow = 0;
          }
        } else if (keys[i] == source) {
          slot = i;
          break;
        } else if ((w >>> 32) < victimWindow
            || (w >>> 32) == victimWindow && (counts[i] >>> 32) < victimCount) {
          victim = i;
          victimWindow = w >>> 32;
          victimCount = counts[i] >>> 32;
        }
      }
      long current;
      long previous;
      int limit;
      if (slot < 0) {
        slot = victim;
        keys[slot] = source;
        limit = limitOf.applyAsInt(address);
        current = 1;
        previous = 0;
      } else {
        long w = windows[slot];
        limit = (int) w;
        long last = w >>> 32;
        long c = counts[slot];
        if (window <= last) {
          window = last; // an event loop a little behind another: count it in the current window
          current = Math.min(MAX_COUNT, (c >>> 32) + 1);
          previous = c & 0xFFFF_FFFFL;
        } else if (window == last + 1) {
          previous = c >>> 32;
          current = 1;
        } else {
          previous = 0;
          current = 1;
        }
      }
      windows[slot] = window << 32 | (limit & 0xFFFF_FFFFL);
      counts[slot] = current << 32 | previous;
      // previous · (1 - f) + current > limit, in integers: previous · (W - into) + current · W > limit · W
      return (double) previous * (windowNanos - intoWindow) + (double) current * windowNanos
          > (double) limit * windowNanos;
    }
  }

  /** Sources counted in the current or the previous window at {@code nowNanos}. */
  public int active(long nowNanos) {
    long window = Math.max(0, nowNanos - origin) / windowNanos + 1;
    int n = 0;
    for (long w : windows) {
      if (w != 0 && (w >>> 32) + 1 >= window) {
        n++;
      }
    }
    return n;
  }

  private static long mix(long x) {
    x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
    x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }
}
