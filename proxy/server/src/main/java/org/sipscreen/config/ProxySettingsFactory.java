package org.sipscreen.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sipscreen.proxy.LocalEndpoint;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.NextHopAnswers;
import org.sipscreen.proxy.NextHopName;
import org.sipscreen.proxy.NextHopSet;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.check.source_peer.SourcePeerConfig;
import org.sipscreen.sip.SipUri;
import org.sipscreen.sip.Transport;

/** What the proxy core needs from a config: its endpoints, the default route, where it may send. */
public final class ProxySettingsFactory {

  private ProxySettingsFactory() {}

  /** Settings of a config whose next hops all name addresses (a name has no hop: none is resolved). */
  public static ProxySettings settings(SipscreenConfig config, Path configFile) throws ConfigException {
    return settings(config, configFile, NameResolution.NONE);
  }

  /**
   * Settings of a config; its next hops that name hosts are resolved by {@code names} first. Refused when no
   * next hop at all has an address.
   */
  public static ProxySettings settings(SipscreenConfig config, Path configFile, NameResolution names)
      throws ConfigException {
    List<LocalEndpoint> endpoints = new ArrayList<>();
    for (SipscreenConfig.Listener l : config.sip().listen()) {
      Set<Transport> transports = EnumSet.noneOf(Transport.class);
      l.transports().forEach(t -> transports.add(Transport.fromName(t)));
      endpoints.add(LocalEndpoint.of(new InetSocketAddress(l.address(), l.port()),
          config.sip().advertiseAddress(), transports, l.clientCertificate()));
    }
    List<NextHopSet.Member> members = new ArrayList<>();
    String key = config.routing().nextHops() == null ? "routing.default_route" : "routing.next_hops";
    List<NextHopName> hostNames = new ArrayList<>();
    for (SipscreenConfig.NextHopEntry e : config.routing().hops()) {
      Optional<NextHopName> name = NextHopName.of(e.uri(), e.priority(), e.weight());
      if (name.isPresent()) {
        hostNames.add(name.get());
        continue;
      }
      NextHop hop = NextHop.of(SipUri.parse(e.uri()));
      if (hop == null) {
        throw new ConfigException(configFile + ": " + key + ": '" + e.uri()
            + "' must name an IP address and udp, tcp or tls");
      }
      members.add(new NextHopSet.Member(e.uri(), hop, e.priority(), e.weight()));
    }
    NextHopSet nextHops;
    try {
      nextHops = new NextHopSet(members, Optional.ofNullable(config.routing().probing()).map(p ->
          new NextHopSet.Probing(p.interval().toMillis(), p.timeout().toMillis(), p.failuresToDown(),
              p.successesToUp())), hostNames, nextHopNetworks(config, configFile));
    } catch (IllegalArgumentException ex) {
      throw new ConfigException(configFile + ": " + key + ": " + ex.getMessage());
    }
    if (!hostNames.isEmpty()) {
      NextHopAnswers answers;
      try {
        answers = names.resolve(config.routing().dns(), nextHops);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConfigException(configFile + ": " + key + ": interrupted while resolving its names");
      }
      nextHops = nextHops.withAnswers(answers);
      if (nextHops.members().isEmpty()) {
        List<String> why = new ArrayList<>();
        for (NextHopName n : hostNames) {
          why.add(n.uri() + ": " + answers.failing(n).orElse("no address in routing.next_hop_networks"));
        }
        throw new ConfigException(configFile + ": " + key + ": no next hop has an address ("
            + String.join("; ", why) + ")");
      }
    }
    NextHop defaultRoute = nextHops.first();
    List<String> reachable = new ArrayList<>(config.routing().nextHopNetworks());
    config.peers().values().forEach(p -> reachable.addAll(p.networks()));
    for (NextHopSet.Member m : nextHops.members()) {
      if (m.resolved()) {
        continue; // inside next_hop_networks already, as every address a name may resolve to
      }
      InetAddress route = m.hop().address().getAddress();
      reachable.add(route.getHostAddress() + (route.getAddress().length == 4 ? "/32" : "/128"));
    }
    // PeerTable refuses the same block twice, so duplicates (however written) are merged first.
    java.util.Set<String> canonical = new java.util.LinkedHashSet<>();
    for (String n : reachable) {
      canonical.add(canonicalCidr(n));
    }
    Map<String, List<String>> named = Map.of("reachable", List.copyOf(canonical));
    PeerTable destinations;
    try {
      destinations = PeerTable.of(named);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configFile + ": routing.next_hop_networks: " + e.getMessage());
    }
    return new ProxySettings(endpoints, defaultRoute, destinations, config.sip().recordRoute(),
        unknownSources(config),
        config.sip().limits(),
        new ProxySettings.Hygiene(config.scannerFilter().filter(),
            java.util.Optional.ofNullable(config.sip().serverHeader())), nextHops);
  }

  /** The networks a next hop's name may resolve to: {@code routing.next_hop_networks}, nothing else. */
  private static PeerTable nextHopNetworks(SipscreenConfig config, Path configFile) throws ConfigException {
    java.util.Set<String> canonical = new java.util.LinkedHashSet<>();
    for (String n : config.routing().nextHopNetworks()) {
      canonical.add(canonicalCidr(n));
    }
    try {
      return PeerTable.of(Map.of("next_hop_networks", List.copyOf(canonical)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configFile + ": routing.next_hop_networks: " + e.getMessage());
    }
  }

  private static String canonicalCidr(String cidr) {
    int slash = cidr.indexOf('/');
    InetAddress a = NextHop.ipLiteral(slash < 0 ? cidr : cidr.substring(0, slash));
    if (a == null) {
      return cidr;
    }
    String bits = slash < 0 ? Integer.toString(a.getAddress().length * 8) : cidr.substring(slash + 1);
    return a.getHostAddress() + "/" + bits;
  }
  /** What requests other than initial INVITEs from an unknown source get: as source_peer says. */
  private static ProxySettings.UnknownSources unknownSources(SipscreenConfig config) {
    SourcePeerConfig sp = (SourcePeerConfig) config.screening().section("source_peer")
        .orElse(SourcePeerConfig.DEFAULT);
    return new ProxySettings.UnknownSources(sp.unknownSource().equals("drop"), sp.rejectStatus(),
        sp.rejectReason());
  }
}
