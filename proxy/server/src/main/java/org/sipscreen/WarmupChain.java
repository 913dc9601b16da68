package org.sipscreen;

import java.util.ArrayList;
import java.util.List;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.ReputationCheck;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.VelocityCheck;

/**
 * The chain the start-up warm-up plays its synthetic calls through: the prepared chain with its loaded
 * lists, feeds and tables shared (a 10 M list is not read again), and every check that keeps state replaced
 * by one with the same settings and nothing counted, so the warm-up leaves no trace in the running checks.
 * Velocity gets room for the warm-up's callers only: its per-caller table fills pages wherever callers
 * hash, so a full-size one would take the heap of a full table for a few thousand callers.
 */
final class WarmupChain {

  /** Callers the warm-up's velocity check keeps: more than the warm-up's distinct callers (10,000). */
  static final long WARMUP_TRACKED_NUMBERS = 16_384;

  private WarmupChain() {}

  static ScreeningChain of(ScreeningChain prepared) {
    List<Check> checks = new ArrayList<>(prepared.checks().size());
    for (Check c : prepared.checks()) {
      if (c instanceof VelocityCheck v) {
        checks.add(v.withFreshState(WARMUP_TRACKED_NUMBERS));
      } else if (c instanceof ReputationCheck r) {
        checks.add(ReputationCheck.feedOnly(r.settings(), r.feed())); // no service: the warm-up asks none
      } else {
        checks.add(c); // stateless, or (stir_shaken) only in a prepared chain that start() replaces
      }
    }
    return prepared.withChecks(checks);
  }
}
