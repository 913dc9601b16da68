package org.sipscreen.config;

import java.util.Map;

/**
 * Config sections of the robocall-signal checks (issue 3). A section that is present turns its check on;
 * every section has the policy keys {@code action} (allow, score, tag, reject_analytics,
 * reject_deterministic, drop) and {@code shadow}. Relative files resolve against the config file's folder.
 */
public final class CheckConfigs {

  private CheckConfigs() {}

  /**
   * {@code screening.invalid_number}: NANP structure and numbering data, E.164 lengths; a deterministic
   * block by default. {@code npa_file} defaults to the shipped area-code list when the section is present.
   */
  public record InvalidNumber(String npaFile, String coCodeFile, Integer score, Integer dataScore,
      Map<String, Integer> scores, String action, Boolean shadow) {
    public InvalidNumber {
      score = score == null ? 100 : score;
      dataScore = dataScore == null ? 90 : dataScore;
      scores = scores == null ? Map.of() : Map.copyOf(scores);
      checkAction(action);
    }
  }

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

  /**
   * {@code screening.reputation}: a bulk feed and/or a remote HTTP/JSON service; flags add to the score by
   * default.
   */
  public record Reputation(String url, Integer deadlineMs, Integer cacheTtlSeconds,
      Integer negativeTtlSeconds, Integer errorTtlSeconds, Integer lookupTimeoutMs,
      Long maxCachedNumbers, CircuitBreaker circuitBreaker, Integer connectTimeoutMs,
      Integer requestTimeoutMs, Integer maxConnections, Integer maxResponseBytes, String feedFile,
      Bands bands, Map<String, Integer> score, String action, Boolean shadow) {
    public Reputation {
      if (url == null && feedFile == null) {
        throw new IllegalArgumentException("url or feed_file is required");
      }
      circuitBreaker = circuitBreaker == null ? new CircuitBreaker(null, null) : circuitBreaker;
      score = score == null ? Map.of() : Map.copyOf(score);
      checkAction(action);
    }
  }

  /** {@code circuit_breaker}: stop asking the service after this many failures, for this long. */
  public record CircuitBreaker(Integer failures, Integer coolDownSeconds) {}

  /** Lower bounds of the reputation bands. */
  public record Bands(Integer medium, Integer high, Integer veryHigh) {}

  static void checkAction(String action) {
    if (action != null) {
      org.sipscreen.screening.PolicyAction.parse(action);
    }
  }
}
