package org.sipscreen.overload;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the proxy as a whole is overloaded, so that new initial INVITEs are shed. It is fed two signals:
 * the event-loop lag, by a probe on every event loop ({@link #observeLag}), the INVITEs waiting for an
 * asynchronous check, counted by the proxy ({@link #checkStarted}, {@link #checkFinished}), and on Linux the
 * datagrams the kernel dropped on the SIP UDP sockets ({@link #observeUdpDrops}). Reading the
 * state ({@link #shedding}) is one volatile read, so the proxy asks on every initial INVITE.
 *
 * <p>Why these signals: the lag is how late a task runs on the loop that also reads the sockets, so it
 * measures what every message waits, whatever the cause (CPU starved by other processes, a GC pause, a
 * loop busy with a flood); it costs one scheduled task per loop per probe interval. The waiting INVITEs
 * grow when a remote lookup slows down even though the loops are idle, and each holds memory until its
 * deadline. Neither sees a UDP overload: its backlog is the sockets' receive buffers, and a loop that reads
 * as fast as it can still runs its tasks between batches of reads; the kernel's drop count does.
 *
 * <p>The lag is smoothed (exponentially weighted, time constant {@link #SMOOTHING_NANOS}), so one GC
 * pause does not start shedding; the state has hysteresis (start at the high mark, end under the low
 * mark after at least {@code min_shed}, longer when it restarts right after ending), so it does not flap. Each change of state is logged once.
 */
public final class OverloadControl {

  private static final Logger log = LoggerFactory.getLogger(OverloadControl.class);

  /** The smoothing time constant of the lag: about the last second counts. */
  static final long SMOOTHING_NANOS = TimeUnit.SECONDS.toNanos(1);

  private volatile Optional<OverloadPolicy> policy = Optional.empty();
  private volatile boolean shedding;
  private final AtomicInteger pendingChecks = new AtomicInteger();
  private final LongAdder shedAnswered = new LongAdder();
  private final LongAdder shedDropped = new LongAdder();
  private final LongAdder emergencyPassed = new LongAdder();
  private final LongAdder episodes = new LongAdder();

  // Guarded by this: the smoothing and the state machine (called by the probes, a few dozen times a second).
  private double smoothedLagNanos;
  private long lastLagNanos;
  private long lastObservedAt;
  private boolean observed;
  private long udpDropsTotal = -1;
  private long udpDropsAt;
  /** Datagrams a second the kernel dropped on the SIP UDP sockets, between the last two readings. */
  private double udpDropRate;
  private final LongAdder udpDropsSeen = new LongAdder();
  private long shedSince;
  /** How long the current shedding lasts at least: min_shed, doubled each time it restarts soon after ending. */
  private long holdNanos;
  private long endedAt;
  private boolean ended;
  private long shedAtStart;

  /** Overload protection with no policy: it measures, and never sheds. */
  public static OverloadControl off() {
    return new OverloadControl();
  }

  /** Replaces the thresholds; {@code Optional.empty()} turns shedding off (and ends it at once). */
  public synchronized void apply(Optional<OverloadPolicy> next) {
    policy = next;
    if (next.isEmpty() && shedding) {
      shedding = false;
      log.info("overload_shedding_ended reason=overload_protection_off shed={}", shedTotal() - shedAtStart);
    }
  }

  public Optional<OverloadPolicy> policy() {
    return policy;
  }

  /** Whether new initial INVITEs are shed now. */
  public boolean shedding() {
    return shedding;
  }

  /**
   * One probe's reading: the largest lag of the event loops now, at {@code nowNanos} (a
   * {@link System#nanoTime()} reading). Updates the smoothed lag and the state.
   */
  public synchronized void observeLag(long lagNanos, long nowNanos) {
    long lag = Math.max(0, lagNanos);
    if (!observed) {
      smoothedLagNanos = lag;
      observed = true;
    } else {
      long dt = Math.max(0, nowNanos - lastObservedAt);
      double weight = 1 - Math.exp(-(double) dt / SMOOTHING_NANOS);
      smoothedLagNanos += weight * (lag - smoothedLagNanos);
    }
    lastLagNanos = lag;
    lastObservedAt = nowNanos;
    evaluate(nowNanos);
  }

  /**
   * One reading of {@link UdpDropCounter}: the total the kernel dropped on the SIP UDP sockets so far, at
   * {@code nowNanos}. Updates the drop rate and the state.
   */
  public synchronized void observeUdpDrops(long total, long nowNanos) {
    if (udpDropsTotal >= 0 && total >= udpDropsTotal && nowNanos > udpDropsAt) {
      long delta = total - udpDropsTotal;
      udpDropsSeen.add(delta);
      udpDropRate = delta * 1e9 / (nowNanos - udpDropsAt);
    } else {
      udpDropRate = 0; // the first reading, or a socket closed and its count went with it
    }
    udpDropsTotal = total;
    udpDropsAt = nowNanos;
    evaluate(nowNanos);
  }

  private void evaluate(long now) {
    Optional<OverloadPolicy> p = policy;
    if (p.isEmpty()) {
      return;
    }
    OverloadPolicy limits = p.get();
    long lag = (long) smoothedLagNanos;
    int pending = pendingChecks.get();
    if (!shedding) {
      boolean lagHigh = lag >= limits.lagHigh().toNanos();
      boolean dropping = udpDropRate >= limits.maxUdpDrops();
      if (lagHigh || dropping || pending >= limits.maxPendingChecks()) {
        shedding = true;
        long minShed = limits.minShed().toNanos();
        // Shedding that ends because it worked often has to start again at once: each restart within
        // min_shed of the end holds twice as long as the last, up to 16 times min_shed, so the state
        // settles instead of flapping at the rate of min_shed.
        holdNanos = ended && now - endedAt < minShed ? Math.min(2 * holdNanos, 16 * minShed) : minShed;
        shedSince = now;
        shedAtStart = shedTotal();
        episodes.increment();
        log.warn("overload_shedding_started cause={} lag_ms={} pending_checks={} udp_drops_per_s={}"
            + " lag_high_ms={} max_pending_checks={} max_udp_drops={} hold_ms={} (new INVITEs are answered"
            + " 503, emergency calls and dialogs pass)",
            lagHigh ? "event_loop_lag" : dropping ? "udp_drops" : "pending_checks",
            TimeUnit.NANOSECONDS.toMillis(lag), pending, Math.round(udpDropRate), limits.lagHigh().toMillis(),
            limits.maxPendingChecks(), limits.maxUdpDrops(), TimeUnit.NANOSECONDS.toMillis(holdNanos));
      }
    } else if (lag < limits.lagLow().toNanos() && pending < limits.maxPendingChecks() / 2
        && udpDropRate == 0 && now - shedSince >= holdNanos) {
      shedding = false;
      ended = true;
      endedAt = now;
      log.info("overload_shedding_ended after_ms={} shed={} lag_ms={} pending_checks={}",
          TimeUnit.NANOSECONDS.toMillis(now - shedSince), shedTotal() - shedAtStart,
          TimeUnit.NANOSECONDS.toMillis(lag), pending);
    }
  }

  /** An INVITE starts waiting for an asynchronous check. */
  public void checkStarted() {
    pendingChecks.incrementAndGet();
  }

  /** An INVITE's asynchronous check is over (decided, failed or past its deadline). */
  public void checkFinished() {
    pendingChecks.decrementAndGet();
  }

  /** A shed INVITE from a peer, answered 503. */
  public void shedAnswered() {
    shedAnswered.increment();
  }

  /** A shed INVITE from a source that is no peer's, dropped without an answer. */
  public void shedDropped() {
    shedDropped.increment();
  }

  /** An emergency INVITE that passed while shedding. */
  public void emergencyPassed() {
    emergencyPassed.increment();
  }

  public int pendingChecks() {
    return pendingChecks.get();
  }

  /** The smoothed event-loop lag, in seconds. */
  public synchronized double lagSeconds() {
    return smoothedLagNanos / 1e9;
  }

  /** The largest event-loop lag of the latest probe, in seconds. */
  public synchronized double lastLagSeconds() {
    return lastLagNanos / 1e9;
  }

  /** Datagrams the kernel dropped on the SIP UDP sockets since start-up (as far as they were read). */
  public long udpDrops() {
    return udpDropsSeen.sum();
  }

  public long shedAnsweredCount() {
    return shedAnswered.sum();
  }

  public long shedDroppedCount() {
    return shedDropped.sum();
  }

  public long emergencyPassedCount() {
    return emergencyPassed.sum();
  }

  /** How many times shedding started. */
  public long episodes() {
    return episodes.sum();
  }

  private long shedTotal() {
    return shedAnswered.sum() + shedDropped.sum();
  }
}
