package org.sipscreen.overload;

import java.time.Duration;
import java.util.Objects;

/**
 * When the proxy counts as overloaded (docs/overload.md): shedding starts when the smoothed event-loop lag
 * reaches {@code lagHigh} or {@code maxPendingChecks} INVITEs wait for an asynchronous check, and ends when
 * the lag is under {@code lagLow}, the waiting INVITEs are under half the maximum, and shedding has lasted
 * {@code minShed}. The kernel dropping {@code maxUdpDrops} datagrams a second or more on the SIP UDP sockets
 * also starts it, and shedding does not end while it drops any. A shed INVITE from a peer is answered 503
 * with {@code Retry-After: retryAfter}.
 */
public record OverloadPolicy(Duration lagHigh, Duration lagLow, int maxPendingChecks, Duration minShed,
    Duration retryAfter, long maxUdpDrops) {

  public OverloadPolicy {
    Objects.requireNonNull(lagHigh, "lagHigh");
    Objects.requireNonNull(lagLow, "lagLow");
    Objects.requireNonNull(minShed, "minShed");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (lagLow.compareTo(lagHigh) >= 0) {
      throw new IllegalArgumentException("lag_low must be below lag_high, was " + lagLow.toMillis()
          + "ms with lag_high " + lagHigh.toMillis() + "ms");
    }
    if (maxUdpDrops < 1) {
      throw new IllegalArgumentException("max_udp_drops must be at least 1, was " + maxUdpDrops);
    }
    if (maxPendingChecks < 2) {
      throw new IllegalArgumentException("max_pending_checks must be at least 2, was " + maxPendingChecks);
    }
  }

  /** The whole seconds of {@code Retry-After} (RFC 3261 §20.33), at least 1. */
  public long retryAfterSeconds() {
    return Math.max(1, retryAfter.toSeconds());
  }
}
