package org.sipscreen.screening.check.reputation;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The tunables of the reputation check, validated on construction (config keys under
 * {@code screening.reputation} in brackets).
 *
 * @param deadline how long a call waits for a remote answer before it continues as unknown
 *     [{@code deadline_ms}, 50 ms]
 * @param cacheTtl how long a scored answer is kept [{@code cache_ttl_seconds}, 10 min]
 * @param notFoundTtl how long "the service does not know the number" is kept
 *     [{@code negative_ttl_seconds}, 60 s]
 * @param errorTtl how long a failed lookup is kept, so a failing number is not asked again at once
 *     [{@code error_ttl_seconds}, 5 s]
 * @param lookupTimeout after this a remote lookup still pending is given up (cached as an error); the
 *     late-answer window, at least {@code deadline} [{@code lookup_timeout_ms}, 2 s]
 * @param maxCachedNumbers the cache's size bound [{@code max_cached_numbers}, 100,000]
 * @param circuitFailures consecutive failed or late lookups that open the circuit
 *     [{@code circuit_breaker.failures}, 5]
 * @param circuitCoolDown how long an open circuit answers "unknown" without asking
 *     [{@code circuit_breaker.cool_down_seconds}, 10 s]
 * @param bands where the bands start [{@code bands}, 25/50/75]
 * @param flagScores the flag score per band; a band not in the map flags with the reputation score
 *     itself [{@code score}, empty]; {@code LOW} never flags, so it cannot have one
 */
public record ReputationSettings(
    Duration deadline,
    Duration cacheTtl,
    Duration notFoundTtl,
    Duration errorTtl,
    Duration lookupTimeout,
    long maxCachedNumbers,
    int circuitFailures,
    Duration circuitCoolDown,
    ReputationBands bands,
    Map<ReputationBands.Band, Integer> flagScores) {

  public static final ReputationSettings DEFAULTS = new ReputationSettings(
      Duration.ofMillis(50), Duration.ofMinutes(10), Duration.ofSeconds(60), Duration.ofSeconds(5),
      Duration.ofSeconds(2), 100_000, 5, Duration.ofSeconds(10), ReputationBands.DEFAULT, Map.of());

  public ReputationSettings {
    requirePositive("deadline_ms", deadline);
    requirePositive("cache_ttl_seconds", cacheTtl);
    requirePositive("negative_ttl_seconds", notFoundTtl);
    requirePositive("error_ttl_seconds", errorTtl);
    requirePositive("lookup_timeout_ms", lookupTimeout);
    if (lookupTimeout.compareTo(deadline) < 0) {
      throw new IllegalArgumentException("reputation lookup_timeout_ms (" + lookupTimeout.toMillis()
          + ") must be at least deadline_ms (" + deadline.toMillis() + ")");
    }
    if (maxCachedNumbers < 1) {
      throw new IllegalArgumentException(
          "reputation max_cached_numbers must be at least 1, was " + maxCachedNumbers);
    }
    if (circuitFailures < 1) {
      throw new IllegalArgumentException(
          "reputation circuit_breaker.failures must be at least 1, was " + circuitFailures);
    }
    requirePositive("circuit_breaker.cool_down_seconds", circuitCoolDown);
    Objects.requireNonNull(bands, "bands");
    Objects.requireNonNull(flagScores, "flagScores");
    EnumMap<ReputationBands.Band, Integer> scores = new EnumMap<>(ReputationBands.Band.class);
    for (Map.Entry<ReputationBands.Band, Integer> e : flagScores.entrySet()) {
      ReputationBands.Band band = Objects.requireNonNull(e.getKey(), "flagScores band");
      int score = Objects.requireNonNull(e.getValue(), "flagScores score");
      if (band == ReputationBands.Band.LOW) {
        throw new IllegalArgumentException("reputation score: the low band does not flag, so it has no score");
      }
      if (score < 0 || score > 100) {
        throw new IllegalArgumentException(
            "reputation score." + band.name().toLowerCase(java.util.Locale.ROOT) + " must be 0-100, was "
                + score);
      }
      scores.put(band, score);
    }
    flagScores = Map.copyOf(scores);
  }

  /** These settings with another deadline (and the lookup timeout raised to it if needed). */
  public ReputationSettings withDeadline(Duration newDeadline) {
    Objects.requireNonNull(newDeadline, "newDeadline");
    Duration timeout = lookupTimeout.compareTo(newDeadline) < 0 ? newDeadline : lookupTimeout;
    return new ReputationSettings(newDeadline, cacheTtl, notFoundTtl, errorTtl, timeout,
        maxCachedNumbers, circuitFailures, circuitCoolDown, bands, flagScores);
  }

  private static void requirePositive(String key, Duration value) {
    Objects.requireNonNull(value, key);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("reputation " + key + " must be positive, was " + value);
    }
  }
}
