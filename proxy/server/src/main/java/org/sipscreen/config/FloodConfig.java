package org.sipscreen.config;

import java.time.Duration;
import java.util.Map;
import org.sipscreen.screening.check.ConfigDurations;

/**
 * The {@code flood:} section: per-source flood control, on when present (docs/flood-control.md). A source
 * (an IPv4 address, an IPv6 /64) that sends more than {@code max_requests} requests in a sliding
 * {@code window} is banned for {@code ban}; a peer may have its own limit ({@code peers.<name>.max_requests})
 * and one for all its addresses together ({@code max_requests_total}).
 * Every value reloads live; the bans in force stay.
 *
 * @param maxSources sources tracked at once (24 bytes each), and bans kept at once
 * @param peers by peer name (a name under the top-level {@code peers:}), that peer's own limit
 */
public record FloodConfig(Duration window, Integer maxRequests, Duration ban, Integer maxSources,
    Map<String, PeerLimit> peers) {

  public FloodConfig {
    window = window == null ? Duration.ofSeconds(1) : window;
    ConfigDurations.require(window, "window", Duration.ofMillis(100), Duration.ofMinutes(10));
    maxRequests = maxRequests == null ? 500 : maxRequests;
    requireLimit(maxRequests, "max_requests");
    ban = ban == null ? Duration.ofSeconds(120) : ban;
    ConfigDurations.require(ban, "ban", Duration.ofSeconds(1), Duration.ofDays(7));
    maxSources = maxSources == null ? 65_536 : maxSources;
    if (maxSources < 1024 || maxSources > 16_777_216) {
      throw new IllegalArgumentException("max_sources must be 1024-16777216, was " + maxSources);
    }
    peers = peers == null ? Map.of() : Map.copyOf(peers);
  }

  /**
   * Heap flood control takes when full: the rate table (24 bytes a source, rounded up to a power of two) and
   * as many bans (about 200 bytes each).
   */
  public long heapBytes() {
    return 24L * Integer.highestOneBit(maxSources * 2 - 1) + 200L * maxSources;
  }

  /**
   * The limits to run with, for the config's {@code peers}; {@code core} (the next hops' addresses) is
   * never counted.
   */
  public org.sipscreen.flood.FloodPolicy policy(Map<String, SipscreenConfig.PeerConfig> allPeers,
      java.util.List<java.net.InetAddress> core) {
    Map<String, java.util.List<String>> networks = new java.util.LinkedHashMap<>();
    allPeers.forEach((name, peer) -> networks.put(name, peer.networks()));
    Map<String, Integer> limits = new java.util.HashMap<>();
    Map<String, Integer> totals = new java.util.HashMap<>();
    peers.forEach((name, limit) -> {
      if (limit.maxRequests() != null) {
        limits.put(name, limit.maxRequests());
      }
      if (limit.maxRequestsTotal() != null) {
        totals.put(name, limit.maxRequestsTotal());
      }
    });
    return new org.sipscreen.flood.FloodPolicy(window, maxRequests, ban, maxSources, networks, limits, totals,
        core);
  }

  /**
   * {@code flood.peers.<name>}: a peer's own limit for each of its addresses ({@code max_requests}, over it
   * the address is banned), and for all of them together ({@code max_requests_total}, over it the excess is
   * dropped and nothing is banned).
   */
  public record PeerLimit(Integer maxRequests, Integer maxRequestsTotal) {
    public PeerLimit {
      if (maxRequests == null && maxRequestsTotal == null) {
        throw new IllegalArgumentException("max_requests or max_requests_total is required");
      }
      if (maxRequests != null) {
        requireLimit(maxRequests, "max_requests");
      }
      if (maxRequestsTotal != null) {
        requireLimit(maxRequestsTotal, "max_requests_total");
      }
    }
  }

  static void requireLimit(int value, String key) {
    if (value < 1 || value > 100_000_000) {
      throw new IllegalArgumentException(key + " must be 1-100000000 requests per window, was " + value);
    }
  }
}
