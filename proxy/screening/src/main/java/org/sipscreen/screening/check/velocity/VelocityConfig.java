package org.sipscreen.screening.check.velocity;

import java.time.Duration;
import org.sipscreen.screening.check.ConfigDurations;
import org.sipscreen.screening.check.PeerOverride;
import org.sipscreen.screening.check.PolicyKeys;

/**
 * {@code screening.velocity}: call-rate limits per caller, per peer and for anonymous callers, and
 * sequential dialing; 603+ by default. A peer's own limits are {@code peers.<peer>.checks.velocity}
 * ({@link PeerLimits}); a limit left out is not checked.
 */
public record VelocityConfig(Integer callerPerSecond, Integer callerPerMinute, Integer callerPerHour,
    Integer peerPerSecond, Integer anonymousPerSecond, Sequential sequentialDialing,
    Long maxTrackedNumbers, Integer score, String action, Boolean shadow) implements PolicyKeys {

  public VelocityConfig {
    maxTrackedNumbers = maxTrackedNumbers == null ? 100_000L : maxTrackedNumbers;
    if (maxTrackedNumbers < 1) {
      throw new IllegalArgumentException("max_tracked_numbers must be positive, was " + maxTrackedNumbers);
    }
    score = score == null ? 60 : score;
    if (score < 0 || score > 100) {
      throw new IllegalArgumentException("score must be 0-100, was " + score);
    }
    PolicyKeys.requireAction(action);
  }

  /** Sequential dialing: {@code count} ascending called numbers within {@code window}. */
  public record Sequential(Integer count, Duration window, Integer maxStep) {
    public Sequential {
      if (count == null || window == null) {
        throw new IllegalArgumentException("sequential_dialing needs count and window");
      }
      ConfigDurations.require(window, "window", Duration.ofSeconds(1),
          Duration.ofDays(1));
      maxStep = maxStep == null ? 1 : maxStep;
    }
  }

  /** {@code peers.<peer>.checks.velocity}: that peer's limits and policy; a key left out keeps the section's. */
  public record PeerLimits(Integer callerPerSecond, Integer callerPerMinute, Integer callerPerHour,
      Integer peerPerSecond, Integer anonymousPerSecond, Sequential sequentialDialing, String action,
      Boolean shadow) implements PeerOverride {
    public PeerLimits {
      PolicyKeys.requireAction(action);
    }
  }
}
