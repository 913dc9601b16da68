package org.sipscreen.screening.check.reputation;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Stops calling a failing remote service: after {@code failureThreshold} consecutive failures the circuit
 * opens and {@link #tryAcquire} denies every request for {@code coolDown}; then one probe request is let
 * through (half-open). The probe's success closes the circuit, its failure opens it for another
 * cool-down. Time comes from the injected {@link Ticker}. Thread-safe; the closed state, by far the
 * most common, is answered from a volatile read without locking.
 */
public final class CircuitBreaker {

  /** The breaker's state, e.g. for a gauge. */
  public enum State { CLOSED, OPEN, HALF_OPEN }

  /** What {@link #tryAcquire} granted. */
  public enum Permit {
    /** The circuit is open (or a probe is already out): do not call the service. */
    DENIED,
    /** The circuit is closed: call the service and report the result. */
    GRANTED,
    /** The one half-open probe: call the service and report the result, or {@link #release} it. */
    PROBE
  }

  private final int failureThreshold;
  private final long coolDownNanos;
  private final Ticker ticker;
  private final LongAdder opens = new LongAdder();

  private volatile State state = State.CLOSED;
  private int consecutiveFailures; // guarded by this
  private long openedAt; // guarded by this
  private boolean probeOut; // guarded by this

  /**
   * @param failureThreshold consecutive failures that open the circuit, at least 1
   * @param coolDown how long the circuit stays open before a probe, positive
   * @param ticker the time source (nanoseconds)
   */
  public CircuitBreaker(int failureThreshold, Duration coolDown, Ticker ticker) {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException(
          "circuit breaker failures must be at least 1, was " + failureThreshold);
    }
    Objects.requireNonNull(coolDown, "coolDown");
    if (coolDown.isNegative() || coolDown.isZero()) {
      throw new IllegalArgumentException("circuit breaker cool-down must be positive, was " + coolDown);
    }
    this.failureThreshold = failureThreshold;
    this.coolDownNanos = coolDown.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * Whether a request may go to the service now; report its outcome with {@link #onSuccess} or
   * {@link #onFailure}.
   */
  public Permit tryAcquire() {
    if (state == State.CLOSED) {
      return Permit.GRANTED;
    }
    synchronized (this) {
      switch (state) {
        case CLOSED:
          return Permit.GRANTED;
        case OPEN:
          if (ticker.read() - openedAt < coolDownNanos) {
            return Permit.DENIED;
          }
          state = State.HALF_OPEN;
          probeOut = true;
          return Permit.PROBE;
        default:
          if (probeOut) {
            return Permit.DENIED;
          }
          probeOut = true;
          return Permit.PROBE;
      }
    }
  }

  /** Gives back a permit that was not used for a request (another caller's request answers instead). */
  public void release(Permit permit) {
    if (permit == Permit.PROBE) {
      synchronized (this) {
        if (state == State.HALF_OPEN) {
          probeOut = false;
        }
      }
    }
  }

  /** The service answered (found or not found) in time. Resets the count; closes a half-open circuit. */
  public synchronized void onSuccess() {
    if (state != State.OPEN) {
      state = State.CLOSED;
      consecutiveFailures = 0;
      probeOut = false;
    }
  }

  /** The service failed or did not answer in time. May open the circuit. */
  public synchronized void onFailure() {
    switch (state) {
      case CLOSED:
        if (++consecutiveFailures >= failureThreshold) {
          open();
        }
        break;
      case HALF_OPEN:
        open();
        break;
      default:
        break; // already open: a request from before it opened
    }
  }

  private void open() {
    state = State.OPEN;
    openedAt = ticker.read();
    probeOut = false;
    opens.increment();
  }

  public State state() {
    return state;
  }

  /** How many times the circuit has opened (closed to open, or a failed probe). */
  public long opens() {
    return opens.sum();
  }
}
