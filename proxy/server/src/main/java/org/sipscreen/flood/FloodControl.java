package org.sipscreen.flood;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.sipscreen.screening.check.velocity.SlidingWindowCounter;
import org.sipscreen.screening.check.velocity.SlidingWindows;

/**
 * Per-source flood control, the first thing a received request meets (pike-like): counts the requests of
 * each source ({@link SourceKey}) in a {@link SourceRateTable}; a source over its limit is banned in the
 * {@link BanStore} for the policy's ban time, and everything it sends is dropped without an answer (the
 * source may be spoofed: an answer would make us an amplifier). A source in a peer's networks is the one
 * exception: its emergency INVITEs still pass ({@link #emergencyExempt}). The policy's exempt sources (the
 * core) are never counted. Off until a policy is applied;
 * a new policy keeps the bans.
 */
public final class FloodControl {

  /** What happens to one request. */
  public enum Admission {
    /** Handle it. */
    PASS,
    /** Drop it unread: its source is banned or just went over its limit. */
    DROP,
    /**
     * Its source, a peer's address, is banned or just went over its limit, or its peer is over its total
     * limit: pass it only when it is an emergency INVITE ({@link #emergencyExempt}), else drop it.
     */
    EMERGENCY_ONLY
  }

  /** A policy, its per-source table and the counters of the peers with a total limit. */
  private record Running(FloodPolicy policy, SourceRateTable table,
      Map<String, SlidingWindowCounter> peerTotals) {}

  private final BanStore bans;
  private final Ticker ticker;
  private final Predicate<String> emergencyUri;
  private volatile Running running;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder bansIssued = new LongAdder();
  private final LongAdder emergencyPassed = new LongAdder();
  private final LongAdder overPeerTotal = new LongAdder();
  /** The time peers' totals count from (their counters take non-negative times). */
  private final long origin;

  /**
   * @param bans where bans are kept; outlives every policy
   * @param ticker the time requests are counted by
   * @param emergencyUri whether a Request-URI calls emergency services (the running chain's emergency
   *     numbers)
   */
  public FloodControl(BanStore bans, Ticker ticker, Predicate<String> emergencyUri) {
    this.bans = bans;
    this.ticker = ticker;
    this.emergencyUri = emergencyUri;
    this.origin = ticker.read();
  }

  /** Flood control that stays off (for a proxy run without it, such as the start-up warm-up). */
  public static FloodControl off() {
    return new FloodControl(new MemoryBanStore(Ticker.systemTicker(), java.time.Clock.systemUTC(), 1),
        Ticker.systemTicker(), uri -> false);
  }

  /**
   * Runs with {@code policy} from now on, or turns flood control off when empty. Rates counted so far are
   * kept when the limits did not change; bans are always kept.
   */
  public void apply(Optional<FloodPolicy> policy) {
    Running before = running;
    if (policy.isEmpty()) {
      running = null;
    } else if (before == null || !before.policy().equals(policy.get())) {
      FloodPolicy p = policy.get();
      SlidingWindows windows = new SlidingWindows(List.of(p.window()));
      Map<String, SlidingWindowCounter> totals = new HashMap<>();
      p.peerTotals().keySet().forEach(peer -> totals.put(peer, windows.newCounter()));
      running = new Running(p, new SourceRateTable(p.window(), p.maxSources(), p::limitOf, ticker.read()),
          Map.copyOf(totals));
    }
  }

  /** Whether a policy runs. */
  public boolean on() {
    return running != null;
  }

  /** The running policy. */
  public Optional<FloodPolicy> policy() {
    Running r = running;
    return r == null ? Optional.empty() : Optional.of(r.policy());
  }

  /** The bans. */
  public BanStore bans() {
    return bans;
  }

  /** Counts one request from {@code source} and says what to do with it. */
  public Admission admit(InetAddress source) {
    Running r = running;
    if (r == null) {
      return Admission.PASS;
    }
    long key = SourceKey.of(source);
    if (r.policy().exempt(key)) {
      return Admission.PASS;
    }
    if (!bans.banned(key)) {
      long now = ticker.read();
      if (!r.table().countAndCheck(key, source, now)) {
        return r.peerTotals().isEmpty() || withinPeerTotal(r, source, now) ? Admission.PASS
            : Admission.EMERGENCY_ONLY;
      }
      bans.ban(key, r.policy().peerOf(source), r.policy().ban());
      bansIssued.increment();
    }
    if (r.policy().peerOf(source).isPresent()) {
      return Admission.EMERGENCY_ONLY;
    }
    dropped.increment();
    return Admission.DROP;
  }

  /** Counts a request of a peer with a total limit; false when the peer is over it (no ban: the excess goes). */
  private boolean withinPeerTotal(Running r, InetAddress source, long now) {
    Optional<String> peer = r.policy().peerOf(source);
    SlidingWindowCounter counter = peer.isPresent() ? r.peerTotals().get(peer.get()) : null;
    if (counter == null) {
      return true;
    }
    long t = now - origin;
    counter.record(t);
    if (counter.count(0, t) <= r.policy().peerTotals().get(peer.get())) {
      return true;
    }
    overPeerTotal.increment();
    return false;
  }

  /**
   * For a request {@link Admission#EMERGENCY_ONLY} admitted: whether it is an INVITE to emergency services
   * (then it passes and is counted as exempt) or not (then it is dropped and counted).
   *
   * @param requestLine the request's first line, e.g. {@code INVITE sip:911@example.net SIP/2.0}
   */
  public boolean emergencyExempt(CharSequence requestLine) {
    if (isEmergencyInvite(requestLine)) {
      emergencyPassed.increment();
      return true;
    }
    dropped.increment();
    return false;
  }

  /** Whether a new TCP connection from {@code source} is closed at once: banned and no peer's. */
  public boolean refuseConnection(InetAddress source) {
    Running r = running;
    return r != null && bans.banned(SourceKey.of(source)) && r.policy().peerOf(source).isEmpty();
  }

  private boolean isEmergencyInvite(CharSequence line) {
    String s = line.toString();
    if (!s.startsWith("INVITE ")) {
      return false;
    }
    int end = s.indexOf(' ', 7);
    if (end < 0 || !s.startsWith("SIP/2.0", end + 1)) {
      return false;
    }
    try {
      return emergencyUri.test(s.substring(7, end));
    } catch (RuntimeException e) {
      return false; // an unreadable Request-URI is no emergency call
    }
  }

  /** Requests dropped by flood control. */
  public long dropped() {
    return dropped.sum();
  }

  /** Bans issued since start-up (not those an operator lifted or that ended). */
  public long bansIssued() {
    return bansIssued.sum();
  }

  /** Requests of a peer over its total limit (then dropped, or passed as emergency INVITEs). */
  public long overPeerTotal() {
    return overPeerTotal.sum();
  }

  /** Emergency INVITEs from a banned peer address that passed. */
  public long emergencyPassed() {
    return emergencyPassed.sum();
  }

  /** Sources counted in the current or the previous window. */
  public int sourcesTracked() {
    Running r = running;
    return r == null ? 0 : r.table().active(ticker.read());
  }
}
