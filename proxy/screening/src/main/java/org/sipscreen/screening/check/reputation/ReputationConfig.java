package org.sipscreen.screening.check.reputation;

import java.time.Duration;
import java.util.Map;
import org.sipscreen.screening.check.ConfigDurations;
import org.sipscreen.screening.check.DataSize;
import org.sipscreen.screening.check.ListFile;
import org.sipscreen.screening.check.PolicyKeys;

/**
 * {@code screening.reputation}: a bulk feed and/or a remote HTTP/JSON service ({@code url}); flags add to the
 * score by default. Every value left out takes {@link ReputationSettings#DEFAULTS} or the HTTP client's
 * defaults.
 */
public record ReputationConfig(String url, Duration deadline, Duration cacheTtl, Duration negativeTtl,
    Duration errorTtl, Duration lookupTimeout, Long maxCachedNumbers, CircuitBreakerConfig circuitBreaker,
    Duration connectTimeout, Duration requestTimeout, Integer maxConnections, DataSize maxResponseSize,
    ListFile feed, Bands bands, Map<String, Integer> scores, String action, Boolean shadow)
    implements PolicyKeys {

  public ReputationConfig {
    if (url == null && feed == null) {
      throw new IllegalArgumentException("url or feed is required");
    }
    circuitBreaker = circuitBreaker == null ? new CircuitBreakerConfig(null, null) : circuitBreaker;
    scores = scores == null ? Map.of() : Map.copyOf(scores);
    for (Duration d : new Duration[] {deadline, cacheTtl, negativeTtl, errorTtl, lookupTimeout,
        connectTimeout, requestTimeout}) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new IllegalArgumentException("durations must be positive, was " + ConfigDurations.format(d));
      }
    }
    PolicyKeys.requireAction(action);
  }

  /** {@code circuit_breaker}: stop asking the service after this many failures, for this long. */
  public record CircuitBreakerConfig(Integer failures, Duration coolDown) {}

  /** Lower bounds of the reputation bands (0-100). */
  public record Bands(Integer medium, Integer high, Integer veryHigh) {}
}
