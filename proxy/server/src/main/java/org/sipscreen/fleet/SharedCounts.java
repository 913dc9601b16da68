package org.sipscreen.fleet;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.sipscreen.screening.check.velocity.FleetCounts;

/**
 * The velocity counts this instance shares with its fleet: per calling number, source peer and peer's
 * anonymous calls seen lately, the calls counted here and not yet sent, and what the other instances
 * counted as of the latest exchange. Calls only touch memory (an atomic increment); the exchanger takes
 * a {@link Batch} of what to send and ask, and applies the answers. While the fleet is {@linkplain
 * #usable() unusable} (Redis down, slow or partitioned), every call is judged on this instance's counts
 * alone.
 *
 * <p>Kept per counted key: about 150 bytes, only while the key is active (a call here within the last
 * {@link #KEEP}); the velocity check's own per-caller table is not changed by a fleet.
 */
public final class SharedCounts implements FleetCounts {

  /**
   * Keys that other instances count too (the latest answer was not all zero) and that had a call here
   * within this are asked about at every exchange.
   */
  static final Duration FOLLOW = Duration.ofSeconds(1);
  /** Such keys idle longer than {@link #FOLLOW} are asked about this often. */
  static final Duration IDLE_REFRESH = Duration.ofSeconds(3);
  /** Keys idle this long are forgotten: the oldest answer any window still uses (1 h / 10). */
  static final Duration KEEP = Duration.ofMinutes(6);
  /** At most this many keys of each kind are followed; beyond, a new key is judged locally. */
  static final int MAX_KEYS = 200_000;

  /** What is counted, and in which windows (a key's Redis hash has one ring of 10 buckets per window). */
  public enum Kind {
    CALLER("c", List.of(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofHours(1))),
    PEER("p", List.of(Duration.ofSeconds(1))),
    ANONYMOUS("a", List.of(Duration.ofSeconds(1)));

    /** The most windows a kind has. */
    static final int MAX_WINDOWS = 3;

    final String tag;
    final List<Duration> windows;
    /** No other instance counted this key: the answer every such key shares (never written). */
    final long[] none;

    Kind(String tag, List<Duration> windows) {
      this.tag = tag;
      this.windows = windows;
      this.none = new long[windows.size()];
    }

    public List<Duration> windows() {
      return windows;
    }
  }

  /** One counted key's state. */
  static final class Tally {
    final Kind kind;
    final String id;
    final AtomicInteger pending = new AtomicInteger();
    volatile long lastCall;
    volatile long askedAt;
    volatile long[] others;

    /** Whether the latest answer was not all zero: other instances count this key too (exchange thread). */
    boolean shared;

    Tally(Kind kind, String id, long now) {
      this.kind = kind;
      this.id = id;
      this.lastCall = now;
      this.askedAt = now - 2 * KEEP.toNanos(); // never: no answer is valid yet
      this.others = kind.none;
    }
  }

  /** One key of an exchange: the calls to add (may be 0: only ask) and, once answered, the others. */
  public record Entry(Kind kind, String id, int delta, Tally tally) {}

  /** What one exchange sends. */
  public record Batch(List<Entry> entries, long takenAt) {
    public int size() {
      return entries.size();
    }
  }

  private final Ticker ticker;
  private final long[] validity = new long[3]; // per caller window; peer windows use [0]
  private final Map<Long, Tally> callers = new ConcurrentHashMap<>();
  private final Map<String, Tally> peers = new ConcurrentHashMap<>();
  private final Map<String, Tally> anonymous = new ConcurrentHashMap<>();
  /** Keys whose calls went from none to some since the last exchange: what {@link #take} sends. */
  private final java.util.Queue<Tally> dirty = new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** Keys other instances count too (exchange thread only). */
  private final java.util.Set<Tally> shared = new java.util.HashSet<>();
  private long lastSweep;
  private volatile boolean usable;

  /**
   * @param staleness the exchange interval: an answer is used for a window while it is younger than
   *     three intervals or a tenth of the window, whichever is longer
   */
  public SharedCounts(Duration staleness, Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    List<Duration> windows = Kind.CALLER.windows;
    for (int w = 0; w < windows.size(); w++) {
      validity[w] = Math.max(windows.get(w).toNanos() / 10, 3 * staleness.toNanos());
    }
  }

  /** Whether the other instances' counts are used (the fleet answered lately). */
  public boolean usable() {
    return usable;
  }

  /** Uses the other instances' counts (true) or judges on this instance's alone (false). */
  public void usable(boolean usable) {
    this.usable = usable;
  }

  @Override
  public Others callerCall(long caller) {
    Tally t = tally(callers, caller, Kind.CALLER);
    if (t == null) {
      return Others.NONE;
    }
    if (t.pending.getAndIncrement() == 0) {
      dirty.add(t);
    }
    return othersOf(t);
  }

  @Override
  public Others callerOthers(long caller) {
    Tally t = callers.get(caller);
    return t == null ? Others.NONE : othersOf(t);
  }

  @Override
  public long peerCall(String peer) {
    return peerLike(peers, peer, Kind.PEER);
  }

  @Override
  public long anonymousCall(String peer) {
    return peerLike(anonymous, peer, Kind.ANONYMOUS);
  }

  private long peerLike(Map<String, Tally> map, String peer, Kind kind) {
    Tally t = tally(map, peer, kind);
    if (t == null) {
      return 0;
    }
    if (t.pending.getAndIncrement() == 0) {
      dirty.add(t);
    }
    if (!usable || ticker.read() - t.askedAt >= validity[0]) {
      return 0;
    }
    return t.others[0];
  }

  private <K> Tally tally(Map<K, Tally> map, K key, Kind kind) {
    long now = ticker.read();
    Tally t = map.get(key);
    if (t == null) {
      if (map.size() >= MAX_KEYS) {
        return null;
      }
      t = map.computeIfAbsent(key, k -> new Tally(kind, String.valueOf(k), now));
    }
    t.lastCall = now;
    return t;
  }

  private Others othersOf(Tally t) {
    if (!usable) {
      return Others.NONE;
    }
    long age = ticker.read() - t.askedAt;
    long[] o = t.others;
    long s = age < validity[0] ? o[0] : 0;
    long m = age < validity[1] ? o[1] : 0;
    long h = age < validity[2] ? o[2] : 0;
    return s == 0 && m == 0 && h == 0 ? Others.NONE : new Others(s, m, h);
  }

  /**
   * Takes what to send now: every key with calls not yet sent; of the keys the other instances count too,
   * those active within {@link #FOLLOW} and the idle ones not asked about for {@link #IDLE_REFRESH}.
   * Forgets keys idle for {@link #KEEP} (a sweep every few seconds). The calls taken count as sent. A key
   * only this instance counts is sent when it has new calls: a caller seen once costs one key in one
   * exchange, not one per exchange. Exchange thread only.
   */
  public Batch take() {
    long now = ticker.read();
    List<Entry> entries = new ArrayList<>();
    java.util.Set<Tally> taken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Tally t; (t = dirty.poll()) != null; ) {
      int delta = t.pending.getAndSet(0);
      if (delta > 0 && taken.add(t)) {
        entries.add(new Entry(t.kind, t.id, delta, t));
      }
    }
    for (java.util.Iterator<Tally> i = shared.iterator(); i.hasNext(); ) {
      Tally t = i.next();
      long idle = now - t.lastCall;
      if (idle >= KEEP.toNanos()) {
        i.remove();
      } else if (!taken.contains(t)
          && (idle < FOLLOW.toNanos() || now - t.askedAt >= IDLE_REFRESH.toNanos())) {
        entries.add(new Entry(t.kind, t.id, 0, t));
      }
    }
    if (now - lastSweep >= IDLE_REFRESH.toNanos()) {
      lastSweep = now;
      sweep(callers, now);
      sweep(peers, now);
      sweep(anonymous, now);
    }
    return new Batch(entries, now);
  }

  private <K> void sweep(Map<K, Tally> map, long now) {
    for (Map.Entry<K, Tally> e : map.entrySet()) {
      Tally t = e.getValue();
      if (now - t.lastCall >= KEEP.toNanos() && t.pending.get() == 0 && map.remove(e.getKey(), t)
          && t.pending.get() > 0) {
        map.putIfAbsent(e.getKey(), t); // a call came in meanwhile
      }
    }
  }

  /**
   * Stores the answer to {@code entry}: what the other instances counted, one value per window of the
   * entry's kind (the first ones of {@code others}, which is copied, not kept).
   */
  public void answered(Entry entry, long[] others, long takenAt) {
    Tally t = entry.tally();
    int windows = t.kind.windows.size();
    boolean counted = false;
    for (int w = 0; w < windows; w++) {
      counted |= others[w] > 0;
    }
    t.others = counted ? java.util.Arrays.copyOf(others, windows) : t.kind.none;
    t.askedAt = takenAt;
    t.shared = counted;
    if (counted) {
      shared.add(t);
    } else {
      shared.remove(t);
    }
  }

  /** Drops the calls not yet sent (the fleet is unreachable: they are judged here only). */
  public void dropPending() {
    for (Tally t; (t = dirty.poll()) != null; ) {
      t.pending.set(0);
    }
  }

  /** Keys followed now, of all kinds. */
  public int followed() {
    return callers.size() + peers.size() + anonymous.size();
  }
}
