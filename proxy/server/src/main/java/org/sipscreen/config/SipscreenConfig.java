package org.sipscreen.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sipscreen.fleet.FleetConfig;
import org.sipscreen.records.RecordsConfig;
import org.sipscreen.screening.check.ConfigDurations;
import org.sipscreen.screening.check.DataSize;
import org.sipscreen.screening.check.ListFile;
import org.sipscreen.screening.check.PeerOverride;

/**
 * The whole config file, typed and immutable (schema 1.0). Every key is snake_case in YAML; a missing key
 * takes the default named in its record, an unknown key is an error. Durations and sizes are strings with
 * units ({@code 300s}, {@code 90d}, {@code 256MiB}); a section is on when present. Values are checked when
 * the record is built, so a {@code SipscreenConfig} that exists is one the proxy can run with.
 *
 * @param peers the interconnect peers by name: their networks and everything else about them
 * @param records decision records; null (no section) records nothing
 * @param flood per-source flood control; null (no section) is off
 * @param fleet the fleet the instance screens with through Redis; null (no section): none
 * @param overload overload protection (shedding new INVITEs); null (no section) is off
 */
public record SipscreenConfig(Sip sip, Routing routing, Http http, Map<String, PeerConfig> peers,
    Screening screening, RecordsConfig records, ReloadConfig reload, ScannerFilterConfig scannerFilter,
    FloodConfig flood, FleetConfig fleet, OverloadConfig overload) {

  /** The peer a config without {@code peers:} has: loopback. */
  public static final Map<String, PeerConfig> LOOPBACK_PEER = Map.of("local",
      new PeerConfig(List.of("127.0.0.0/8", "::1/128"), null, null, null, null, null, null));

  public SipscreenConfig {
    reload = reload == null ? ReloadConfig.DEFAULT : reload;
    scannerFilter = scannerFilter == null ? ScannerFilterConfig.DEFAULT : scannerFilter;
    sip = sip == null ? new Sip(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null) : sip;
    routing = routing == null ? new Routing(null, null) : routing;
    http = http == null ? new Http(null, null, null, null, null, null, null, null) : http;
    peers = peers == null ? LOOPBACK_PEER : Map.copyOf(peers);
    for (String name : peers.keySet()) {
      if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
        throw new IllegalArgumentException("peers: name '" + name
            + "' must be lower-case letters, digits, '_' or '-' (it becomes a metric label)");
      }
    }
    screening = screening == null ? Screening.DEFAULT : screening;
    for (NextHopEntry hop : routing.hops()) {
      if (sip.tls() == null && org.sipscreen.sip.SipUri.read(hop.uri()) instanceof org.sipscreen.sip.SipUri u
          && (u.scheme().equals("sips") || "tls".equals(u.transport()))) {
        throw new IllegalArgumentException("sip.tls is required: next hop " + hop.uri() + " is reached over"
            + " tls");
      }
    }
    if (flood != null) {
      for (String name : flood.peers().keySet()) {
        if (!peers.containsKey(name)) {
          throw new IllegalArgumentException("flood: peers." + name + " is not a peer (the peers are "
              + new java.util.TreeSet<>(peers.keySet()) + ")");
        }
      }
    }
  }

  /** An empty file: every default. */
  public static SipscreenConfig defaults() {
    return new SipscreenConfig(null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Whether flood control is on (the {@code flood:} section is present). */
  public boolean floodOn() {
    return flood != null;
  }

  /** Whether overload protection sheds new INVITEs (the {@code overload:} section is present). */
  public boolean overloadOn() {
    return overload != null;
  }

  /** The overload thresholds to run with; empty when the section is absent. */
  public Optional<org.sipscreen.overload.OverloadPolicy> overloadPolicy() {
    return overloadOn() ? Optional.of(overload.policy()) : Optional.empty();
  }

  /** Whether the instance is part of a fleet (the {@code fleet:} section is present). */
  public boolean fleetOn() {
    return fleet != null;
  }

  /** Whether decision records are on (the {@code records:} section is present). */
  public boolean recordsOn() {
    return records != null;
  }

  /** SIP listeners and wire limits. */
  public record Sip(List<Listener> listen, String advertiseAddress, DataSize maxMessageSize,
      Duration tcpIdleTimeout, Boolean recordRoute, Integer warmupCalls, Integer udpSockets,
      DataSize udpMaxSize, String udpOverflow, Integer transactionMemory, String serverHeader,
      Duration tcpMessageTimeout, Integer tcpMaxConnections, Integer tcpReservedFiles,
      Integer tcpMaxConnectionsPerSource, Integer tcpMaxConnectionsPerPeerSource, DataSize tcpBufferMemory,
      Tls tls) {
    /** The wire limits of the proxy core. */
    public org.sipscreen.proxy.ProxySettings.Limits limits() {
      return new org.sipscreen.proxy.ProxySettings.Limits((int) udpMaxSize.bytes(),
          udpOverflow.equals("tcp"), transactionMemory);
    }

    /** {@link #maxMessageSize} in bytes. */
    public int maxMessageBytes() {
      return (int) maxMessageSize.bytes();
    }

    /** {@link #tcpIdleTimeout} in whole seconds. */
    public int tcpIdleTimeoutSeconds() {
      return (int) tcpIdleTimeout.toSeconds();
    }

    /** Netty's default number of event loops (2 per CPU), which the proxy runs with. */
    public static final int EVENT_LOOPS = Math.max(1,
        Integer.getInteger("io.netty.eventLoopThreads", 2 * Runtime.getRuntime().availableProcessors()));

    public Sip {
      listen = listen == null ? List.of(new Listener(null, null, null, null)) : List.copyOf(listen);
      if (listen.isEmpty()) {
        throw new IllegalArgumentException("listen: at least one listener is required");
      }
      maxMessageSize = maxMessageSize == null ? DataSize.ofBytes(65536) : maxMessageSize;
      if (maxMessageSize.bytes() < 1024 || maxMessageSize.bytes() > 65535 * 16) {
        throw new IllegalArgumentException(
            "max_message_size must be 1KiB-1048560B, was " + maxMessageSize);
      }
      tcpIdleTimeout = tcpIdleTimeout == null ? Duration.ofSeconds(300) : tcpIdleTimeout;
      ConfigDurations.require(tcpIdleTimeout, "tcp_idle_timeout", Duration.ofSeconds(1), Duration.ofDays(1));
      tcpMessageTimeout = tcpMessageTimeout == null ? Duration.ofSeconds(10) : tcpMessageTimeout;
      ConfigDurations.require(tcpMessageTimeout, "tcp_message_timeout", Duration.ofMillis(100),
          Duration.ofMinutes(5));
      if (tcpMaxConnections != null && (tcpMaxConnections < 1 || tcpMaxConnections > 10_000_000)) {
        throw new IllegalArgumentException("tcp_max_connections must be 1-10000000, was " + tcpMaxConnections);
      }
      tcpReservedFiles = tcpReservedFiles == null ? 1024 : tcpReservedFiles;
      if (tcpReservedFiles < 128 || tcpReservedFiles > 1_000_000) {
        throw new IllegalArgumentException("tcp_reserved_files must be 128-1000000, was " + tcpReservedFiles);
      }
      tcpMaxConnectionsPerSource = tcpMaxConnectionsPerSource == null ? 32 : tcpMaxConnectionsPerSource;
      if (tcpMaxConnectionsPerSource < 1 || tcpMaxConnectionsPerSource > 10_000_000) {
        throw new IllegalArgumentException(
            "tcp_max_connections_per_source must be 1-10000000, was " + tcpMaxConnectionsPerSource);
      }
      tcpMaxConnectionsPerPeerSource = tcpMaxConnectionsPerPeerSource == null
          ? 4096 : tcpMaxConnectionsPerPeerSource;
      if (tcpMaxConnectionsPerPeerSource < 1 || tcpMaxConnectionsPerPeerSource > 10_000_000) {
        throw new IllegalArgumentException(
            "tcp_max_connections_per_peer_source must be 1-10000000, was " + tcpMaxConnectionsPerPeerSource);
      }
      tcpBufferMemory = tcpBufferMemory == null ? DataSize.ofBytes(64L << 20) : tcpBufferMemory;
      if (tcpBufferMemory.bytes() < maxMessageSize.bytes() || tcpBufferMemory.bytes() > (16L << 30)) {
        throw new IllegalArgumentException("tcp_buffer_memory must be max_message_size (" + maxMessageSize
            + ")-16GiB, was " + tcpBufferMemory);
      }
      recordRoute = recordRoute == null ? Boolean.TRUE : recordRoute;
      warmupCalls = warmupCalls == null ? 1500 : warmupCalls;
      if (warmupCalls < 0 || warmupCalls > 1_000_000) {
        throw new IllegalArgumentException("warmup_calls must be 0-1000000, was " + warmupCalls);
      }
      udpMaxSize = udpMaxSize == null
          ? DataSize.ofBytes(org.sipscreen.proxy.ProxySettings.Limits.UDP_MAX) : udpMaxSize;
      if (udpMaxSize.bytes() < 512 || udpMaxSize.bytes() > org.sipscreen.proxy.ProxySettings.Limits.UDP_MAX) {
        throw new IllegalArgumentException("udp_max_size must be 512B-"
            + org.sipscreen.proxy.ProxySettings.Limits.UDP_MAX + "B, was " + udpMaxSize);
      }
      udpOverflow = udpOverflow == null ? "reject" : udpOverflow;
      if (!udpOverflow.equals("reject") && !udpOverflow.equals("tcp")) {
        throw new IllegalArgumentException("udp_overflow must be reject or tcp, was '" + udpOverflow + "'");
      }
      transactionMemory = transactionMemory == null ? 65_536 : transactionMemory;
      if (transactionMemory < 1024 || transactionMemory > 16_777_216) {
        throw new IllegalArgumentException(
            "transaction_memory must be 1024-16777216 transactions, was " + transactionMemory);
      }
      if (serverHeader != null && (serverHeader.isBlank() || serverHeader.length() > 128
          || !serverHeader.chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
        throw new IllegalArgumentException("server_header must be 1-128 printable ASCII characters, was '"
            + serverHeader + "'");
      }
      udpSockets = udpSockets == null ? EVENT_LOOPS : udpSockets;
      if (udpSockets < 1 || udpSockets > 256) {
        throw new IllegalArgumentException("udp_sockets must be 1-256, was " + udpSockets);
      }
      // The advertised host goes verbatim into our Via and Record-Route: it must be a host name or an
      // address literal, never text that could end a header parameter.
      if (advertiseAddress != null && !advertiseAddress.matches(
          "[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]")) {
        throw new IllegalArgumentException("advertise_address must be a host name, an IPv4 address or"
            + " a bracketed IPv6 address, was '" + advertiseAddress + "'");
      }
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (Listener l : listen) {
        if (advertiseAddress == null && Networks.isWildcard(l.address())) {
          throw new IllegalArgumentException("advertise_address is required when a listener binds the"
              + " wildcard address " + l.address() + " (it is written in our Via and Record-Route)");
        }
        if (!seen.add(Networks.canonical(l.address()) + "|" + l.port())) {
          throw new IllegalArgumentException(
              "listen: " + l.address() + " port " + l.port() + " is listed twice");
        }
        if (tls == null && l.transports().contains("tls")) {
          throw new IllegalArgumentException("tls is required: the listener " + l.address() + " port "
              + l.port() + " serves tls, and tls names its certificate, key and CAs");
        }
      }
    }
  }

  /**
   * {@code sip.tls}: the proxy's certificate and key (presented by its TLS listeners and, as the client
   * certificate, on its connections to next hops) and the CAs it trusts for peers' and next hops'
   * certificates. Relative paths are relative to the config file's folder; the files are reloaded when
   * they change.
   *
   * @param provider {@code auto} (BoringSSL when it loads, else the JDK), {@code openssl} or {@code jdk}
   * @param handshakeTimeout how long a TLS handshake may take before the connection is closed
   */
  public record Tls(String certificateFile, String keyFile, String caFile, String provider,
      Duration handshakeTimeout) {
    public static final List<String> PROVIDERS = List.of("auto", "openssl", "jdk");

    public Tls {
      if (certificateFile == null || certificateFile.isBlank()) {
        throw new IllegalArgumentException("certificate_file is required");
      }
      if (keyFile == null || keyFile.isBlank()) {
        throw new IllegalArgumentException("key_file is required");
      }
      if (caFile == null || caFile.isBlank()) {
        throw new IllegalArgumentException("ca_file is required (the CAs of peers' and next hops'"
            + " certificates)");
      }
      provider = provider == null ? "auto" : provider.toLowerCase(Locale.ROOT);
      if (!PROVIDERS.contains(provider)) {
        throw new IllegalArgumentException("provider must be auto, openssl or jdk, was '" + provider + "'");
      }
      handshakeTimeout = handshakeTimeout == null ? Duration.ofSeconds(10) : handshakeTimeout;
      ConfigDurations.require(handshakeTimeout, "handshake_timeout", Duration.ofMillis(100),
          Duration.ofMinutes(5));
    }
  }

  /**
   * One SIP socket address and the transports served on it. TLS takes a TCP port of its own, so a listener
   * serves tls alone or udp and tcp; its port defaults to 5061 (RFC 3261 §26.2.1), others' to 5060.
   *
   * @param clientCertificate on a tls listener: {@code required} (the default: a peer without a certificate
   *     signed by {@code sip.tls.ca_file} cannot connect), {@code optional} (one is verified when presented)
   *     or {@code none} (none is asked for)
   */
  public record Listener(String address, Integer port, List<String> transports, String clientCertificate) {
    public static final List<String> CLIENT_CERTIFICATE = List.of("required", "optional", "none");

    public Listener {
      address = address == null ? "127.0.0.1" : address;
      Networks.requireIpLiteral(address, "address");
      transports = transports == null ? List.of("udp", "tcp") : List.copyOf(transports);
      if (transports.isEmpty()) {
        throw new IllegalArgumentException("transports: at least one of udp, tcp, tls is required");
      }
      transports = transports.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
      for (String t : transports) {
        if (!t.equals("udp") && !t.equals("tcp") && !t.equals("tls")) {
          throw new IllegalArgumentException("transports: unknown transport '" + t + "' (udp, tcp, tls)");
        }
      }
      boolean tls = transports.contains("tls");
      if (tls && transports.size() > 1) {
        throw new IllegalArgumentException("transports: tls needs a TCP port of its own; put it on a"
            + " listener of its own (port 5061)");
      }
      port = port == null ? (tls ? 5061 : 5060) : port;
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1-65535, was " + port);
      }
      if (clientCertificate != null && !tls) {
        throw new IllegalArgumentException("client_certificate applies to a tls listener only");
      }
      clientCertificate = clientCertificate == null ? (tls ? "required" : null)
          : clientCertificate.toLowerCase(Locale.ROOT);
      if (tls && !CLIENT_CERTIFICATE.contains(clientCertificate)) {
        throw new IllegalArgumentException("client_certificate must be required, optional or none, was '"
            + clientCertificate + "'");
      }
    }

    public Listener(String address, Integer port, List<String> transports) {
      this(address, port, transports, null);
    }
  }

  /**
   * Where requests go. Initial requests go to one of the next hops ({@code next_hops}, or the single
   * {@code default_route}), chosen per transaction among those that are up. A next hop may name a host,
   * resolved by DNS in the background ({@code dns}); nothing a peer sends is resolved.
   *
   * @param nextHops the next hops with priorities and weights; exclusive with {@code default_route}
   * @param probing OPTIONS keepalives to the next hops; null (no section): none, every hop is up
   * @param dns how next hops that name hosts are resolved; defaults when absent
   */
  public record Routing(String defaultRoute, List<String> nextHopNetworks, List<NextHopEntry> nextHops,
      Probing probing, Dns dns) {
    public Routing {
      dns = dns == null ? new Dns(null, null, null, null) : dns;
      if (nextHops != null) {
        if (defaultRoute != null) {
          throw new IllegalArgumentException("default_route and next_hops are exclusive; list the default"
              + " route as one of next_hops");
        }
        nextHops = List.copyOf(nextHops);
        if (nextHops.isEmpty()) {
          throw new IllegalArgumentException("next_hops: at least one next hop is required");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < nextHops.size(); i++) {
          if (!seen.add(nextHops.get(i).uri())) {
            throw new IllegalArgumentException("next_hops: " + nextHops.get(i).uri() + " is listed twice");
          }
        }
      } else {
        defaultRoute = defaultRoute == null ? "sip:127.0.0.1:5070" : defaultRoute;
        Networks.requireRouteUri(defaultRoute, "default_route");
      }
      nextHopNetworks = nextHopNetworks == null
          ? List.of("127.0.0.0/8", "::1/128") : List.copyOf(nextHopNetworks);
      for (String n : nextHopNetworks) {
        Networks.requireCidr(n, "next_hop_networks");
      }
    }

    public Routing(String defaultRoute, List<String> nextHopNetworks) {
      this(defaultRoute, nextHopNetworks, null, null, null);
    }

    public Routing(String defaultRoute, List<String> nextHopNetworks, List<NextHopEntry> nextHops,
        Probing probing) {
      this(defaultRoute, nextHopNetworks, nextHops, probing, null);
    }

    /** The next hops: {@code next_hops}, or the default route as the only one. */
    public List<NextHopEntry> hops() {
      return nextHops != null ? nextHops : List.of(new NextHopEntry(defaultRoute, null, null));
    }
  }

  /**
   * One next hop: a SIP URI naming an IP address or a host name (resolved by DNS, RFC 3263), its priority
   * (lower is tried first, default 1) and its weight within that priority (default 1); a host name without
   * a port takes the priorities and weights of its SRV records.
   */
  public record NextHopEntry(String uri, Integer priority, Integer weight) {
    public NextHopEntry {
      if (uri == null) {
        throw new IllegalArgumentException("next_hops: uri is required");
      }
      Networks.requireNextHopUri(uri, "next_hops.uri");
      priority = priority == null ? 1 : priority;
      if (priority < 0 || priority > 65_535) {
        throw new IllegalArgumentException("next_hops.priority must be 0-65535, was " + priority);
      }
      weight = weight == null ? 1 : weight;
      if (weight < 1 || weight > 65_535) {
        throw new IllegalArgumentException("next_hops.weight must be 1-65535, was " + weight);
      }
    }
  }

  /**
   * How next hops that name hosts are resolved: by the name servers in {@code servers} (IP literals with an
   * optional port, default 53), or those of /etc/resolv.conf; each answer is kept for its TTL clamped to
   * {@code min_ttl}..{@code max_ttl}, and a query not answered within {@code timeout} fails (then the last
   * good answer stays and the name is asked again after {@code min_ttl}).
   */
  public record Dns(List<String> servers, Duration minTtl, Duration maxTtl, Duration timeout) {
    public Dns {
      servers = servers == null ? List.of() : List.copyOf(servers);
      for (String server : servers) {
        Networks.requireHostPort(server, "dns.servers");
      }
      minTtl = minTtl == null ? Duration.ofSeconds(5) : minTtl;
      ConfigDurations.require(minTtl, "min_ttl", Duration.ofSeconds(1), Duration.ofHours(1));
      maxTtl = maxTtl == null ? Duration.ofHours(1) : maxTtl;
      ConfigDurations.require(maxTtl, "max_ttl", Duration.ofSeconds(1), Duration.ofDays(1));
      if (maxTtl.compareTo(minTtl) < 0) {
        throw new IllegalArgumentException("max_ttl (" + maxTtl.toSeconds() + "s) must not be below min_ttl ("
            + minTtl.toSeconds() + "s)");
      }
      timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
      ConfigDurations.require(timeout, "timeout", Duration.ofMillis(100), Duration.ofSeconds(30));
    }
  }

  /**
   * OPTIONS keepalives to every next hop: a 503 or no answer within {@code timeout} is a failure;
   * {@code failures_to_down} consecutive failures take a hop down, {@code successes_to_up} consecutive
   * answers bring it back.
   */
  public record Probing(Duration interval, Duration timeout, Integer failuresToDown, Integer successesToUp) {
    public Probing {
      interval = interval == null ? Duration.ofSeconds(5) : interval;
      ConfigDurations.require(interval, "interval", Duration.ofMillis(100), Duration.ofHours(1));
      timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
      ConfigDurations.require(timeout, "timeout", Duration.ofMillis(50), Duration.ofMinutes(1));
      if (timeout.compareTo(interval) > 0) {
        throw new IllegalArgumentException("timeout (" + timeout.toMillis() + "ms) must not exceed interval ("
            + interval.toMillis() + "ms)");
      }
      failuresToDown = failuresToDown == null ? 2 : failuresToDown;
      if (failuresToDown < 1 || failuresToDown > 100) {
        throw new IllegalArgumentException("failures_to_down must be 1-100, was " + failuresToDown);
      }
      successesToUp = successesToUp == null ? 2 : successesToUp;
      if (successesToUp < 1 || successesToUp > 100) {
        throw new IllegalArgumentException("successes_to_up must be 1-100, was " + successesToUp);
      }
    }
  }

  /**
   * The HTTP listener for /metrics, /healthz and the admin API, and what one client may take of it
   * (the server's {@code HttpLimits}; docs/edge-hygiene.md).
   */
  public record Http(String address, Integer port, Admin admin, Integer maxConnections,
      Duration idleTimeout, Duration requestTimeout, DataSize maxHeaderSize, Integer maxHeaders) {

    public Http {
      maxConnections = maxConnections == null ? 64 : maxConnections;
      if (maxConnections < 1 || maxConnections > 100_000) {
        throw new IllegalArgumentException("max_connections must be 1-100000, was " + maxConnections);
      }
      idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
      ConfigDurations.require(idleTimeout, "idle_timeout", Duration.ofSeconds(1), Duration.ofHours(1));
      requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
      ConfigDurations.require(requestTimeout, "request_timeout", Duration.ofMillis(100), Duration.ofMinutes(5));
      maxHeaderSize = maxHeaderSize == null ? DataSize.ofBytes(8192) : maxHeaderSize;
      if (maxHeaderSize.bytes() < 1024 || maxHeaderSize.bytes() > 1024 * 1024) {
        throw new IllegalArgumentException("max_header_size must be 1KiB-1MiB, was " + maxHeaderSize);
      }
      maxHeaders = maxHeaders == null ? 100 : maxHeaders;
      if (maxHeaders < 8 || maxHeaders > 10_000) {
        throw new IllegalArgumentException("max_headers must be 8-10000, was " + maxHeaders);
      }
      address = address == null ? "127.0.0.1" : address;
      java.net.InetAddress bind = Networks.requireIpLiteral(address, "address");
      port = port == null ? 8080 : port;
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, was " + port);
      }
      admin = admin == null ? new Admin(null, null, null) : admin;
      if (admin.enabled() && !bind.isLoopbackAddress() && admin.token() == null
          && admin.tokenFile() == null) {
        throw new IllegalArgumentException("admin.token or admin.token_file is required: the admin API"
            + " listens on " + address + ", which is not a loopback address (or set admin.enabled: false)");
      }
    }
  }

  /**
   * The admin API ({@code /admin/*}) on the HTTP port. With a token (inline or the first line of
   * {@code token_file}, relative to the config file's folder) every admin request needs
   * {@code Authorization: Bearer <token>}; without one the API is open, which only a loopback address allows.
   */
  public record Admin(Boolean enabled, String token, String tokenFile) {
    public Admin {
      enabled = enabled == null ? Boolean.TRUE : enabled;
      if (token != null && tokenFile != null) {
        throw new IllegalArgumentException("admin: token and token_file are exclusive; set one");
      }
      if (token != null && (token.length() < 16 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
        throw new IllegalArgumentException(
            "admin.token must be at least 16 printable characters without spaces");
      }
    }
  }

  /**
   * The screening chain: the settings of every call ({@code default_country_code}, {@code emergency},
   * {@code allow_list}, {@code policy}) and, by check name, the section of each check that has one (each of
   * its module's config type; see {@link org.sipscreen.screening.chain.CheckRegistry}).
   */
  public record Screening(String defaultCountryCode, Emergency emergency, ListFile allowList,
      PolicyConfig policy, Map<String, Object> checks) {

    static final Screening DEFAULT = new Screening(null, null, null, null, null);

    public Screening {
      defaultCountryCode = defaultCountryCode == null ? "1" : defaultCountryCode;
      if (!defaultCountryCode.matches("[1-9][0-9]{0,2}")) {
        throw new IllegalArgumentException(
            "default_country_code must be 1-3 digits, was '" + defaultCountryCode + "'");
      }
      emergency = emergency == null ? new Emergency(null) : emergency;
      policy = policy == null ? PolicyConfig.DEFAULT : policy;
      checks = checks == null ? Map.of() : java.util.Collections.unmodifiableMap(
          new java.util.LinkedHashMap<>(checks));
    }

    /** The section of check {@code name}, when the config has one. */
    public Optional<Object> section(String name) {
      return Optional.ofNullable(checks.get(name));
    }
  }

  /** Numbers that bypass every check (911 is always one of them). */
  public record Emergency(List<String> numbers) {
    public Emergency {
      numbers = numbers == null ? List.of("911") : List.copyOf(numbers);
      for (String n : numbers) {
        if (n == null || !n.matches("\\+?[0-9]{2,15}")) {
          throw new IllegalArgumentException("numbers: '" + n + "' is not a dialable number");
        }
      }
    }
  }

  /**
   * {@code peers.<name>}: one interconnect peer — the networks its traffic comes from (and responses may
   * go to), its policy overrides and, per check, its own settings ({@code checks.<check>}).
   *
   * @param blockAll refuse every call of the peer (a provider under traceback scrutiny)
   * @param tagScore the peer's own tag threshold, or null for the policy's
   * @param blockScore the peer's own block threshold, or null for the policy's
   * @param checks per-check overrides, each of the check's module's override type
   * @param contact who answers traceback requests at the peer (name, telephone, email), for traceback
   *     answers; null when not configured
   * @param tls the certificate the peer must present over TLS, besides coming from its networks; null:
   *     any certificate the CAs of {@code sip.tls.ca_file} signed
   */
  public record PeerConfig(List<String> networks, Boolean blockAll, Integer tagScore, Integer blockScore,
      PeerChecks checks, String contact, PeerTls tls) {
    public PeerConfig {
      if (networks == null || networks.isEmpty()) {
        throw new IllegalArgumentException("networks: a peer needs at least one CIDR");
      }
      networks = List.copyOf(networks);
      for (String n : networks) {
        Networks.requireCidr(n, "networks");
      }
      blockAll = blockAll != null && blockAll;
      if (tagScore != null) {
        PolicyConfig.requireScore(tagScore, "tag_score");
      }
      if (blockScore != null) {
        PolicyConfig.requireScore(blockScore, "block_score");
      }
      checks = checks == null ? PeerChecks.NONE : checks;
      if (contact != null && (contact.isBlank() || contact.length() > 200
          || contact.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
        throw new IllegalArgumentException("contact must be 1-200 printable characters on one line");
      }
    }
  }

  /**
   * {@code peers.<name>.tls}: how the peer's TLS client certificate is recognized: a subject alternative
   * name (DNS name, IP address or URI, compared exactly, DNS names without case) or the SHA-256
   * fingerprint of the certificate (hex, colons optional). One match is enough.
   */
  public record PeerTls(List<String> subjectAltNames, List<String> sha256Fingerprints) {
    public PeerTls {
      subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
      sha256Fingerprints = sha256Fingerprints == null ? List.of()
          : sha256Fingerprints.stream().map(PeerTls::fingerprint).toList();
      if (subjectAltNames.isEmpty() && sha256Fingerprints.isEmpty()) {
        throw new IllegalArgumentException("tls: subject_alt_names or sha256_fingerprints is required");
      }
      for (String san : subjectAltNames) {
        if (san == null || san.isBlank() || san.length() > 255) {
          throw new IllegalArgumentException("subject_alt_names: '" + san + "' is not a name");
        }
      }
    }

    /** A fingerprint as 64 lower-case hex digits, from hex with or without colons. */
    static String fingerprint(String text) {
      String hex = text == null ? "" : text.replace(":", "").toLowerCase(Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("sha256_fingerprints: '" + text + "' is not a SHA-256 fingerprint"
            + " (64 hex digits, colons optional)");
      }
      return hex;
    }
  }

  /** {@code peers.<name>.checks}: by check name, that check's override for the peer. */
  public record PeerChecks(Map<String, PeerOverride> byCheck) {
    public static final PeerChecks NONE = new PeerChecks(Map.of());

    public PeerChecks {
      byCheck = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byCheck));
    }
  }

  static void requireRejectStatus(int status, String key) {
    if (status < 400 || status > 699) {
      throw new IllegalArgumentException(key + " must be 400-699, was " + status);
    }
  }
}
