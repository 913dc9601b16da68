package org.sipscreen.proxy;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether each next hop is up, as its probes say, with hysteresis: an up hop goes down after
 * {@code failuresToDown} consecutive failed probes, a down hop comes back after {@code successesToUp}
 * consecutive answered ones. A hop never probed is up. Read on every initial request from any thread (one
 * map lookup, no lock); written by the prober alone. Kept across reloads, keyed by address and transport.
 */
public final class NextHopHealth {

  /** What the probes of one hop said, as of the last one. */
  public record State(boolean up, int failures, int successes, String lastResult, long changedMillis) {
    static final State NEW = new State(true, 0, 0, "none", 0);
  }

  private final Map<NextHop, State> states = new ConcurrentHashMap<>();

  /** Whether {@code hop} takes requests (true until probes say otherwise). */
  public boolean isUp(NextHop hop) {
    State s = states.get(hop);
    return s == null || s.up();
  }

  /** The probe state of {@code hop}, when it was probed. */
  public Optional<State> state(NextHop hop) {
    return Optional.ofNullable(states.get(hop));
  }

  /**
   * Records one probe's outcome and returns whether the hop changed between up and down.
   *
   * @param result {@code ok}, or why it failed ({@code unavailable} for a 503, {@code timeout}, ...)
   */
  public boolean record(NextHop hop, boolean answered, String result, NextHopSet.Probing probing,
      long nowMillis) {
    State before = states.getOrDefault(hop, State.NEW);
    int failures = answered ? 0 : before.failures() + 1;
    int successes = answered ? before.successes() + 1 : 0;
    boolean up = before.up()
        ? failures < probing.failuresToDown()
        : successes >= probing.successesToUp();
    boolean changed = up != before.up();
    states.put(hop, new State(up, failures, successes, result, changed ? nowMillis : before.changedMillis()));
    return changed;
  }

  /** Forgets every hop not in {@code keep} (after a reload removed it). */
  public void retain(Collection<NextHop> keep) {
    states.keySet().retainAll(keep);
  }
}
