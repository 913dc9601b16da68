package org.sipscreen.config;

import java.time.Duration;
import org.sipscreen.overload.OverloadPolicy;
import org.sipscreen.screening.check.ConfigDurations;

/**
 * The {@code overload:} section: overload protection, on when present (docs/overload.md). While the
 * smoothed event-loop lag is at or over {@code lag_high}, or {@code max_pending_checks} INVITEs wait for an
 * asynchronous check, new initial INVITEs are shed (503 with {@code Retry-After} to peers); shedding ends
 * when the lag is under {@code lag_low} and the waiting INVITEs under half the maximum, after at least
 * {@code min_shed}; {@code max_udp_drops} datagrams a second dropped by the kernel on the SIP UDP sockets
 * also start it. Every value reloads live.
 */
public record OverloadConfig(Duration lagHigh, Duration lagLow, Integer maxPendingChecks, Duration minShed,
    Duration retryAfter, Integer maxUdpDrops) {

  public OverloadConfig {
    lagHigh = lagHigh == null ? Duration.ofMillis(200) : lagHigh;
    ConfigDurations.require(lagHigh, "lag_high", Duration.ofMillis(10), Duration.ofSeconds(10));
    lagLow = lagLow == null ? Duration.ofMillis(50) : lagLow;
    ConfigDurations.require(lagLow, "lag_low", Duration.ofMillis(1), Duration.ofSeconds(10));
    if (lagLow.compareTo(lagHigh) >= 0) {
      throw new IllegalArgumentException("lag_low must be below lag_high, was " + ConfigDurations.format(lagLow)
          + " with lag_high " + ConfigDurations.format(lagHigh));
    }
    maxPendingChecks = maxPendingChecks == null ? 5000 : maxPendingChecks;
    if (maxPendingChecks < 2 || maxPendingChecks > 1_000_000) {
      throw new IllegalArgumentException("max_pending_checks must be 2-1000000, was " + maxPendingChecks);
    }
    minShed = minShed == null ? Duration.ofSeconds(5) : minShed;
    ConfigDurations.require(minShed, "min_shed", Duration.ofSeconds(1), Duration.ofMinutes(10));
    retryAfter = retryAfter == null ? Duration.ofSeconds(10) : retryAfter;
    ConfigDurations.require(retryAfter, "retry_after", Duration.ofSeconds(1), Duration.ofHours(1));
    maxUdpDrops = maxUdpDrops == null ? 100 : maxUdpDrops;
    if (maxUdpDrops < 1 || maxUdpDrops > 100_000_000) {
      throw new IllegalArgumentException("max_udp_drops must be 1-100000000 datagrams a second, was "
          + maxUdpDrops);
    }
  }

  /** The thresholds to run with. */
  public OverloadPolicy policy() {
    return new OverloadPolicy(lagHigh, lagLow, maxPendingChecks, minShed, retryAfter, maxUdpDrops);
  }
}
