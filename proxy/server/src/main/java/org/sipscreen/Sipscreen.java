package org.sipscreen;

import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipscreen.config.CheckServices;
import org.sipscreen.config.ConfigException;
import org.sipscreen.config.ConfigLoader;
import org.sipscreen.config.ScreeningFactory;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.http.HttpServer;
import org.sipscreen.http.TracebackRoute;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.LocalEndpoint;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.recording.RecordingSink;
import org.sipscreen.reputation.HttpReputationSource;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.chain.InstalledChain;
import org.sipscreen.screening.check.reputation.ReputationServices;
import org.sipscreen.screening.check.stir_shaken.StirServices;
import org.sipscreen.sip.Transport;
import org.sipscreen.transport.SipServer;
import org.sipscreen.transport.Transports;
import org.sipscreen.warmup.StartupWarmup;
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
  private final org.sipscreen.records.LiveRecorder recorder;
  private final Lifecycle lifecycle;
  private final Optional<org.sipscreen.fleet.FleetState> fleet;
  private org.sipscreen.reload.Reloader reloader;
  private org.sipscreen.admin.AdminApi admin;

  private Sipscreen(EventLoopGroup group, SipServer sip, HttpServer http, ProxyMetrics metrics,
      StatelessProxy proxy, List<AutoCloseable> clients, org.sipscreen.records.LiveRecorder recorder,
      Lifecycle lifecycle, Optional<org.sipscreen.fleet.FleetState> fleet) {
    this.lifecycle = lifecycle;
    this.fleet = fleet;
    this.clients = clients;
    this.recorder = recorder;
    this.group = group;
    this.sip = sip;
    this.http = http;
    this.metrics = metrics;
    this.proxy = proxy;
  }

  /** Loads and checks a config file and everything it refers to, without opening any socket. */
  public static Prepared prepare(Path configFile) throws ConfigException {
    long t0 = System.nanoTime();
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.read(configFile);
      SipscreenConfig config = loaded.config();
      InstalledChain chain = ScreeningFactory.build(config, configFile);
      ProxySettings settings = settings(config, configFile);
      org.sipscreen.config.AdminAuth.of(config.http().admin(), configFile);
      org.sipscreen.config.CallStampKey.of(config.records(), configFile);
      return new Prepared(configFile, config, chain, settings, (System.nanoTime() - t0) / 1_000_000,
          loaded.renames());
    } catch (ConfigException e) {
      throw ConfigLoader.located(e, configFile); // the line of the key an error names
    }
  }

  /**
   * A checked config, ready to run.
   *
   * @param installed the chain, built without network clients
   * @param buildMillis how long loading the config and its lists took
   * @param renames when the file used the schema before 1.0: each old key and its new spelling
   */
  public record Prepared(Path configFile, SipscreenConfig config, InstalledChain installed,
      ProxySettings settings, long buildMillis, List<String> renames) {

    /** The screening chain the config describes. */
    public ScreeningChain chain() {
      return installed.chain();
    }
  }

  public static Sipscreen start(Prepared prepared) throws InterruptedException, ConfigException {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    ProxyMetrics metrics = new ProxyMetrics(registry);
    EventLoopGroup group = Transports.newGroup(SipscreenConfig.Sip.EVENT_LOOPS);
    List<AutoCloseable> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
    // The fleet (when configured) shares the velocity counts; it reports this instance once HTTP is up.
    java.util.concurrent.atomic.AtomicReference<java.util.function.Supplier<org.sipscreen.fleet.FleetMember>>
        self = new java.util.concurrent.atomic.AtomicReference<>();
    Optional<org.sipscreen.fleet.FleetState> fleet = fleet(prepared, registry, self);
    CheckServices services = services(group, metrics, clients, fleet);
    if (!prepared.renames().isEmpty()) {
      log.warn("config {} uses the schema before 1.0; it runs, but change these keys (sipscreen"
          + " check-config --migrate prints it in 1.0): {}", prepared.configFile(),
          String.join("; ", prepared.renames()));
    }
    // The chain that runs has the real clients of the reputation service and the certificate fetcher,
    // on the proxy's event loops; the lists the prepared chain loaded are not read again.
    InstalledChain installed = ScreeningFactory.live(prepared.installed(), prepared.config(),
        prepared.configFile(), services);
    ScreeningChain chain = installed.chain();
    metrics.watch(installed);
    warmUp(prepared, group);
    SipscreenConfig config = prepared.config();
    org.sipscreen.records.LiveRecorder recorder = new org.sipscreen.records.LiveRecorder(registry);
    // Each hour's records file gets its report summary when closed: a month's report reads summaries.
    org.sipscreen.records.report.SummaryWriter summaries = new org.sipscreen.records.report.SummaryWriter();
    clients.add(summaries);
    recorder.onFileClosed(summaries);
    try {
      recorder.prepare(config.records(), prepared.configFile()).apply();
    } catch (org.sipscreen.records.RecordsException e) {
      group.shutdownGracefully();
      throw ConfigLoader.located(new ConfigException(e.getMessage()), prepared.configFile());
    }
    // Served whether or not records are on now: a reload may turn them on, and old records stay useful.
    TracebackRoute traceback = new TracebackRoute(recorder::directory,
        new PhoneNumbers(config.screening().defaultCountryCode()));
    clients.add(traceback);
    org.sipscreen.overload.OverloadControl overload = new org.sipscreen.overload.OverloadControl();
    overload.apply(config.overloadPolicy());
    org.sipscreen.metrics.OverloadMetrics.register(registry, overload);
    StatelessProxy proxy = new StatelessProxy(prepared.settings(), chain, metrics, RecordingSink.of(recorder),
        overload);
    org.sipscreen.config.CallStampKey.of(config.records(), prepared.configFile())
        .ifPresent(key -> proxy.useCallStampKey(key, config.peers().keySet()));
    org.sipscreen.flood.FloodControl flood = floodControl(config, proxy, fleet);
    // The config flood control runs with, for re-applying it when a next hop's name resolves elsewhere.
    java.util.concurrent.atomic.AtomicReference<SipscreenConfig> floodConfig =
        new java.util.concurrent.atomic.AtomicReference<>(config);
    org.sipscreen.dns.NextHopResolver names = resolveNextHops(prepared, proxy, metrics, clients,
        () -> flood.apply(floodPolicy(floodConfig.get(), proxy.settings().nextHops())));
    org.sipscreen.metrics.FloodMetrics.register(registry, flood);
    org.sipscreen.transport.OutOfMemoryExit.PROCESS.installAsDefaultHandler();
    org.sipscreen.transport.TcpConnectionBudget budget = tcpBudget(config.sip());
    if (budget.leavesNone() && tcpListening(config)) {
      group.shutdownGracefully();
      throw ConfigLoader.located(new ConfigException(noTcpBudget(budget)), prepared.configFile());
    }
    org.sipscreen.transport.TcpConnectionLimit connections = new org.sipscreen.transport.TcpConnectionLimit(
        budget.total(), config.sip().tcpMaxConnectionsPerSource(), config.sip().tcpMaxConnectionsPerPeerSource(),
        peerAddresses(config), metrics::tcpConnectionClosed);
    org.sipscreen.transport.TcpBufferBudget buffers = new org.sipscreen.transport.TcpBufferBudget(
        config.sip().tcpBufferMemory().bytes(), () -> metrics.tcpConnectionClosed("buffer_memory"));
    metrics.watchTcpLimits(connections::total, buffers::held);
    SipServer sip = new SipServer(proxy, metrics, group, config.sip().maxMessageBytes(),
        config.sip().tcpIdleTimeoutSeconds(), config.sip().udpSockets(), config.sip().tcpMessageTimeout(),
        flood, connections, buffers, org.sipscreen.transport.OutOfMemoryExit.PROCESS);
    org.sipscreen.transport.TlsContexts tls = null;
    if (config.sip().tls() != null) {
      try {
        tls = org.sipscreen.transport.TlsContexts.load(config.sip().tls(), configFolder(prepared.configFile()),
            new org.sipscreen.metrics.TlsMetrics());
      } catch (org.sipscreen.transport.TlsFiles.TlsFileException e) {
        group.shutdownGracefully();
        throw ConfigLoader.located(new ConfigException(prepared.configFile() + ": " + e.getMessage()),
            prepared.configFile());
      }
      org.sipscreen.transport.TlsContexts contexts = tls;
      contexts.metrics().register(registry, contexts::notAfterSeconds);
      contexts.identities(org.sipscreen.transport.TlsPeerIdentities.of(config.peers()));
      sip.tls(contexts);
      clients.add(contexts);
    }
    HttpServer http = null;
    Lifecycle lifecycle = new Lifecycle();
    org.sipscreen.reload.Reloader reloader = new org.sipscreen.reload.Reloader(prepared.configFile(),
        config, installed, org.sipscreen.config.AdminAuth.of(config.http().admin(), prepared.configFile()),
        proxy, new org.sipscreen.reload.ReloadMetrics(registry), services, metrics::watch, recorder,
        java.time.Clock.systemUTC(), prepared.buildMillis());
    org.sipscreen.metrics.ProcessGauges.register(registry, BuildInfo.version(), BuildInfo.commit(),
        () -> sip.listeners().size(), sip::listenersUp,
        sip::openConnections, () -> !reloader.restartPending().isEmpty());
    org.sipscreen.http.ReportRoute report = new org.sipscreen.http.ReportRoute(recorder::directory,
        peer -> {
          java.util.Map<String, String> facts = new java.util.LinkedHashMap<>();
          SipscreenConfig.PeerConfig pc = reloader.config().peers().get(peer);
          if (pc != null && pc.contact() != null) {
            facts.put("contact", pc.contact());
          }
          facts.putAll(reloader.chain().peerFacts(peer));
          return facts;
        });
    clients.add(report);
    org.sipscreen.admin.AdminApi admin = new org.sipscreen.admin.AdminApi(reloader::auth);
    org.sipscreen.admin.AdminRoutes.install(admin, proxy, reloader, metrics);
    org.sipscreen.admin.BanRoutes.install(admin, flood);
    org.sipscreen.admin.NextHopRoutes.install(admin, proxy);
    reloader.onApply(next -> {
      floodConfig.set(next);
      flood.apply(floodPolicy(next, proxy.settings().nextHops()));
    });
    reloader.onApply(next -> overload.apply(next.overloadPolicy()));
    reloader.onApply(next -> connections.peers(peerAddresses(next)));
    if (tls != null) {
      org.sipscreen.transport.TlsContexts contexts = tls;
      reloader.onApply(next -> {
        contexts.identities(org.sipscreen.transport.TlsPeerIdentities.of(next.peers()));
        if (next.sip().tls() != null) {
          contexts.reload(next.sip().tls(), configFolder(prepared.configFile()));
        }
      });
    }
    if (traceback != null) {
      traceback.install(admin);
    }
    report.install(admin);
    fleet.ifPresent(f -> org.sipscreen.admin.FleetRoute.install(admin, f));
    try {
      sip.start();
      http = HttpServer.start(new InetSocketAddress(config.http().address(), config.http().port()), registry,
          () -> !lifecycle.draining() && sip.isUp(), () -> readiness(lifecycle, sip, reloader), admin,
          httpLimits(config.http()));
    } catch (RuntimeException | InterruptedException e) {
      reloader.close();
      sip.close();
      if (http != null) {
        http.close();
      }
      recorder.close();
      if (traceback != null) {
        traceback.close();
      }
      report.close();
      fleet.ifPresent(org.sipscreen.fleet.FleetState::close);
      group.shutdownGracefully();
      throw e;
    }
    String adminUrl = config.fleetOn() && config.fleet().adminUrl() != null ? config.fleet().adminUrl()
        : "http://" + hostPort(http.localAddress());
    self.set(() -> member(fleet.get().instanceId(), adminUrl, prepared.configFile(), reloader));
    fleet.ifPresent(org.sipscreen.fleet.FleetState::start);
    // Measured whether or not the overload section is present: the lag series shows an operator what is
    // normal on the machine before thresholds are chosen.
    clients.add(org.sipscreen.transport.EventLoopLagProbe.start(group, overload));
    clients.add(udpDropProbe(prepared.settings(), overload));
    Sipscreen s = new Sipscreen(group, sip, http, metrics, proxy, clients, recorder, lifecycle, fleet);
    s.reloader = reloader;
    reloader.resolveNamesWith(names.forReloads());
    s.admin = admin;
    if (tls != null) {
      tls.watch();
      log.info("tls provider={} certificate_fingerprint={} handshake_timeout={}ms", tls.providerName(),
          tls.fingerprint(), tls.handshakeTimeoutMillis());
    }
    try {
      reloader.watchFiles(java.time.Duration.ofMillis(300));
    } catch (java.io.IOException e) {
      log.warn("file watch unavailable ({}); reload with SIGHUP or POST /admin/reload", e.toString());
    }
    log.info("sipscreen up: version={} commit={} transport={} sip={} http={} default_route={}{} checks={}",
        BuildInfo.version(), BuildInfo.commit(), Transports.name(), listenersText(prepared.settings()),
        hostPort(http.localAddress()), routeText(prepared.settings().defaultRoute()),
        nextHopsText(prepared.settings().nextHops()), String.join(",", chain.checkNames()));
    StartupSummary.log(config, reloader.files(), reloader.auth(), installed.summary());
    log.info("tcp max_connections={} per_source={} per_peer_source={} buffer_memory={}", budget.describe(),
        config.sip().tcpMaxConnectionsPerSource(), config.sip().tcpMaxConnectionsPerPeerSource(),
        config.sip().tcpBufferMemory());
    if (budget.configuredAboveFiles()) {
      log.warn("sip.tcp_max_connections {} is more than the open-files limit allows; {} hold",
          budget.configured().getAsInt(), budget.describe());
    }
    return s;
  }

  /**
   * Reads the kernel's drop count of the SIP UDP sockets four times a second, on a thread of its own (a
   * read of /proc is a system call, not for an event loop). Nothing runs where /proc/net/udp is absent.
   */
  private static AutoCloseable udpDropProbe(ProxySettings settings,
      org.sipscreen.overload.OverloadControl overload) {
    java.util.Set<Integer> ports = new java.util.HashSet<>();
    for (LocalEndpoint e : settings.endpoints()) {
      if (e.transports().contains(Transport.UDP)) {
        ports.add(e.bind().getPort());
      }
    }
    org.sipscreen.overload.UdpDropCounter counter = new org.sipscreen.overload.UdpDropCounter(
        org.sipscreen.overload.UdpDropCounter.PROC_FILES, ports);
    if (ports.isEmpty() || counter.read().isEmpty()) {
      return () -> { };
    }
    java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "sipscreen-udp-drops");
          t.setDaemon(true);
          return t;
        });
    timer.scheduleWithFixedDelay(() -> counter.read()
        .ifPresent(total -> overload.observeUdpDrops(total, System.nanoTime())), 250, 250,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    return timer::shutdownNow;
  }

  /** The SIP TCP connection limit of this process: the config's, within the open-files limit. */
  public static org.sipscreen.transport.TcpConnectionBudget tcpBudget(SipscreenConfig.Sip sip) {
    return org.sipscreen.transport.TcpConnectionBudget.ofThisProcess(sip.tcpReservedFiles(),
        sip.tcpMaxConnections() == null ? java.util.OptionalInt.empty()
            : java.util.OptionalInt.of(sip.tcpMaxConnections()));
  }

  /** Why the proxy does not start when the open-files limit leaves no SIP TCP connection. */
  public static String noTcpBudget(org.sipscreen.transport.TcpConnectionBudget budget) {
    return "sip.tcp_reserved_files: the open-files limit (" + budget.openFilesLimit().getAsLong()
        + ") leaves no SIP TCP connection after " + budget.reservedFiles() + " reserved files; raise the"
        + " limit (LimitNOFILE=, ulimit -n) or lower sip.tcp_reserved_files";
  }

  static boolean tcpListening(SipscreenConfig config) {
    return config.sip().listen().stream().anyMatch(l -> l.transports().contains("tcp")
        || l.transports().contains("tls"));
  }

  /** The folder relative paths in the config file are relative to. */
  private static java.nio.file.Path configFolder(java.nio.file.Path configFile) {
    java.nio.file.Path parent = configFile.toAbsolutePath().getParent();
    return parent != null ? parent : java.nio.file.Path.of(".");
  }

  /** Whether an address is in a peer's networks, by the config's peers. */
  private static java.util.function.Predicate<java.net.InetAddress> peerAddresses(SipscreenConfig config) {
    Map<String, List<String>> networks = new java.util.HashMap<>();
    config.peers().forEach((name, peer) -> networks.put(name, peer.networks()));
    org.sipscreen.screening.PeerTable table = org.sipscreen.screening.PeerTable.of(networks);
    return address -> table.peerOf(address).isPresent();
  }

  /** What one client may take of the HTTP port, as the config says. */
  static org.sipscreen.http.HttpLimits httpLimits(SipscreenConfig.Http http) {
    return new org.sipscreen.http.HttpLimits(http.maxConnections(), http.idleTimeout(), http.requestTimeout(),
        (int) http.maxHeaderSize().bytes(), http.maxHeaders());
  }

  /**
   * Flood control for the whole run: its ban store (as large as {@code flood.max_sources} at start-up)
   * outlives every reload and, in a fleet with {@code share_bans}, is shared with the other members;
   * emergency numbers come from the running chain.
   */
  private static org.sipscreen.flood.FloodControl floodControl(SipscreenConfig config, StatelessProxy proxy,
      Optional<org.sipscreen.fleet.FleetState> fleet) {
    int maxBans = config.floodOn() ? config.flood().maxSources() : 65_536;
    org.sipscreen.flood.MemoryBanStore local = new org.sipscreen.flood.MemoryBanStore(
        com.github.benmanes.caffeine.cache.Ticker.systemTicker(), java.time.Clock.systemUTC(), maxBans);
    org.sipscreen.flood.FloodControl flood = new org.sipscreen.flood.FloodControl(
        fleet.map(f -> f.shareBans(local)).orElse(local),
        com.github.benmanes.caffeine.cache.Ticker.systemTicker(),
        uri -> proxy.snapshot().chain().isEmergencyUri(uri));
    flood.apply(floodPolicy(config, proxy.settings().nextHops()));
    return flood;
  }

  /**
   * Keeps the next hops that name hosts resolved for the whole run: the start-up answers stand until
   * {@code min_ttl}, then each name is asked again when its TTL ends, from a thread of its own, and the proxy
   * swaps in the hop set the new answer gives, then runs {@code alsoOnChange}. What stops it joins
   * {@code clients}.
   */
  private static org.sipscreen.dns.NextHopResolver resolveNextHops(Prepared prepared, StatelessProxy proxy,
      ProxyMetrics metrics, List<AutoCloseable> clients, Runnable alsoOnChange) {
    org.sipscreen.dns.NextHopResolver names = new org.sipscreen.dns.NextHopResolver(
        org.sipscreen.dns.NextHopResolver.Settings.of(prepared.config().routing().dns()), metrics,
        System::currentTimeMillis);
    names.seed(prepared.settings().nextHops());
    proxy.resolveNamesWith(names);
    java.util.concurrent.ScheduledExecutorService refresh =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "sipscreen-next-hop-dns");
          t.setDaemon(true);
          return t;
        });
    refresh.scheduleWithFixedDelay(() -> {
      try {
        names.refresh(proxy.settings().nextHops(), () -> {
          proxy.nextHopsResolved();
          alsoOnChange.run();
        });
      } catch (RuntimeException e) {
        // A failed round must not end the schedule (an exception would cancel it): the next one tries again.
        log.warn("next_hop_dns_refresh_failed error={}", e.toString());
      }
    }, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
    clients.add(() -> {
      refresh.shutdownNow();
      names.close();
    });
    return names;
  }

  /** Flood control as {@code config} says, never counting the next hops' addresses ({@code hops}'s). */
  private static Optional<org.sipscreen.flood.FloodPolicy> floodPolicy(SipscreenConfig config,
      org.sipscreen.proxy.NextHopSet hops) {
    if (!config.floodOn()) {
      return Optional.empty();
    }
    List<java.net.InetAddress> cores = new ArrayList<>();
    for (org.sipscreen.proxy.NextHopSet.Member m : hops.members()) {
      if (!cores.contains(m.hop().address().getAddress())) {
        cores.add(m.hop().address().getAddress());
      }
    }
    return Optional.of(config.flood().policy(config.peers(), cores));
  }

  /** {@code udp:127.0.0.1:5060,tcp:127.0.0.1:5060}: the SIP sockets, for the start-up line. */
  public static String listenersText(ProxySettings settings) {
    List<String> sockets = new ArrayList<>();
    for (LocalEndpoint e : settings.endpoints()) {
      for (Transport t : Transport.values()) {
        if (e.transports().contains(t)) {
          sockets.add(t.label() + ":" + hostPort(e.bind()));
        }
      }
    }
    return String.join(",", sockets);
  }

  /** {@code sip:127.0.0.1:5070;transport=udp}. */
  public static String routeText(NextHop route) {
    return "sip:" + hostPort(route.address()) + ";transport=" + route.transport().label();
  }

  /**
   * {@code " next_hops=sip:10.0.0.1:5060;transport=udp/1/50,…"} (each hop with its priority and weight)
   * when there is more than one next hop; nothing for one, which {@code default_route} already names.
   */
  public static String nextHopsText(org.sipscreen.proxy.NextHopSet hops) {
    if (hops.members().size() < 2) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" next_hops=");
    for (org.sipscreen.proxy.NextHopSet.Member m : hops.members()) {
      if (sb.length() > " next_hops=".length()) {
        sb.append(',');
      }
      sb.append(routeText(m.hop())).append('/').append(m.priority()).append('/').append(m.weight());
    }
    return sb.toString();
  }

  private static String hostPort(InetSocketAddress a) {
    String host = io.netty.util.NetUtil.toAddressString(a.getAddress()); // RFC 5952: 2001:db8::10
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** {@code /readyz}: listeners up, the running snapshot's lists loaded, no shutdown begun. */
  private static org.sipscreen.http.Readiness readiness(Lifecycle lifecycle, SipServer sip,
      org.sipscreen.reload.Reloader reloader) {
    Map<String, Long> lists = new java.util.LinkedHashMap<>();
    List<org.sipscreen.reload.LoadedFile> files = reloader.files();
    files.stream().filter(org.sipscreen.reload.LoadedFile::isList).forEach(f -> lists.put(f.name(), f.entries()));
    return org.sipscreen.http.Readiness.of(lifecycle.draining(), sip.listeners().size(), sip.listenersUp(),
        lists, !files.isEmpty());
  }

  /**
   * The network clients checks get, on the proxy's event loops: the reputation service's client and the
   * stir_shaken certificate fetcher, one per settings (a reload with unchanged settings gets the same one
   * back), and the certificate cache's counters.
   */
  private static CheckServices services(EventLoopGroup group, ProxyMetrics metrics,
      List<AutoCloseable> clients, Optional<org.sipscreen.fleet.FleetState> fleet) {
    java.util.function.Function<HttpReputationSource.Settings, HttpReputationSource> reputationClients =
        onePerSettings(s -> new HttpReputationSource(s, group, Transports.socketChannel()), clients);
    ReputationServices reputation = new ReputationServices() {
      @Override
      public Optional<org.sipscreen.screening.check.reputation.ReputationSource> source(Service service) {
        return Optional.of(reputationClients.apply(HttpReputationSource.Settings.of(service)));
      }

      @Override
      public void validate(Service service) {
        HttpReputationSource.Settings.of(service);
      }
    };
    java.util.function.Function<StirServices.FetchSettings, org.sipscreen.stir.HttpsCertificateFetcher>
        fetchers = onePerSettings(fetch -> {
          var settings = org.sipscreen.stir.HttpsCertificateFetcher.Settings.defaults()
              .withTimeout(fetch.timeout())
              .withMaxResponseBytes(fetch.maxResponseBytes())
              .withAllowHttp(fetch.allowHttp())
              .withAllowPrivateAddresses(fetch.allowPrivateAddresses())
              .withExtraCaFiles(fetch.caFiles());
          try {
            return new org.sipscreen.stir.HttpsCertificateFetcher(settings, group, Transports.socketChannel());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, clients);
    org.sipscreen.metrics.CertificateMetrics certificates =
        new org.sipscreen.metrics.CertificateMetrics(metrics.registry());
    StirServices stir = new StirServices() {
      @Override
      public Optional<org.sipscreen.screening.check.stir_shaken.CertificateFetcher> fetcher(
          StirServices.FetchSettings settings) {
        return Optional.of(fetchers.apply(settings));
      }

      @Override
      public org.sipscreen.screening.check.stir_shaken.CertificateCache.Listener listener() {
        return certificates;
      }

      @Override
      public java.util.function.LongConsumer verificationTimes() {
        return metrics.stirVerificationTimes();
      }
    };
    Map<Class<?>, Object> byType = new java.util.HashMap<>();
    byType.put(ReputationServices.class, reputation);
    byType.put(StirServices.class, stir);
    fleet.ifPresent(f -> byType.put(org.sipscreen.screening.check.velocity.FleetCounts.class, f.counts()));
    fleet.flatMap(org.sipscreen.fleet.FleetState::reputation).ifPresent(shared -> byType.put(
        org.sipscreen.screening.check.reputation.SharedAnswers.class, shared));
    return new CheckServices(byType);
  }

  /** The fleet of the config's {@code fleet:} section, not started yet; empty without one. */
  private static Optional<org.sipscreen.fleet.FleetState> fleet(Prepared prepared, PrometheusRegistry registry,
      java.util.concurrent.atomic.AtomicReference<java.util.function.Supplier<org.sipscreen.fleet.FleetMember>>
          self) throws ConfigException {
    if (!prepared.config().fleetOn()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new org.sipscreen.fleet.FleetState(prepared.config().fleet(), prepared.configFile(),
          registry, () -> self.get().get()));
    } catch (java.io.IOException e) {
      throw ConfigLoader.located(new ConfigException("fleet.password_file: " + e.getMessage()),
          prepared.configFile());
    }
  }

  /** What this instance reports to its fleet: id, version, admin URL, config hash, lists, last reload. */
  private static org.sipscreen.fleet.FleetMember member(String id, String adminUrl, Path configFile,
      org.sipscreen.reload.Reloader reloader) {
    Map<String, String> lists = new java.util.TreeMap<>();
    java.time.Instant loaded = java.time.Instant.EPOCH;
    for (org.sipscreen.reload.LoadedFile f : reloader.files()) {
      if (f.isList()) {
        lists.put(f.name(), f.contentVersion());
      }
      if (f.loadedAt().isAfter(loaded)) {
        loaded = f.loadedAt();
      }
    }
    return new org.sipscreen.fleet.FleetMember(id, BuildInfo.version() + "+" + BuildInfo.commit(), adminUrl,
        org.sipscreen.fleet.ConfigHash.of(configFile), lists, loaded.toString(), System.currentTimeMillis());
  }

  /** The fleet this instance belongs to; empty without a {@code fleet:} section. */
  public Optional<org.sipscreen.fleet.FleetState> fleet() {
    return fleet;
  }

  /**
   * One live client per settings value, made on first use and closed with the proxy: a reload whose
   * settings did not change gets the same client back, with its connections and state.
   */
  private static <K, V extends AutoCloseable> java.util.function.Function<K, V> onePerSettings(
      java.util.function.Function<K, V> make, List<AutoCloseable> clients) {
    Map<K, V> live = new java.util.concurrent.ConcurrentHashMap<>();
    return settings -> live.computeIfAbsent(settings, k -> {
      V client = make.apply(k);
      clients.add(client);
      return client;
    });
  }

  private static void warmUp(Prepared prepared, EventLoopGroup group) {
    StartupWarmup.run(prepared.installed(), prepared.settings(), prepared.config(), group);
  }

  /**
   * Plays the start-up warm-up of {@code prepared} on event loops of its own and opens none of the
   * configured listeners, then releases them: the build runs it under {@code -XX:ArchiveClassesAtExit}
   * to record the classes a start-up loads in a class-data-sharing archive (docs/dev/performance.md, "Start-up").
   */
  public static void warmUpOnly(Prepared prepared) throws ConfigException, InterruptedException {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    new ProxyMetrics(registry).watch(prepared.installed());
    EventLoopGroup group = Transports.newGroup(SipscreenConfig.Sip.EVENT_LOOPS);
    try {
      warmUp(prepared, group);
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).await(5,
          java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  public static ProxySettings settings(SipscreenConfig config, Path configFile) throws ConfigException {
    return org.sipscreen.config.ProxySettingsFactory.settings(config, configFile,
        org.sipscreen.dns.NextHopResolver.ONCE);
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

  /** Reloads config and lists on change, SIGHUP and {@code POST /admin/reload}. */
  public org.sipscreen.reload.Reloader reloader() {
    return reloader;
  }

  /** The admin API's route table: {@code admin().route("/admin/x", ...)} serves a new endpoint. */
  public org.sipscreen.admin.AdminApi admin() {
    return admin;
  }

  /**
   * Runs {@code hook} at shutdown, after the SIP sockets have drained and before the event loops stop
   * (e.g. to flush a recorder); hooks run in registration order, each once, failures logged.
   */
  public void onShutdown(AutoCloseable hook) {
    lifecycle.onShutdown(hook);
  }

  /** Reloads on SIGHUP, where the JVM lets us handle signals; false (and a log line) where it does not. */
  public boolean reloadOnSighup() {
    return Signals.handle("HUP", () -> reloader.reload("sighup"));
  }

  /**
   * Stops gracefully: no new TCP connections (and /healthz answers 503), open TCP connections get up to
   * {@code drain} to finish (UDP keeps relaying meanwhile), then the shutdown hooks run and everything
   * closes.
   */
  public void shutdown(java.time.Duration drain) {
    lifecycle.startDraining();
    sip.stopAccepting();
    log.info("shutdown: stopped accepting; draining open_tcp_connections={} for at most {} ms",
        sip.openConnections(), drain.toMillis());
    long deadline = System.nanoTime() + drain.toNanos();
    while (sip.openConnections() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    log.info("shutdown: drained, open_tcp_connections={} left", sip.openConnections());
    close();
  }

  /** Whether a shutdown has begun (the health check answers 503 from then on). */
  public boolean draining() {
    return lifecycle.draining();
  }

  @Override
  public void close() {
    reloader.close();
    lifecycle.runHooks();
    sip.close();
    fleet.ifPresent(org.sipscreen.fleet.FleetState::close);
    recorder.close(); // after the listeners: every decision made is written
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
