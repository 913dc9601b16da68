package org.sipscreen;

import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sipscreen.config.ConfigException;
import org.sipscreen.config.ConfigLoader;
import org.sipscreen.config.ScreeningFactory;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.http.HttpServer;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.LocalEndpoint;
import org.sipscreen.reputation.HttpReputationSource;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.proxy.Warmup;
import org.sipscreen.proxy.Transport;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.sip.SipUri;
import org.sipscreen.transport.SipServer;
import org.sipscreen.transport.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running proxy: SIP listeners, the HTTP port, and the config they were built from. */
public final class Sipscreen implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Sipscreen.class);

  private final EventLoopGroup group;
  private final SipServer sip;
  private final HttpServer http;
  private final ProxyMetrics metrics;
  private final StatelessProxy proxy;
  private final List<AutoCloseable> clients;

  private Sipscreen(EventLoopGroup group, SipServer sip, HttpServer http, ProxyMetrics metrics,
      StatelessProxy proxy, List<AutoCloseable> clients) {
    this.clients = clients;
    this.group = group;
    this.sip = sip;
    this.http = http;
    this.metrics = metrics;
    this.proxy = proxy;
  }

  /** Loads and checks a config file and everything it refers to, without opening any socket. */
  public static Prepared prepare(Path configFile) throws ConfigException {
    SipscreenConfig config = ConfigLoader.load(configFile);
    ScreeningChain chain = ScreeningFactory.build(config, configFile);
    ProxySettings settings = settings(config, configFile);
    return new Prepared(configFile, config, chain, settings);
  }

  /** A checked config, ready to run. */
  public record Prepared(Path configFile, SipscreenConfig config, ScreeningChain chain,
      ProxySettings settings) {}

  public static Sipscreen start(Prepared prepared) throws InterruptedException, ConfigException {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    ProxyMetrics metrics = new ProxyMetrics(registry);
    EventLoopGroup group = Transports.newGroup(SipscreenConfig.Sip.EVENT_LOOPS);
    List<AutoCloseable> clients = new ArrayList<>();
    ScreeningChain chain = prepared.chain();
    if (prepared.config().screening().reputation() != null
        && prepared.config().screening().reputation().url() != null) {
      // The chain that runs has the real client of the reputation service, on the proxy's event loops.
      chain = ScreeningFactory.build(prepared.config(), prepared.configFile(), s -> {
        HttpReputationSource http = new HttpReputationSource(s, group, Transports.socketChannel());
        clients.add(http);
        return Optional.of(http);
      });
    }
    metrics.watch(chain);
    warmUp(prepared);
    StatelessProxy proxy = new StatelessProxy(prepared.settings(), chain, metrics);
    SipscreenConfig config = prepared.config();
    SipServer sip = new SipServer(proxy, metrics, group, config.sip().maxMessageBytes(),
        config.sip().tcpIdleTimeoutSeconds(), config.sip().udpSockets());
    HttpServer http = null;
    try {
      sip.start();
      http = HttpServer.start(group, Transports.serverChannel(),
          new InetSocketAddress(config.http().address(), config.http().port()), registry, sip::isUp);
    } catch (RuntimeException | InterruptedException e) {
      sip.close();
      if (http != null) {
        http.close();
      }
      group.shutdownGracefully();
      throw e;
    }
    Sipscreen s = new Sipscreen(group, sip, http, metrics, proxy, clients);
    log.info("sipscreen up: transport={} sip={} http={} default_route={} checks={}",
        Transports.name(), prepared.settings().endpoints().stream()
            .map(e -> e.hostPort() + e.transports()).toList(),
        http.localAddress(), prepared.settings().defaultRoute(), chain.checkNames());
    return s;
  }

  /**
   * Plays {@code sip.warmup_calls} synthetic calls through a throwaway proxy (its own chain, state and
   * metrics) so that the first real calls do not meet an interpreted JVM.
   */
  private static void warmUp(Prepared prepared) throws ConfigException {
    int calls = prepared.config().sip().warmupCalls();
    if (calls == 0) {
      return;
    }
    long t0 = System.nanoTime();
    StatelessProxy throwaway = new StatelessProxy(prepared.settings(),
        ScreeningFactory.build(prepared.config(), prepared.configFile()),
        new ProxyMetrics(new PrometheusRegistry()));
    InetAddress peer = prepared.config().screening().sourcePeer().peers().values().stream()
        .flatMap(p -> p.networks().stream())
        .map(n -> NextHop.ipLiteral(n.contains("/") ? n.substring(0, n.indexOf('/')) : n))
        .filter(a -> a != null && a.getAddress().length == prepared.settings().endpoints().get(0).bind()
            .getAddress().getAddress().length)
        .findFirst().orElse(InetAddress.getLoopbackAddress());
    int played = Warmup.run(throwaway, peer, calls, 10_000);
    log.info("warm-up: {} synthetic calls through the message path in {} ms", played,
        (System.nanoTime() - t0) / 1_000_000);
  }

  static ProxySettings settings(SipscreenConfig config, Path configFile) throws ConfigException {
    List<LocalEndpoint> endpoints = new ArrayList<>();
    for (SipscreenConfig.Listener l : config.sip().listen()) {
      Set<Transport> transports = EnumSet.noneOf(Transport.class);
      l.transports().forEach(t -> transports.add(Transport.fromName(t)));
      endpoints.add(LocalEndpoint.of(new InetSocketAddress(l.address(), l.port()),
          config.sip().advertiseAddress(), transports));
    }
    NextHop defaultRoute = NextHop.of(SipUri.parse(config.routing().defaultRoute()));
    if (defaultRoute == null) {
      throw new ConfigException(configFile + ": routing.default_route: '"
          + config.routing().defaultRoute() + "' must name an IP address and udp or tcp");
    }
    List<String> reachable = new ArrayList<>(config.routing().nextHopNetworks());
    config.screening().sourcePeer().peers().values().forEach(p -> reachable.addAll(p.networks()));
    InetAddress route = defaultRoute.address().getAddress();
    reachable.add(route.getHostAddress() + (route.getAddress().length == 4 ? "/32" : "/128"));
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
        new ProxySettings.UnknownSources(config.screening().sourcePeer().unknownSource().equals("drop"),
            config.screening().sourcePeer().rejectStatus(), config.screening().sourcePeer().rejectReason()));
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

  public ProxyMetrics metrics() {
    return metrics;
  }

  public StatelessProxy proxy() {
    return proxy;
  }

  public InetSocketAddress httpAddress() {
    return http.localAddress();
  }

  public boolean isUp() {
    return sip.isUp();
  }

  @Override
  public void close() {
    sip.close();
    http.close();
    for (AutoCloseable c : clients) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", c, e.toString());
      }
    }
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
