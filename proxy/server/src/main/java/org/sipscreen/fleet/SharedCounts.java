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

    final String tag;
    final List<Duration> windows;

    Kind(String tag, List<Duration> windows) {
      this.tag = tag;
      this.windows = windows;
    }

    public List<Duration> windows() {
      return windows;
    }
  }

  /** One counted key's state. */
  static final class Tally {
    final AtomicInteger pending = new AtomicInteger();
    volatile long lastCall;
    volatile long askedAt;
    volatile long[] others;

    Tally(long now, int windows) {
      this.lastCall = now;
      this.askedAt = now - 2 * KEEP.toNanos(); // never: no answer is valid yet
      this.others = new long[windows];
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
    t.pending.incrementAndGet();
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
    t.pending.incrementAndGet();
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
      t = map.computeIfAbsent(key, k -> new Tally(now, kind.windows.size()));
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
   * Forgets keys idle for {@link #KEEP}. The calls taken count as sent. A key only this instance counts
   * is asked about when it has new calls: a caller seen once costs one command, not one per exchange.
   */
  public Batch take() {
    long now = ticker.read();
    List<Entry> entries = new ArrayList<>();
    collect(callers, Kind.CALLER, now, entries);
    collect(peers, Kind.PEER, now, entries);
    collect(anonymous, Kind.ANONYMOUS, now, entries);
    return new Batch(entries, now);
  }

  private <K> void collect(Map<K, Tally> map, Kind kind, long now, List<Entry> entries) {
    for (Map.Entry<K, Tally> e : map.entrySet()) {
      Tally t = e.getValue();
      int delta = t.pending.getAndSet(0);
      long idle = now - t.lastCall;
      if (delta == 0 && idle >= KEEP.toNanos()) {
        if (map.remove(e.getKey(), t) && t.pending.get() > 0) {
          map.putIfAbsent(e.getKey(), t); // a call came in meanwhile
        }
        continue;
      }
      boolean shared = false;
      for (long o : t.others) {
        shared |= o > 0;
      }
      if (delta > 0
          || shared && (idle < FOLLOW.toNanos() || now - t.askedAt >= IDLE_REFRESH.toNanos())) {
        entries.add(new Entry(kind, String.valueOf(e.getKey()), delta, t));
      }
    }
  }

  /** Stores the answer to {@code entry}: what the other instances counted, one value per window. */
  public void answered(Entry entry, long[] others, long takenAt) {
    entry.tally().others = others.clone();
    entry.tally().askedAt = takenAt;
  }

  /** Drops the calls not yet sent (the fleet is unreachable: they are judged here only). */
  public void dropPending() {
    callers.values().forEach(t -> t.pending.set(0));
    peers.values().forEach(t -> t.pending.set(0));
    anonymous.values().forEach(t -> t.pending.set(0));
  }

  /** Keys followed now, of all kinds. */
  public int followed() {
    return callers.size() + peers.size() + anonymous.size();
  }
}
