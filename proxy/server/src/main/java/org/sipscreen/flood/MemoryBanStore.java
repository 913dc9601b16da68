package org.sipscreen.flood;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bans of one proxy, in memory, at most {@code capacity}: when full, a new ban replaces the one that
 * ends soonest. An ended ban is removed when it is next looked at. It outlives reloads: the proxy keeps one
 * store for its whole run.
 */
public final class MemoryBanStore implements BanStore {

  private record Entry(Ban ban, long untilNanos) {}

  private final Map<Long, Entry> bans = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final Clock clock;
  private final int capacity;

  /**
   * @param ticker the time bans end by (tests pass a fake one)
   * @param clock the wall time bans are shown with
   * @param capacity the most bans kept at once, at least 1
   */
  public MemoryBanStore(Ticker ticker, Clock clock, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.ticker = ticker;
    this.clock = clock;
    this.capacity = capacity;
  }

  @Override
  public boolean banned(long source) {
    if (bans.isEmpty()) {
      return false;
    }
    Entry e = bans.get(source);
    if (e == null) {
      return false;
    }
    if (e.untilNanos() - ticker.read() > 0) {
      return true;
    }
    bans.remove(source, e);
    return false;
  }

  @Override
  public void ban(long source, Optional<String> peer, Duration duration) {
    long now = ticker.read();
    Instant since = clock.instant();
    Entry next = new Entry(new Ban(source, peer, since, since.plus(duration)), now + duration.toNanos());
    if (bans.size() >= capacity && !bans.containsKey(source)) {
      purge(now);
      if (bans.size() >= capacity) {
        bans.values().stream().min(Comparator.comparingLong(Entry::untilNanos))
            .ifPresent(soonest -> bans.remove(soonest.ban().source(), soonest));
      }
    }
    bans.merge(source, next, (old, fresh) -> old.untilNanos() - fresh.untilNanos() >= 0 ? old : fresh);
  }

  /**
   * Takes a ban made elsewhere (another member of a fleet) with its own start and end; a source already
   * banned keeps the later end. An ended ban is ignored.
   */
  public void restore(Ban ban) {
    Duration left = Duration.between(clock.instant(), ban.until());
    if (left.isNegative() || left.isZero()) {
      return;
    }
    long now = ticker.read();
    if (bans.size() >= capacity && !bans.containsKey(ban.source())) {
      purge(now);
      if (bans.size() >= capacity) {
        return; // full: this instance's own bans stay
      }
    }
    Entry next = new Entry(ban, now + left.toNanos());
    bans.merge(ban.source(), next, (old, fresh) -> old.untilNanos() - fresh.untilNanos() >= 0 ? old : fresh);
  }

  @Override
  public Optional<Ban> unban(long source) {
    Entry e = bans.remove(source);
    return e == null || e.untilNanos() - ticker.read() <= 0 ? Optional.empty() : Optional.of(e.ban());
  }

  @Override
  public List<Ban> active() {
    purge(ticker.read());
    List<Entry> entries = new ArrayList<>(bans.values());
    entries.sort(Comparator.comparingLong(Entry::untilNanos));
    return entries.stream().map(Entry::ban).toList();
  }

  @Override
  public int size() {
    purge(ticker.read());
    return bans.size();
  }

  private void purge(long now) {
    bans.values().removeIf(e -> e.untilNanos() - now <= 0);
  }
}
