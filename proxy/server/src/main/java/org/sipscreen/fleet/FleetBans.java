package org.sipscreen.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.sipscreen.flood.BanStore;
import org.sipscreen.flood.MemoryBanStore;

/**
 * Flood control's bans shared by a fleet: every question is answered from this instance's
 * {@link MemoryBanStore}, which the fleet thread keeps in step with Redis (a hash {@code <prefix>bans},
 * field the source, value {@code <until ms>:<since ms>:<peer>}, and a change counter
 * {@code <prefix>bans:version}). A ban or unban here is queued and sent with the next exchange; the
 * others' bans arrive when the counter changes. Nothing here waits on Redis.
 */
public final class FleetBans implements BanStore {

  /** Changes kept while Redis is unreachable; beyond, a change stays local. */
  static final int MAX_PENDING = 65_536;

  /** A change to send: a ban, or (ban null) lifting the ban on {@code source}. */
  record Change(long source, Ban ban) {}

  private final MemoryBanStore local;
  private final Clock clock;
  private final ConcurrentLinkedQueue<Change> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();

  // The fleet thread's: the sources in Redis at the last read, and the counter then.
  private Set<Long> inFleet = new HashSet<>();
  private long version = -1;

  public FleetBans(MemoryBanStore local, Clock clock) {
    this.local = local;
    this.clock = clock;
  }

  @Override
  public boolean banned(long source) {
    return local.banned(source);
  }

  @Override
  public void ban(long source, Optional<String> peer, Duration duration) {
    local.ban(source, peer, duration);
    Instant since = clock.instant();
    queue(new Change(source, new Ban(source, peer, since, since.plus(duration))));
  }

  @Override
  public Optional<Ban> unban(long source) {
    Optional<Ban> lifted = local.unban(source);
    queue(new Change(source, null));
    return lifted;
  }

  @Override
  public List<Ban> active() {
    return local.active();
  }

  @Override
  public int size() {
    return local.size();
  }

  private void queue(Change change) {
    if (pendingCount.incrementAndGet() > MAX_PENDING) {
      pendingCount.decrementAndGet();
      return;
    }
    pending.add(change);
  }

  // ------------------------------------------------------------------ the fleet thread

  /** The changes to send now (they are gone from the queue). */
  List<Change> take() {
    List<Change> out = new ArrayList<>();
    for (Change c; (c = pending.poll()) != null; ) {
      pendingCount.decrementAndGet();
      out.add(c);
    }
    return out;
  }

  /** Changes that could not be sent go back to the front of the next exchange. */
  void putBack(List<Change> changes) {
    List<Change> later = take();
    for (Change c : changes) {
      queue(c);
    }
    later.forEach(this::queue);
  }

  /** The counter last read; -1 before the first read. */
  long version() {
    return version;
  }

  /**
   * The counter went backwards (or is gone): Redis lost its data. Every ban in force here is sent again,
   * and none is lifted for being missing.
   */
  void redisReset() {
    inFleet = new HashSet<>();
    version = -1;
    for (Ban b : local.active()) {
      queue(new Change(b.source(), b));
    }
  }

  /**
   * Applies the table as read at counter {@code newVersion}: bans found there are taken, bans seen there
   * before and gone now were lifted by another member and are lifted here. Answers the fields whose ban
   * ended, to be removed.
   */
  List<String> apply(Map<String, String> table, long newVersion) {
    Instant now = clock.instant();
    Set<Long> seen = new HashSet<>();
    List<String> ended = new ArrayList<>();
    table.forEach((field, value) -> {
      Ban ban = parse(field, value);
      if (ban == null || !ban.until().isAfter(now)) {
        ended.add(field);
        return;
      }
      seen.add(ban.source());
      local.restore(ban);
    });
    Set<Long> queued = new HashSet<>();
    pending.forEach(c -> queued.add(c.source()));
    for (long source : inFleet) {
      if (!seen.contains(source) && !queued.contains(source)) {
        local.unban(source);
      }
    }
    inFleet = seen;
    version = newVersion;
    return ended;
  }

  static String format(Ban ban) {
    return ban.until().toEpochMilli() + ":" + ban.since().toEpochMilli() + ":" + ban.peer().orElse("");
  }

  static Ban parse(String field, String value) {
    try {
      String[] parts = value.split(":", 3);
      if (parts.length != 3) {
        return null;
      }
      return new Ban(Long.parseLong(field), parts[2].isEmpty() ? Optional.empty() : Optional.of(parts[2]),
          Instant.ofEpochMilli(Long.parseLong(parts[1])), Instant.ofEpochMilli(Long.parseLong(parts[0])));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
