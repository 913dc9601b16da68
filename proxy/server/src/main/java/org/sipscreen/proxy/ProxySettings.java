package org.sipscreen.proxy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.sip.Transport;

/**
 * What the proxy core needs from the config: its own endpoints, the default route, the networks it may
 * send to, and whether it record-routes initial INVITEs.
 *
 * @param defaultRoute where requests go that have no better next hop: the first of {@code nextHops}
 * @param nextHops where initial requests go, chosen per transaction among the hops that are up
 * @param destinations every network the proxy may send a message to (next-hop networks, peers, the default
 *     route); anything else is refused, so a forged Via or Route can never aim the proxy elsewhere
 */
public record ProxySettings(List<LocalEndpoint> endpoints, NextHop defaultRoute, PeerTable destinations,
    boolean recordRoute, UnknownSources unknownSources, Limits limits, Hygiene hygiene,
    NextHopSet nextHops) {

  /**
   * What the proxy shows and answers to strangers.
   *
   * @param scanners requests it marks are dropped without an answer (never an emergency INVITE)
   * @param serverHeader the {@code Server} header value of the proxy's own responses; empty: none, so
   *     nothing on the wire names the product
   */
  public record Hygiene(ScannerFilter scanners, Optional<String> serverHeader) {
    public static final Hygiene DEFAULT = new Hygiene(ScannerFilter.DEFAULT, Optional.empty());

    public Hygiene {
      Objects.requireNonNull(scanners, "scanners");
      Objects.requireNonNull(serverHeader, "serverHeader");
    }
  }

  /**
   * Wire limits of the proxy core.
   *
   * @param udpMaxBytes the largest message the proxy sends in one UDP datagram; a larger request moves to
   *     TCP when {@code udpOverflowToTcp} and the next hop's endpoint serves TCP (RFC 3261 §18.1.1), else
   *     is answered 513 Message Too Large; a larger response is dropped
   * @param udpOverflowToTcp whether an oversized request goes to its next hop over TCP instead
   * @param transactionMemory initial INVITE transactions remembered per generation, so retransmissions get
   *     the first copy's decision; read when the proxy starts
   */
  public record Limits(int udpMaxBytes, boolean udpOverflowToTcp, int transactionMemory) {
    /** The largest UDP payload over IPv4 (65,535 minus the IP and UDP headers). */
    public static final int UDP_MAX = 65_507;
    public static final Limits DEFAULT = new Limits(UDP_MAX, false, 65_536);

    public Limits {
      if (udpMaxBytes < 512 || udpMaxBytes > UDP_MAX) {
        throw new IllegalArgumentException("udpMaxBytes must be 512-" + UDP_MAX + ", was " + udpMaxBytes);
      }
      if (transactionMemory < 1024) {
        throw new IllegalArgumentException("transactionMemory must be at least 1024, was "
            + transactionMemory);
      }
    }

    /** The heap the transaction memory takes, fixed when the proxy starts. */
    public long transactionMemoryBytes() {
      return (long) transactionMemory * TransactionDecisions.BYTES_PER_ENTRY;
    }
  }

  /**
   * What happens to requests other than initial INVITEs (which the source_peer check judges) from an
   * address outside every configured network: answered with {@code status}/{@code reason}, or dropped.
   */
  public record UnknownSources(boolean drop, int status, String reason) {
    public static final UnknownSources FORBIDDEN = new UnknownSources(false, 403, "Forbidden");

    public UnknownSources {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Settings that answer unknown sources 403 Forbidden. */
  public ProxySettings(List<LocalEndpoint> endpoints, NextHop defaultRoute, PeerTable destinations,
      boolean recordRoute) {
    this(endpoints, defaultRoute, destinations, recordRoute, UnknownSources.FORBIDDEN);
  }

  /** Settings with the {@link Limits#DEFAULT default limits}. */
  public ProxySettings(List<LocalEndpoint> endpoints, NextHop defaultRoute, PeerTable destinations,
      boolean recordRoute, UnknownSources unknownSources) {
    this(endpoints, defaultRoute, destinations, recordRoute, unknownSources, Limits.DEFAULT);
  }

  /** Settings whose only next hop is the default route. */
  public ProxySettings(List<LocalEndpoint> endpoints, NextHop defaultRoute, PeerTable destinations,
      boolean recordRoute, UnknownSources unknownSources, Limits limits, Hygiene hygiene) {
    this(endpoints, defaultRoute, destinations, recordRoute, unknownSources, limits, hygiene,
        NextHopSet.of(uriOf(defaultRoute), defaultRoute));
  }

  /** {@code sip:127.0.0.1:5070;transport=udp}: the URI a hop read from it names. */
  public static String uriOf(NextHop hop) {
    return "sip:" + LocalEndpoint.literal(hop.address().getAddress()) + ":" + hop.address().getPort()
        + ";transport=" + hop.transport().label();
  }

  /** Settings with the {@link Hygiene#DEFAULT default hygiene}. */
  public ProxySettings(List<LocalEndpoint> endpoints, NextHop defaultRoute, PeerTable destinations,
      boolean recordRoute, UnknownSources unknownSources, Limits limits) {
    this(endpoints, defaultRoute, destinations, recordRoute, unknownSources, limits, Hygiene.DEFAULT);
  }

  /** These settings with other limits. */
  public ProxySettings withLimits(Limits other) {
    return new ProxySettings(endpoints, defaultRoute, destinations, recordRoute, unknownSources, other,
        hygiene, nextHops);
  }

  /** These settings with other hygiene. */
  public ProxySettings withHygiene(Hygiene other) {
    return new ProxySettings(endpoints, defaultRoute, destinations, recordRoute, unknownSources, limits,
        other, nextHops);
  }

  /** These settings with other next hops; the default route becomes their first. */
  public ProxySettings withNextHops(NextHopSet other) {
    return new ProxySettings(endpoints, other.first(), destinations, recordRoute, unknownSources, limits,
        hygiene, other);
  }

  public ProxySettings {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one local endpoint is required");
    }
    Objects.requireNonNull(defaultRoute, "defaultRoute");
    Objects.requireNonNull(destinations, "destinations");
    Objects.requireNonNull(unknownSources, "unknownSources");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(hygiene, "hygiene");
    Objects.requireNonNull(nextHops, "nextHops");
  }

  /** Whether {@code address} is inside a configured network (a peer, a next hop, the default route). */
  public boolean isKnownSource(InetAddress address) {
    return destinations.peerOf(address).isPresent();
  }

  /** Whether {@code host:port} (port -1 meaning 5060) names this proxy. */
  public boolean isLocal(String host, int port) {
    int p = port < 0 ? 5060 : port;
    for (LocalEndpoint e : endpoints) {
      if (e.port() == p && e.host().equalsIgnoreCase(host)) {
        return true;
      }
    }
    return false;
  }

  /** The endpoint to name in our Via and Record-Route toward {@code destination} over {@code transport}. */
  public LocalEndpoint endpointFor(InetAddress destination, Transport transport) {
    boolean v4 = destination instanceof Inet4Address;
    LocalEndpoint sameFamily = null;
    for (LocalEndpoint e : endpoints) {
      if ((e.bind().getAddress() instanceof Inet4Address) == v4) {
        if (e.transports().contains(transport)) {
          return e;
        }
        if (sameFamily == null) {
          sameFamily = e;
        }
      }
    }
    return sameFamily != null ? sameFamily : endpoints.get(0);
  }

  /**
   * Whether the proxy may send to {@code address}: unicast, not a network's broadcast address, and inside a
   * configured network.
   */
  public boolean mayReach(InetAddress address) {
    return mayReach(destinations, address);
  }

  /** Whether {@code address} is unicast, inside one of {@code networks} and not its broadcast address. */
  static boolean mayReach(PeerTable networks, InetAddress address) {
    if (address.isMulticastAddress() || address.isAnyLocalAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (b.length == 4 && (b[0] & 0xff) == 255 && (b[1] & 0xff) == 255 && (b[2] & 0xff) == 255
        && (b[3] & 0xff) == 255) {
      return false;
    }
    return networks.peerOf(address).isPresent() && !networks.isDirectedBroadcast(address);
  }
}
