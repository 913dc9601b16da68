package org.sipscreen.config;

import java.util.Map;

/**
 * Config sections of the robocall-signal checks (issue 3). A section that is present turns its check on;
 * every section has the policy keys {@code action} (allow, score, tag, reject_analytics,
 * reject_deterministic, drop) and {@code shadow}. Relative files resolve against the config file's folder.
 */
public final class CheckConfigs {

  private CheckConfigs() {}

  /** {@code screening.do_not_originate}: a DNO number list; a hit is a deterministic block by default. */
  public record DoNotOriginate(String file, String action, Boolean shadow) {
    public DoNotOriginate {
      if (file == null) {
        throw new IllegalArgumentException("file: the DNO list file is required");
      }
      checkAction(action);
    }
  }

  /** {@code screening.velocity}: call-rate limits per caller and per peer; 603+ by default. */
  public record Velocity(Integer callerPerSecond, Integer callerPerMinute, Integer callerPerHour,
      Integer peerPerSecond, Sequential sequentialDialing, Long maxTrackedNumbers, Integer score,
      Map<String, VelocityLimits> peers, String action, Boolean shadow) {
    public Velocity {
      maxTrackedNumbers = maxTrackedNumbers == null ? 100_000L : maxTrackedNumbers;
      score = score == null ? 60 : score;
      peers = peers == null ? Map.of() : Map.copyOf(peers);
      checkAction(action);
    }
  }

  /** One peer's velocity limits; a key left out keeps the global value. */
  public record VelocityLimits(Integer callerPerSecond, Integer callerPerMinute, Integer callerPerHour,
      Integer peerPerSecond, Sequential sequentialDialing) {}

  /** Sequential dialing: {@code count} ascending called numbers within {@code window_seconds}. */
  public record Sequential(Integer count, Integer windowSeconds, Integer maxStep) {
    public Sequential {
      if (count == null || windowSeconds == null) {
        throw new IllegalArgumentException("sequential_dialing needs count and window_seconds");
      }
      maxStep = maxStep == null ? 1 : maxStep;
    }
  }

  /** {@code screening.neighbor_spoofing}: caller shares the callee's NPA-NXX; tagged by default. */
  public record NeighborSpoofing(String mode, String allowList, Integer score, String action,
      Boolean shadow) {
    public NeighborSpoofing {
      mode = mode == null ? "npa_nxx" : mode;
      score = score == null ? 40 : score;
      checkAction(action);
    }
  }

  static void checkAction(String action) {
    if (action != null) {
      org.sipscreen.screening.PolicyAction.parse(action);
    }
  }
}
