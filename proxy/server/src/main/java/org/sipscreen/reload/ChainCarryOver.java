package org.sipscreen.reload;

import java.util.ArrayList;
import java.util.List;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.ReputationCheck;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.StirShakenCheck;
import org.sipscreen.screening.VelocityCheck;
import org.sipscreen.screening.stir.CertificateCache;

/**
 * Carries the state of stateful checks from the running chain into a freshly built one: a velocity check
 * with unchanged settings is kept as it is (its windows go on counting), and a reputation check with
 * unchanged settings and the same service client keeps its cache, circuit breaker and counters and only
 * takes the new feed ({@link ReputationCheck#withFeed}). A check whose settings changed starts afresh.
 * The stir_shaken check is always the new one, but its certificate cache takes over the chains the running
 * one fetched when the fetch and cache settings are unchanged ({@link CertificateCache#adopt}).
 */
public final class ChainCarryOver {

  private ChainCarryOver() {}

  /** {@code built}, with stateful checks replaced by their running counterparts where settings match. */
  public static ScreeningChain apply(ScreeningChain running, ScreeningChain built) {
    VelocityCheck velocity = find(running, VelocityCheck.class);
    ReputationCheck reputation = find(running, ReputationCheck.class);
    StirShakenCheck stir = find(running, StirShakenCheck.class);
    List<Check> checks = new ArrayList<>(built.checks().size());
    boolean changed = false;
    for (Check c : built.checks()) {
      Check keep = c;
      if (c instanceof VelocityCheck v && velocity != null && velocity.sameSettings(v)) {
        keep = velocity;
      } else if (c instanceof ReputationCheck r && reputation != null
          && reputation.settings().equals(r.settings()) && sameSource(reputation, r)) {
        keep = reputation.withFeed(r.feed());
      } else if (c instanceof StirShakenCheck s && stir != null
          && s.certificates() instanceof CertificateCache fresh
          && stir.certificates() instanceof CertificateCache old) {
        fresh.adopt(old);
      }
      changed |= keep != c;
      checks.add(keep);
    }
    return changed ? built.withChecks(checks) : built;
  }

  private static boolean sameSource(ReputationCheck a, ReputationCheck b) {
    return a.source().isPresent() == b.source().isPresent()
        && (a.source().isEmpty() || a.source().get() == b.source().get());
  }

  private static <T extends Check> T find(ScreeningChain chain, Class<T> type) {
    for (Check c : chain.checks()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
