package org.sipscreen.screening.check.velocity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The velocity state of up to {@code capacity} calling numbers, each in a fixed number of bits of a
 * {@code long[]} page: its key, the time of its latest call, per caller window {@link
 * SlidingWindows#BUCKETS_PER_WINDOW} sub-bucket counts, and its current run of ascending called numbers
 * (the latest called number, the run's length and start, and per sequential-dialing window sub-bucket
 * counts of the run's calls). A count saturates at the largest limit it is judged against plus one, so
 * it takes only the bits that limit needs and every verdict stays the same as with exact counts.
 *
 * <p>Slots are grouped in sets of {@value #WAYS}; a number hashes to two sets and lives in one of their
 * slots. A new number takes an empty slot, else one idle for at least {@code expireAfter}, else the slot
 * of the two sets' least recently called number, so the table never holds more than {@code capacity}
 * numbers, fills almost every slot before it evicts (two choices) and a flood of distinct numbers evicts
 * the idle ones first. Pages of just under 1 MiB are allocated on first use.
 *
 * <p>The table grows with the numbers it tracks: it starts with the sets of one page and doubles its
 * sets (up to those of {@code capacity}) when a new number finds both of its sets full of live numbers,
 * moving every live number to its sets in the larger table under all the locks (30-55 ms of CPU for
 * 100,000 numbers, about log2(capacity / one page's slots) times in the table's life). A table that
 * tracks few numbers takes a page or two, and one at capacity judges exactly as a table of that size
 * from the start would.
 *
 * <p>Thread-safe: calls from one caller may arrive on several event loops at once, so a number's two
 * sets are read and written under their locks (two of {@value #LOCKS} striped locks, always taken in
 * stripe order, held for the few hundred nanoseconds of one update, never across I/O; two event loops
 * meet on one only when two of their callers hash to sets of the same stripe at the same time).
 *
 * <p>Windows: the count of a window W at time t is the calls recorded in the current sub-bucket and the
 * B - 1 before it, as {@link SlidingWindowCounter} counts (never a call older than W, possibly not those
 * between 0.9·W and W old). A call recorded with a time more than a lap of sub-buckets behind the
 * number's latest call is outside every window and not counted. Sequential dialing: the latest {@code
 * count} calls of a run are within the rule's window when the whole run is (judged exactly, to the
 * millisecond), else when at least {@code count} of the run's calls are in the window's sub-buckets.
 */
public final class CallerTable {

  /** Slots per set: the numbers a new number competes with for a place. */
  static final int WAYS = 8;
  /**
   * A page's size: just under 1 MiB, G1's region size for heaps up to 2 GB, so that a page is at least half
   * a region and G1 allocates it straight in the old generation ("humongous") instead of copying it out of
   * the young generation at the next collections (56 MB of pages copied when the table fills made those
   * pauses 10 ms long).
   */
  static final int PAGE_BYTES = (1 << 20) - 64;
  private static final int LOCKS = 256;
  private static final int B = SlidingWindows.BUCKETS_PER_WINDOW;
  /** The longest uptime the time fields cover before they wrap. */
  private static final long MAX_UPTIME_NANOS = Duration.ofDays(365L * 100).toNanos();
  /** E.164 numbers have at most 15 digits: below 2^50. */
  private static final int CALLED_BITS = 50;

  /** The bit of {@link #record}'s result that says the call completes sequential dialing. */
  public static final int SEQUENTIAL_BIT = 1 << 30;

  private final long capacity;
  private final int maxSets; // the sets of capacity
  private final int words; // per slot
  private final int slotsPerPage; // a multiple of WAYS, so that no set spans two pages
  private final Object[] locks = new Object[LOCKS];
  /** The sets in use and their pages: replaced, under every lock, when the table grows. */
  private volatile Layout layout;

  /** The table's sets now and their pages ({@code slots} slots: all its sets' unless it has them all). */
  private record Layout(int sets, long slots, AtomicReferenceArray<long[]> pages) {}

  // Time, in ticks of tickNanos since the owner's origin.
  private final long tickNanos;
  private final int timeBits;
  private final long expireTicks;

  // Caller windows: per window, the sub-bucket width in ticks, the counts' saturation and bit width.
  private final long[] windowBucketTicks;
  private final int[] windowSaturation;
  private final int[] windowBits;
  private final int[] windowOffset;

  // Runs: the windows of the sequential-dialing rules, their sub-buckets and the run fields.
  private final List<Duration> runWindows;
  private final long[] runBucketTicks;
  private final int runCapacity; // 0: no run is tracked
  private final int runBits;
  private final int[] runOffset;

  // Bit offsets within a slot (word 0 is the key + 1, 0 for an empty slot).
  private final int lastTimeOffset;
  private final int calledOffset;
  private final int lengthOffset;
  private final int runStartOffset;

  /**
   * @param callerWindows the windows counted per caller, in the order {@link #record} reports them;
   *     may be empty
   * @param callerLimits per caller window, the largest limit a count is compared to (at least 1)
   * @param runWindows the distinct windows of the sequential-dialing rules; empty when there is none
   * @param runCapacity the largest {@link SequentialDialing#count()} of those rules, 0 when there is none
   * @param capacity the most numbers tracked at once, at least 1
   * @param expireAfter a number idle this long is forgotten (its slot counts as empty)
   */
  public CallerTable(List<Duration> callerWindows, int[] callerLimits, List<Duration> runWindows,
      int runCapacity, long capacity, Duration expireAfter) {
    Objects.requireNonNull(callerWindows, "callerWindows");
    Objects.requireNonNull(callerLimits, "callerLimits");
    Objects.requireNonNull(runWindows, "runWindows");
    Objects.requireNonNull(expireAfter, "expireAfter");
    if (callerLimits.length != callerWindows.size()) {
      throw new IllegalArgumentException("caller limits must be one per caller window, were "
          + callerLimits.length + " for " + callerWindows.size());
    }
    if (runWindows.isEmpty() != (runCapacity == 0)) {
      throw new IllegalArgumentException(
          "run windows and run capacity must be both empty or both set, were " + runWindows.size()
              + " and " + runCapacity);
    }
    if (runCapacity != 0 && (runCapacity < 2 || runCapacity > SequentialDialing.MAX_COUNT)) {
      throw new IllegalArgumentException(
          "dialing run capacity must be 2-" + SequentialDialing.MAX_COUNT + ", was " + runCapacity);
    }
    if (capacity < 1 || capacity > (long) Integer.MAX_VALUE * WAYS) {
      throw new IllegalArgumentException("caller table capacity must be 1-"
          + (long) Integer.MAX_VALUE * WAYS + ", was " + capacity);
    }
    List<Duration> allWindows = new ArrayList<>(callerWindows);
    allWindows.addAll(runWindows);
    long tick = Duration.ofMillis(1).toNanos();
    for (Duration window : allWindows) {
      if (window.compareTo(SlidingWindows.MIN_WINDOW) < 0) {
        throw new IllegalArgumentException("a sliding window must be at least "
            + SlidingWindows.MIN_WINDOW.toMillis() + " ms, was " + window);
      }
      tick = gcd(tick, window.toNanos() / B);
    }
    this.tickNanos = tick;
    this.timeBits = 64 - Long.numberOfLeadingZeros(MAX_UPTIME_NANOS / tick);
    this.expireTicks = Math.max(1, expireAfter.toNanos() / tick);
    this.capacity = capacity;
    this.maxSets = (int) ((capacity + WAYS - 1) / WAYS);

    int offset = 64;
    this.lastTimeOffset = offset;
    offset += timeBits;
    int n = callerWindows.size();
    this.windowBucketTicks = new long[n];
    this.windowSaturation = new int[n];
    this.windowBits = new int[n];
    this.windowOffset = new int[n];
    for (int w = 0; w < n; w++) {
      if (callerLimits[w] < 1) {
        throw new IllegalArgumentException("caller limit must be at least 1, was " + callerLimits[w]);
      }
      windowBucketTicks[w] = callerWindows.get(w).toNanos() / B / tick;
      windowSaturation[w] = callerLimits[w] == Integer.MAX_VALUE ? Integer.MAX_VALUE : callerLimits[w] + 1;
      windowBits[w] = bitsFor(windowSaturation[w]);
      windowOffset[w] = offset;
      offset += B * windowBits[w];
    }
    this.runWindows = List.copyOf(runWindows);
    this.runCapacity = runCapacity;
    this.runBits = runCapacity == 0 ? 0 : bitsFor(runCapacity);
    this.runBucketTicks = new long[runWindows.size()];
    this.runOffset = new int[runWindows.size()];
    if (runCapacity > 0) {
      this.calledOffset = offset;
      offset += CALLED_BITS;
      this.lengthOffset = offset;
      offset += runBits;
      this.runStartOffset = offset;
      offset += timeBits;
      for (int r = 0; r < runBucketTicks.length; r++) {
        runBucketTicks[r] = runWindows.get(r).toNanos() / B / tick;
        runOffset[r] = offset;
        offset += B * runBits;
      }
    } else {
      this.calledOffset = -1;
      this.lengthOffset = -1;
      this.runStartOffset = -1;
    }
    this.words = (offset + 63) / 64;
    this.slotsPerPage = Math.max(WAYS, PAGE_BYTES / (words * Long.BYTES) / WAYS * WAYS);
    this.layout = layout(Math.min(maxSets, slotsPerPage / WAYS));
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = new Object();
    }
  }

  private Layout layout(int sets) {
    long slots = sets == maxSets ? capacity : (long) sets * WAYS;
    int pages = (int) ((slots + slotsPerPage - 1) / slotsPerPage);
    return new Layout(sets, slots, new AtomicReferenceArray<>(pages));
  }

  /** Bytes each tracked number takes once its page is allocated. */
  public int bytesPerNumber() {
    return words * Long.BYTES;
  }

  /** Slots per page (for tests). */
  int slotsPerPage() {
    return slotsPerPage;
  }

  /** Bytes of all pages once the table has grown to its capacity. */
  public long bytesAtCapacity() {
    return capacity * bytesPerNumber() + (capacity + slotsPerPage - 1) / slotsPerPage * 16 + LOCKS * 16L;
  }

  /** Bytes of the pages allocated now (for tests). */
  long bytesAllocated() {
    AtomicReferenceArray<long[]> pages = layout.pages();
    long bytes = LOCKS * 16L;
    for (int i = 0; i < pages.length(); i++) {
      long[] page = pages.get(i);
      bytes += page == null ? 0 : 16L + (long) page.length * Long.BYTES;
    }
    return bytes;
  }

  /** The sets the table has now (for tests). */
  int sets() {
    return layout.sets();
  }

  /**
   * Records a call of {@code caller} and judges it: returns a bit mask with bit {@code w} set when the
   * count of caller window {@code w} (this call included) exceeds {@code limits[w]} ({@code limits[w]}
   * 0: not judged), and bit {@link #SEQUENTIAL_BIT} when {@code rule} is given and this call completes
   * sequential dialing under it.
   *
   * @param caller the calling number's digits (E.164, at most 15 digits)
   * @param nanos the call time in nanoseconds since the owner's origin
   * @param calledDigits the called number's E.164 digits, or a negative value when it has none
   * @param limits per caller window, the limit that applies to this call, or 0
   * @param rule the sequential-dialing rule that applies to this call; null: the run is not advanced
   */
  public int record(long caller, long nanos, long calledDigits, int[] limits, SequentialDialing rule) {
    if (rule != null && rule.count() > runCapacity) {
      throw new IllegalArgumentException("sequential_dialing count " + rule.count()
          + " exceeds the run capacity " + runCapacity);
    }
    long now = ticks(nanos);
    while (true) {
      Layout seen = layout;
      int first = firstSet(caller, seen.sets());
      int second = secondSet(caller, seen.sets());
      synchronized (lowerLock(first, second)) {
        synchronized (higherLock(first, second)) {
          if (layout != seen) {
            continue; // the table grew meanwhile: the number's sets are others now
          }
          boolean mayGrow = seen.sets() < maxSets;
          int slot = slotFor(seen, first, second, caller + 1, now, mayGrow);
          if (slot >= 0) {
            return record(seen, slot, now, calledDigits, limits, rule);
          }
        }
      }
      grow(seen, now);
    }
  }

  private int record(Layout in, int slot, long now, long calledDigits, int[] limits,
      SequentialDialing rule) {
    long[] page = in.pages().get(slot / slotsPerPage);
    int base = (slot % slotsPerPage) * words;
    long last = get(page, base, lastTimeOffset, timeBits);
    long time = Math.max(now, last); // the slot's clock never goes back
    if (now > last) {
      put(page, base, lastTimeOffset, timeBits, now);
    }
    int verdict = 0;
    for (int w = 0; w < windowOffset.length; w++) {
      advance(page, base, windowOffset[w], windowBits[w], windowBucketTicks[w], last, time);
      add(page, base, windowOffset[w], windowBits[w], windowSaturation[w], windowBucketTicks[w], now, time);
      if (limits[w] > 0 && count(page, base, windowOffset[w], windowBits[w], windowBucketTicks[w],
          now, time) > limits[w]) {
        verdict |= 1 << w;
      }
    }
    for (int r = 0; r < runOffset.length; r++) {
      advance(page, base, runOffset[r], runBits, runBucketTicks[r], last, time);
    }
    if (rule != null && recordRun(page, base, calledDigits, now, time, rule)) {
      verdict |= SEQUENTIAL_BIT;
    }
    return verdict;
  }

  /**
   * The count of caller window {@code window} for {@code caller} at {@code nanos}, without recording
   * anything or counting as a call (0 for a number not tracked). Exact up to the window's saturation
   * (its largest limit plus one).
   */
  public long count(long caller, int window, long nanos) {
    Objects.checkIndex(window, windowOffset.length);
    long now = ticks(nanos);
    while (true) {
      Layout seen = layout;
      int first = firstSet(caller, seen.sets());
      int second = secondSet(caller, seen.sets());
      synchronized (lowerLock(first, second)) {
        synchronized (higherLock(first, second)) {
          if (layout != seen) {
            continue;
          }
          return count(seen, first, second, caller, window, now);
        }
      }
    }
  }

  private long count(Layout in, int first, int second, long caller, int window, long now) {
    int slot = find(in, first, caller + 1, now);
    if (slot < 0) {
      slot = find(in, second, caller + 1, now);
    }
    if (slot < 0) {
      return 0;
    }
    long[] page = in.pages().get(slot / slotsPerPage);
    int base = (slot % slotsPerPage) * words;
    long last = get(page, base, lastTimeOffset, timeBits);
    return count(page, base, windowOffset[window], windowBits[window], windowBucketTicks[window], now,
        Math.max(now, last));
  }

  /** Numbers tracked now: in a slot and not idle for {@code expireAfter} (scans the whole table). */
  public long size(long nanos) {
    long now = ticks(nanos);
    long tracked = 0;
    Layout seen = layout; // a growth meanwhile moves numbers, it does not add any
    for (int s = 0; s < seen.sets(); s++) {
      synchronized (locks[s & (LOCKS - 1)]) {
        long[] page = seen.pages().get(pageIndex(s));
        if (page == null) {
          continue;
        }
        for (int slot = firstSlot(s), end = endSlot(seen, s); slot < end; slot++) {
          int base = (slot % slotsPerPage) * words;
          if (page[base] != 0 && !expired(page, base, now)) {
            tracked++;
          }
        }
      }
    }
    return tracked;
  }

  /** The windows of the sequential-dialing rules, as given. */
  public List<Duration> runWindows() {
    return runWindows;
  }

  // ------------------------------------------------------------------ slots

  private static int firstSet(long caller, int sets) {
    long h = (caller + 1) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    return (int) Long.remainderUnsigned(h, sets);
  }

  private static int secondSet(long caller, int sets) {
    long h = (caller + 1) * 0xC2B2AE3D27D4EB4FL;
    h ^= h >>> 31;
    h *= 0x165667B19E3779F9L;
    return (int) Long.remainderUnsigned(h ^ h >>> 32, sets);
  }

  /**
   * Doubles the sets of {@code from} (up to {@link #maxSets}) and moves every number live at {@code now}
   * into the new layout, holding every lock; nothing when another thread has grown the table since then.
   */
  private void grow(Layout from, long now) {
    withAllLocks(0, () -> {
      if (layout != from) {
        return;
      }
      Layout to = layout((int) Math.min(maxSets, 2L * from.sets()));
      for (int s = 0; s < from.sets(); s++) {
        long[] page = from.pages().get(pageIndex(s));
        for (int slot = firstSlot(s), end = endSlot(from, s); page != null && slot < end; slot++) {
          int base = (slot % slotsPerPage) * words;
          long key = page[base];
          if (key == 0 || expired(page, base, now)) {
            continue;
          }
          int moved = slotFor(to, firstSet(key - 1, to.sets()), secondSet(key - 1, to.sets()), key, now,
              false);
          System.arraycopy(page, base, to.pages().get(moved / slotsPerPage), (moved % slotsPerPage) * words,
              words);
        }
      }
      layout = to;
    });
  }

  /** Runs {@code action} holding locks {@code from} to the last, taken in stripe order. */
  private void withAllLocks(int from, Runnable action) {
    if (from == LOCKS) {
      action.run();
      return;
    }
    synchronized (locks[from]) {
      withAllLocks(from + 1, action);
    }
  }

  private Object lowerLock(int first, int second) {
    return locks[Math.min(first & (LOCKS - 1), second & (LOCKS - 1))];
  }

  private Object higherLock(int first, int second) {
    return locks[Math.max(first & (LOCKS - 1), second & (LOCKS - 1))];
  }

  private static int firstSlot(int set) {
    return set * WAYS;
  }

  private static int endSlot(Layout in, int set) {
    return (int) Math.min((long) set * WAYS + WAYS, in.slots());
  }

  private int pageIndex(int set) {
    return (int) ((long) set * WAYS / slotsPerPage);
  }

  private long[] page(Layout in, int set) {
    int index = pageIndex(set);
    AtomicReferenceArray<long[]> pages = in.pages();
    long[] page = pages.get(index);
    if (page == null) {
      long slots = Math.min(slotsPerPage, in.slots() - (long) index * slotsPerPage);
      pages.compareAndSet(index, null, new long[(int) slots * words]);
      page = pages.get(index);
    }
    return page;
  }

  /** The slot of {@code key} in {@code set} when it is there and live, or -1. */
  private int find(Layout in, int set, long key, long now) {
    long[] page = in.pages().get(pageIndex(set));
    if (page == null) {
      return -1;
    }
    for (int slot = firstSlot(set), end = endSlot(in, set); slot < end; slot++) {
      int base = (slot % slotsPerPage) * words;
      if (page[base] == key) {
        return expired(page, base, now) ? -1 : slot;
      }
    }
    return -1;
  }

  /**
   * The slot of {@code key} in one of its two sets, claimed (and zeroed) for it when it has none or its
   * own expired: an empty slot, else an expired one, else that of the least recently called number; or
   * -1 when that would evict a live number and {@code mayGrow}.
   */
  private int slotFor(Layout in, int first, int second, long key, long now, boolean mayGrow) {
    int victim = -1;
    long victimRank = Long.MAX_VALUE;
    for (int choice = 0; choice < 2; choice++) {
      int set = choice == 0 ? first : second;
      long[] page = page(in, set);
      for (int slot = firstSlot(set), end = endSlot(in, set); slot < end; slot++) {
        int base = (slot % slotsPerPage) * words;
        long k = page[base];
        if (k == key) {
          if (expired(page, base, now)) {
            clear(page, base, key);
          }
          return slot;
        }
        long rank = k == 0 ? Long.MIN_VALUE
            : expired(page, base, now) ? Long.MIN_VALUE + 1 : get(page, base, lastTimeOffset, timeBits);
        if (rank < victimRank) {
          victimRank = rank;
          victim = slot;
        }
      }
    }
    if (mayGrow && victimRank > Long.MIN_VALUE + 1) {
      return -1;
    }
    clear(in.pages().get(victim / slotsPerPage), (victim % slotsPerPage) * words, key);
    return victim;
  }

  private boolean expired(long[] page, int base, long now) {
    return now - get(page, base, lastTimeOffset, timeBits) >= expireTicks;
  }

  private void clear(long[] page, int base, long key) {
    java.util.Arrays.fill(page, base, base + words, 0L);
    page[base] = key;
  }

  // ------------------------------------------------------------------ windows

  /**
   * Moves a ring of sub-bucket counts from the bucket of {@code last} to that of {@code time}: the
   * sub-buckets in between (at most a lap) start again at 0.
   */
  private void advance(long[] page, int base, int offset, int bits, long bucketTicks, long last,
      long time) {
    long from = last / bucketTicks;
    long to = time / bucketTicks;
    for (long b = from + 1, end = Math.min(to, from + B); b <= end; b++) {
      put(page, base, offset + (int) (b % B) * bits, bits, 0);
    }
  }

  /** Counts one event at {@code now} unless it is more than a lap behind {@code time}. */
  private void add(long[] page, int base, int offset, int bits, int saturation, long bucketTicks,
      long now, long time) {
    long bucket = now / bucketTicks;
    if (time / bucketTicks - bucket >= B) {
      return;
    }
    int field = offset + (int) (bucket % B) * bits;
    long c = get(page, base, field, bits);
    if (c < saturation) {
      put(page, base, field, bits, c + 1);
    }
  }

  /** The events in the ring's sub-buckets within the window ending at {@code now}. */
  private long count(long[] page, int base, int offset, int bits, long bucketTicks, long now, long time) {
    long latest = time / bucketTicks; // the ring holds buckets latest - B + 1 .. latest
    long current = now / bucketTicks;
    long sum = 0;
    for (long b = Math.max(latest - B + 1, current - B + 1); b <= Math.min(latest, current); b++) {
      sum += get(page, base, offset + (int) (Math.floorMod(b, B)) * bits, bits);
    }
    return sum;
  }

  // ------------------------------------------------------------------ dialing runs

  private boolean recordRun(long[] page, int base, long calledDigits, long now, long time,
      SequentialDialing rule) {
    long called = calledDigits >= 0 && calledDigits < (1L << CALLED_BITS) - 1 ? calledDigits : -1;
    long lastCalled = get(page, base, calledOffset, CALLED_BITS) - 1;
    long length = get(page, base, lengthOffset, runBits);
    long step = called - lastCalled;
    if (called >= 0 && length > 0 && lastCalled >= 0 && step >= 1 && step <= rule.maxStep()) {
      put(page, base, lengthOffset, runBits, Math.min(length + 1, runCapacity));
    } else {
      // A new run with this call (or none, without a called number): its earlier calls are forgotten.
      for (int r = 0; r < runOffset.length; r++) {
        for (int i = 0; i < B; i++) {
          put(page, base, runOffset[r] + i * runBits, runBits, 0);
        }
      }
      put(page, base, lengthOffset, runBits, called >= 0 ? 1 : 0);
      put(page, base, runStartOffset, timeBits, now);
    }
    put(page, base, calledOffset, CALLED_BITS, called + 1);
    if (called < 0) {
      return false;
    }
    int r = runWindows.indexOf(rule.window());
    if (r < 0) {
      throw new IllegalArgumentException("sequential_dialing window " + rule.window()
          + " is not one of the table's run windows " + runWindows);
    }
    add(page, base, runOffset[r], runBits, runCapacity, runBucketTicks[r], now, time);
    length = get(page, base, lengthOffset, runBits);
    if (length < rule.count()) {
      return false;
    }
    long windowTicks = rule.window().toNanos() / tickNanos;
    // Strictly less: the run's first call may lie up to one tick earlier than its tick says.
    if (now - get(page, base, runStartOffset, timeBits) < windowTicks) {
      return true; // the whole run lies within the window
    }
    return count(page, base, runOffset[r], runBits, runBucketTicks[r], now, time) >= rule.count();
  }

  // ------------------------------------------------------------------ bits

  private long ticks(long nanos) {
    return Math.max(0, nanos) / tickNanos & ((1L << timeBits) - 1);
  }

  private static long get(long[] page, int base, int bitOffset, int bits) {
    int word = base + (bitOffset >>> 6);
    int shift = bitOffset & 63;
    long value = page[word] >>> shift;
    if (shift + bits > 64) {
      value |= page[word + 1] << (64 - shift);
    }
    return bits == 64 ? value : value & ((1L << bits) - 1);
  }

  private static void put(long[] page, int base, int bitOffset, int bits, long value) {
    long mask = bits == 64 ? -1L : (1L << bits) - 1;
    value &= mask;
    int word = base + (bitOffset >>> 6);
    int shift = bitOffset & 63;
    page[word] = page[word] & ~(mask << shift) | value << shift;
    if (shift + bits > 64) {
      int high = 64 - shift;
      page[word + 1] = page[word + 1] & ~(mask >>> high) | value >>> high;
    }
  }

  private static int bitsFor(long maxValue) {
    return 64 - Long.numberOfLeadingZeros(maxValue);
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
