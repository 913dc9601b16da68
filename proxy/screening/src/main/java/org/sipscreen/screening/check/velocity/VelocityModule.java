package org.sipscreen.screening.check.velocity;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckMetrics;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.PeerOverride;

/**
 * Builds velocity from {@code screening.velocity} and the peers' {@code checks.velocity} limits. Its
 * counting windows carry over a reload that keeps the settings; the warm-up counts in windows of its own,
 * never shared with a fleet.
 */
public final class VelocityModule extends CheckModule<VelocityConfig, VelocityCheck> {

  public static final VelocityModule INSTANCE = new VelocityModule();

  private VelocityModule() {
    super(VelocityCheck.NAME, VelocityConfig.class, VelocityCheck.class);
  }

  @Override
  public Class<? extends PeerOverride> peerOverrideType() {
    return VelocityConfig.PeerLimits.class;
  }

  @Override
  public PolicyAction defaultAction() {
    return PolicyAction.REJECT_ANALYTICS;
  }

  @Override
  public VelocityCheck build(VelocityConfig c, CheckContext context) throws CheckConfigException {
    try {
      VelocityLimits defaults = limits(VelocityLimits.NONE, c.callerPerSecond(), c.callerPerMinute(),
          c.callerPerHour(), c.peerPerSecond(), c.anonymousPerSecond(), c.sequentialDialing());
      Map<String, VelocityLimits> peers = new LinkedHashMap<>();
      for (Map.Entry<String, PeerOverride> e : context.peerOverrides(name()).entrySet()) {
        VelocityConfig.PeerLimits p = (VelocityConfig.PeerLimits) e.getValue();
        peers.put(e.getKey(), limits(defaults, p.callerPerSecond(), p.callerPerMinute(),
            p.callerPerHour(), p.peerPerSecond(), p.anonymousPerSecond(), p.sequentialDialing()));
      }
      return new VelocityCheck(defaults, peers, c.score(), c.maxTrackedNumbers());
    } catch (IllegalArgumentException e) {
      throw new CheckConfigException("", e.getMessage(), e);
    }
  }

  /** In a fleet (the server offers {@link FleetCounts}), the check counts the whole fleet's calls. */
  @Override
  public VelocityCheck live(VelocityCheck prepared, VelocityConfig config, CheckContext context) {
    return context.service(FleetCounts.class).map(prepared::withFleet).orElse(prepared);
  }

  @Override
  public VelocityCheck carryOver(VelocityCheck running, VelocityCheck built) {
    return running.sameSettings(built) ? running : built;
  }

  /**
   * Callers the warm-up's velocity check keeps: more than the warm-up's distinct callers. The per-caller
   * table fills pages wherever callers hash, so a full-size one would take the heap of a full table for a
   * few thousand callers.
   */
  static final long WARMUP_TRACKED_NUMBERS = 16_384;

  @Override
  public VelocityCheck forWarmup(VelocityCheck prepared) {
    return prepared.withFreshState(WARMUP_TRACKED_NUMBERS);
  }

  @Override
  public void exportMetrics(java.util.function.Supplier<VelocityCheck> live, CheckMetrics metrics) {
    metrics.gauge("sipscreen_velocity_tracked_numbers", "Calling numbers the velocity check keeps windows"
        + " for (at most max_tracked_numbers)", () -> live.get().trackedCallers());
  }

  /** The given values over {@code base}, each left-out value keeping the base's. */
  private static VelocityLimits limits(VelocityLimits base, Integer perSecond, Integer perMinute,
      Integer perHour, Integer peerPerSecond, Integer anonymousPerSecond,
      VelocityConfig.Sequential sequential) {
    VelocityLimits l = base;
    if (perSecond != null) {
      l = l.withCallerPerSecond(perSecond);
    }
    if (perMinute != null) {
      l = l.withCallerPerMinute(perMinute);
    }
    if (perHour != null) {
      l = l.withCallerPerHour(perHour);
    }
    if (peerPerSecond != null) {
      l = l.withPeerPerSecond(peerPerSecond);
    }
    if (anonymousPerSecond != null) {
      l = l.withAnonymousPerSecond(anonymousPerSecond);
    }
    if (sequential != null) {
      l = l.withSequentialDialing(new SequentialDialing(sequential.count(), sequential.window(),
          sequential.maxStep()));
    }
    return l;
  }
}
