package org.sipscreen.config;

import java.util.List;
import java.util.Map;

/**
 * Config sections of the robocall-signal checks (issue 3). A section that is present turns its check on;
 * every section has the policy keys {@code action} (allow, score, tag, reject_analytics,
 * reject_deterministic, drop) and {@code shadow}. Relative files resolve against the config file's folder.
 */
public final class CheckConfigs {

  private CheckConfigs() {}

  /**
   * {@code screening.calling_number}: what a caller without a number (flag {@code anonymous}) gets. The
   * check always runs; by default the flag is allowed (forwarded and counted) with score 0.
   */
  public record CallingNumber(Integer score, String action, Boolean shadow) {
    static final CallingNumber DEFAULT = new CallingNumber(null, null, null);

    public CallingNumber {
      score = score == null ? 0 : score;
      if (score < 0 || score > 100) {
        throw new IllegalArgumentException("score must be 0-100, was " + score);
      }
      checkAction(action);
    }
  }

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
      Map<String, VelocityLimits> peers, String action, Boolean shadow, Integer anonymousPerSecond) {
    public Velocity {
      maxTrackedNumbers = maxTrackedNumbers == null ? 100_000L : maxTrackedNumbers;
      score = score == null ? 60 : score;
      peers = peers == null ? Map.of() : Map.copyOf(peers);
      checkAction(action);
    }
  }

  /** One peer's velocity limits; a key left out keeps the global value. */
  public record VelocityLimits(Integer callerPerSecond, Integer callerPerMinute, Integer callerPerHour,
      Integer peerPerSecond, Sequential sequentialDialing, Integer anonymousPerSecond) {}

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

  /**
   * {@code screening.stir_shaken}: STIR/SHAKEN verification (issue 4). On when the section is present and
   * {@code enabled} is not false; {@code trust_anchors} is then required. Flags add to the score by default.
   */
  public record StirShaken(Boolean enabled, List<String> trustAnchors, String certificateDir,
      StirFetch fetch, Integer deadlineMs, Integer freshnessSeconds, StirCache cache, String onFailure,
      Boolean reasonDownstream, Map<String, Integer> scores, String action, Boolean shadow) {
    public StirShaken {
      enabled = enabled == null ? Boolean.TRUE : enabled;
      trustAnchors = trustAnchors == null ? List.of() : List.copyOf(trustAnchors);
      if (enabled && trustAnchors.isEmpty()) {
        throw new IllegalArgumentException("trust_anchors: at least one PEM file of STI-PA/STI-CA roots"
            + " is required when stir_shaken is enabled");
      }
      fetch = fetch == null ? new StirFetch(false, null, null, null, null, null) : fetch;
      deadlineMs = deadlineMs == null ? 100 : deadlineMs;
      if (deadlineMs < 1 || deadlineMs > 10_000) {
        throw new IllegalArgumentException("deadline_ms must be 1-10000, was " + deadlineMs);
      }
      freshnessSeconds = freshnessSeconds == null ? 60 : freshnessSeconds;
      if (freshnessSeconds < 1 || freshnessSeconds > 3600) {
        throw new IllegalArgumentException("freshness_seconds must be 1-3600, was " + freshnessSeconds);
      }
      cache = cache == null ? new StirCache(null, null, null) : cache;
      onFailure = onFailure == null ? "tag" : onFailure;
      org.sipscreen.screening.stir.StirShakenSettings.OnFailure.fromLabel(onFailure);
      reasonDownstream = reasonDownstream == null ? Boolean.FALSE : reasonDownstream;
      scores = scores == null ? Map.of() : Map.copyOf(scores);
      for (Map.Entry<String, Integer> e : scores.entrySet()) {
        try {
          org.sipscreen.screening.stir.StirShakenSettings.Category.fromLabel(e.getKey());
        } catch (IllegalArgumentException bad) {
          throw new IllegalArgumentException("scores." + e.getKey() + ": " + bad.getMessage());
        }
        if (e.getValue() == null || e.getValue() < 0 || e.getValue() > 100) {
          throw new IllegalArgumentException("scores." + e.getKey() + " must be 0-100, was " + e.getValue());
        }
      }
      checkAction(action);
    }
  }

  /**
   * {@code stir_shaken.fetch}: downloading certificates not preloaded. Off unless {@code enabled}; https
   * only, public addresses only, unless explicitly allowed.
   */
  public record StirFetch(Boolean enabled, Boolean allowHttp, Boolean allowPrivateAddresses, Long maxBytes,
      Integer timeoutMs, List<String> caFiles) {
    public StirFetch {
      enabled = enabled == null ? Boolean.FALSE : enabled;
      allowHttp = allowHttp == null ? Boolean.FALSE : allowHttp;
      allowPrivateAddresses = allowPrivateAddresses == null ? Boolean.FALSE : allowPrivateAddresses;
      maxBytes = maxBytes == null ? 65_536L : maxBytes;
      if (maxBytes < 1024 || maxBytes > 1_048_576) {
        throw new IllegalArgumentException("max_bytes must be 1024-1048576, was " + maxBytes);
      }
      timeoutMs = timeoutMs == null ? 2000 : timeoutMs;
      if (timeoutMs < 1 || timeoutMs > 60_000) {
        throw new IllegalArgumentException("timeout_ms must be 1-60000, was " + timeoutMs);
      }
      caFiles = caFiles == null ? List.of() : List.copyOf(caFiles);
    }
  }

  /** {@code stir_shaken.cache}: how long chains and failures are kept, and how many URLs. */
  public record StirCache(Integer maxTtlSeconds, Integer negativeTtlSeconds, Long maximumSize) {
    public StirCache {
      maxTtlSeconds = maxTtlSeconds == null ? 86_400 : maxTtlSeconds;
      if (maxTtlSeconds < 1) {
        throw new IllegalArgumentException("max_ttl_seconds must be positive, was " + maxTtlSeconds);
      }
      negativeTtlSeconds = negativeTtlSeconds == null ? 60 : negativeTtlSeconds;
      if (negativeTtlSeconds < 1) {
        throw new IllegalArgumentException(
            "negative_ttl_seconds must be positive, was " + negativeTtlSeconds);
      }
      maximumSize = maximumSize == null ? 10_000L : maximumSize;
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximum_size must be positive, was " + maximumSize);
      }
    }
  }

  static void checkAction(String action) {
    if (action != null) {
      org.sipscreen.screening.PolicyAction.parse(action);
    }
  }
}
