package org.sipscreen.flood;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sipscreen.screening.PeerTable;

/**
 * The limits of one config version: requests per window for a source, a peer's own limit for the sources
 * in its networks, and how long a source over its limit is banned. Immutable; two policies are equal when
 * their settings are, so a reload that changed none of them keeps the rates counted so far.
 */
public final class FloodPolicy {

  private final Duration window;
  private final int maxRequests;
  private final Duration ban;
  private final int maxSources;
  private final Map<String, List<String>> peerNetworks;
  private final Map<String, Integer> peerLimits;
  private final Map<String, Integer> peerTotals;
  private final List<InetAddress> exempt;
  private final long[] exemptKeys;
  private final PeerTable peers;

  /**
   * @param window the counting window
   * @param maxRequests requests per window a source may send, unless its peer has its own limit
   * @param ban how long a source over its limit is dropped
   * @param maxSources sources whose rate is tracked at once (and bans kept at once)
   * @param peerNetworks every peer's networks (CIDRs), by peer name
   * @param peerLimits a peer's own requests per window for each of its addresses, by peer name
   * @param peerTotals requests per window a peer may send from all its addresses together, by peer name;
   *     over it the excess is dropped (emergency INVITEs pass) and nothing is banned
   * @param exempt sources never counted: the core the proxy forwards to (its in-dialog requests come at the
   *     rate of all calls together)
   */
  public FloodPolicy(Duration window, int maxRequests, Duration ban, int maxSources,
      Map<String, List<String>> peerNetworks, Map<String, Integer> peerLimits, Map<String, Integer> peerTotals,
      List<InetAddress> exempt) {
    this.window = Objects.requireNonNull(window, "window");
    this.ban = Objects.requireNonNull(ban, "ban");
    if (maxRequests < 1) {
      throw new IllegalArgumentException("max_requests must be positive, was " + maxRequests);
    }
    this.maxRequests = maxRequests;
    this.maxSources = maxSources;
    this.peerNetworks = Map.copyOf(peerNetworks);
    this.peerLimits = Map.copyOf(peerLimits);
    this.peerTotals = Map.copyOf(peerTotals);
    this.exempt = List.copyOf(exempt);
    this.exemptKeys = this.exempt.stream().mapToLong(SourceKey::of).toArray();
    this.peers = PeerTable.of(this.peerNetworks);
  }

  public Duration window() {
    return window;
  }

  public int maxRequests() {
    return maxRequests;
  }

  public Duration ban() {
    return ban;
  }

  public int maxSources() {
    return maxSources;
  }

  /** A peer's own requests per window, by peer name. */
  public Map<String, Integer> peerLimits() {
    return peerLimits;
  }

  /** Requests per window a peer may send from all its addresses together, by peer name. */
  public Map<String, Integer> peerTotals() {
    return peerTotals;
  }

  /** Whether the source {@code key} is never counted. */
  public boolean exempt(long key) {
    for (long k : exemptKeys) {
      if (k == key) {
        return true;
      }
    }
    return false;
  }

  /** The peer whose networks hold {@code address}. */
  public Optional<String> peerOf(InetAddress address) {
    return peers.peerOf(address);
  }

  /** The requests per window {@code address} may send. */
  public int limitOf(InetAddress address) {
    if (peerLimits.isEmpty()) {
      return maxRequests;
    }
    Optional<String> peer = peers.peerOf(address);
    return peer.isPresent() ? peerLimits.getOrDefault(peer.get(), maxRequests) : maxRequests;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloodPolicy p && window.equals(p.window) && maxRequests == p.maxRequests
        && ban.equals(p.ban) && maxSources == p.maxSources && peerNetworks.equals(p.peerNetworks)
        && peerLimits.equals(p.peerLimits) && peerTotals.equals(p.peerTotals) && exempt.equals(p.exempt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(window, maxRequests, ban, maxSources, peerNetworks, peerLimits, peerTotals, exempt);
  }
}
