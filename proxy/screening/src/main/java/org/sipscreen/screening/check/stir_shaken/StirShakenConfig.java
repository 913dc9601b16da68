package org.sipscreen.screening.check.stir_shaken;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.sipscreen.screening.check.ConfigDurations;
import org.sipscreen.screening.check.DataSize;
import org.sipscreen.screening.check.PolicyKeys;

/**
 * {@code screening.stir_shaken}: STIR/SHAKEN verification, on when the section is present;
 * {@code trust_anchors} is required. Flags add to the score by default.
 *
 * @param certificateDir preloaded chains (a directory with {@code index.txt}: {@code <x5u URL> <file>.pem})
 * @param fetch fetching certificates from x5u URLs: on when present
 * @param deadline the longest a call waits for an uncached certificate before it goes on as
 *     No-TN-Validation
 * @param freshness how far a PASSporT's {@code iat} may be from now
 */
public record StirShakenConfig(List<String> trustAnchors, String certificateDir, Fetch fetch,
    Duration deadline, Duration freshness, Cache cache, String onFailure, Boolean reasonDownstream,
    Map<String, Integer> scores, String action, Boolean shadow) implements PolicyKeys {

  public StirShakenConfig {
    trustAnchors = trustAnchors == null ? List.of() : List.copyOf(trustAnchors);
    if (trustAnchors.isEmpty()) {
      throw new IllegalArgumentException("trust_anchors: at least one PEM file of STI-PA/STI-CA roots"
          + " is required");
    }
    deadline = deadline == null ? Duration.ofMillis(100) : deadline;
    ConfigDurations.require(deadline, "deadline", Duration.ofMillis(1), Duration.ofSeconds(10));
    freshness = freshness == null ? Duration.ofSeconds(60) : freshness;
    ConfigDurations.require(freshness, "freshness", Duration.ofSeconds(1), Duration.ofHours(1));
    cache = cache == null ? new Cache(null, null, null) : cache;
    onFailure = onFailure == null ? "tag" : onFailure;
    StirShakenSettings.OnFailure.fromLabel(onFailure);
    reasonDownstream = reasonDownstream != null && reasonDownstream;
    scores = scores == null ? Map.of() : Map.copyOf(scores);
    for (Map.Entry<String, Integer> e : scores.entrySet()) {
      try {
        StirShakenSettings.Category.fromLabel(e.getKey());
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("scores." + e.getKey() + ": " + bad.getMessage());
      }
      if (e.getValue() == null || e.getValue() < 0 || e.getValue() > 100) {
        throw new IllegalArgumentException("scores." + e.getKey() + " must be 0-100, was " + e.getValue());
      }
    }
    PolicyKeys.requireAction(action);
  }

  /**
   * {@code stir_shaken.fetch}: certificates are fetched from their x5u URL, https and public addresses
   * only unless allowed, at most {@code max_size}, within {@code timeout}; {@code ca_files} add CAs to the
   * JDK's for the HTTPS connections.
   */
  public record Fetch(Boolean allowHttp, Boolean allowPrivateAddresses, DataSize maxSize, Duration timeout,
      List<String> caFiles) {
    public Fetch {
      allowHttp = allowHttp != null && allowHttp;
      allowPrivateAddresses = allowPrivateAddresses != null && allowPrivateAddresses;
      maxSize = maxSize == null ? DataSize.ofBytes(65_536) : maxSize;
      if (maxSize.bytes() < 1024 || maxSize.bytes() > 1_048_576) {
        throw new IllegalArgumentException("max_size must be 1KiB-1MiB, was " + maxSize);
      }
      timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
      ConfigDurations.require(timeout, "timeout", Duration.ofMillis(1), Duration.ofSeconds(60));
      caFiles = caFiles == null ? List.of() : List.copyOf(caFiles);
    }
  }

  /** {@code stir_shaken.cache}: how long chains and failures are kept, and how many URLs. */
  public record Cache(Duration maxTtl, Duration negativeTtl, Long maximumSize) {
    public Cache {
      maxTtl = maxTtl == null ? Duration.ofDays(1) : maxTtl;
      ConfigDurations.require(maxTtl, "max_ttl", Duration.ofSeconds(1), Duration.ofDays(365));
      negativeTtl = negativeTtl == null ? Duration.ofSeconds(60) : negativeTtl;
      ConfigDurations.require(negativeTtl, "negative_ttl", Duration.ofSeconds(1), Duration.ofDays(1));
      maximumSize = maximumSize == null ? 10_000L : maximumSize;
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximum_size must be positive, was " + maximumSize);
      }
    }
  }
}
