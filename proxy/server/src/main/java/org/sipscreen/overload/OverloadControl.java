package org.sipscreen.overload;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the proxy as a whole is overloaded, so that new initial INVITEs are shed. It is fed two signals:
 * the event-loop lag, by a probe on every event loop ({@link #observeLag}), and the INVITEs waiting for an
 * asynchronous check, counted by the proxy ({@link #checkStarted}, {@link #checkFinished}). Reading the
 * state ({@link #shedding}) is one volatile read, so the proxy asks on every initial INVITE.
 *
 * <p>Why these signals: the lag is how late a task runs on the loop that also reads the sockets, so it
 * measures what every message waits, whatever the cause (CPU starved by other processes, a GC pause, a
 * loop busy with a flood); it costs one scheduled task per loop per probe interval. The waiting INVITEs
 * grow when a remote lookup slows down even though the loops are idle, and each holds memory until its
 * deadline. Both are counted, not sampled from the operating system, so they work the same everywhere.
 *
 * <p>The lag is smoothed (exponentially weighted, time constant {@link #SMOOTHING_NANOS}), so one GC
 * pause does not start shedding; the state has hysteresis (start at the high mark, end under the low
 * mark after at least {@code min_shed}), so it does not flap. Each change of state is logged once.
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
  private long shedSince;
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
      if (lagHigh || pending >= limits.maxPendingChecks()) {
        shedding = true;
        shedSince = now;
        shedAtStart = shedTotal();
        episodes.increment();
        log.warn("overload_shedding_started cause={} lag_ms={} pending_checks={} lag_high_ms={}"
            + " max_pending_checks={} (new INVITEs are answered 503, emergency calls and dialogs pass)",
            lagHigh ? "event_loop_lag" : "pending_checks", TimeUnit.NANOSECONDS.toMillis(lag), pending,
            limits.lagHigh().toMillis(), limits.maxPendingChecks());
      }
    } else if (lag < limits.lagLow().toNanos() && pending < limits.maxPendingChecks() / 2
        && now - shedSince >= limits.minShed().toNanos()) {
      shedding = false;
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
