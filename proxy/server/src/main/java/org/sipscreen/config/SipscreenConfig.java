package org.sipscreen.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The whole config file, typed and immutable. Every key is snake_case in YAML; a missing key takes the
 * default named in its record, an unknown key is an error. Values are checked when the record is built,
 * so a {@code SipscreenConfig} that exists is one the proxy can run with.
 */
public record SipscreenConfig(Sip sip, Routing routing, Http http, Screening screening,
    RecordsConfig records, ReloadConfig reload) {

  /** A config without a {@code records:} section. */
  public SipscreenConfig(Sip sip, Routing routing, Http http, Screening screening) {
    this(sip, routing, http, screening, null, null);
  }

  /** A config without a {@code reload:} section. */
  public SipscreenConfig(Sip sip, Routing routing, Http http, Screening screening, RecordsConfig records) {
    this(sip, routing, http, screening, records, null);
  }

  public SipscreenConfig {
    records = records == null ? RecordsConfig.OFF : records;
    reload = reload == null ? ReloadConfig.DEFAULT : reload;
    sip = sip == null ? new Sip(null, null, null, null, null, null, null, null, null, null) : sip;
    routing = routing == null ? new Routing(null, null) : routing;
    http = http == null ? new Http(null, null, null) : http;
    screening = screening == null ? new Screening(null, null, null, null, null, null, null, null, null, null, null, null, null, null) : screening;
  }

  /** SIP listeners and wire limits. */
  public record Sip(List<Listener> listen, String advertiseAddress, Integer maxMessageBytes,
      Integer tcpIdleTimeoutSeconds, Boolean recordRoute, Integer warmupCalls, Integer udpSockets,
      Integer udpMaxBytes, String udpOverflow, Integer transactionMemory) {
    /** The wire limits of the proxy core. */
    public org.sipscreen.proxy.ProxySettings.Limits limits() {
      return new org.sipscreen.proxy.ProxySettings.Limits(udpMaxBytes, udpOverflow.equals("tcp"),
          transactionMemory);
    }

    /** Netty's default number of event loops (2 per CPU), which the proxy runs with. */
    public static final int EVENT_LOOPS = Math.max(1,
        Integer.getInteger("io.netty.eventLoopThreads", 2 * Runtime.getRuntime().availableProcessors()));

    public Sip {
      listen = listen == null ? List.of(new Listener(null, null, null)) : List.copyOf(listen);
      if (listen.isEmpty()) {
        throw new IllegalArgumentException("listen: at least one listener is required");
      }
      maxMessageBytes = maxMessageBytes == null ? 65536 : maxMessageBytes;
      if (maxMessageBytes < 1024 || maxMessageBytes > 65535 * 16) {
        throw new IllegalArgumentException(
            "max_message_bytes must be 1024-1048560, was " + maxMessageBytes);
      }
      tcpIdleTimeoutSeconds = tcpIdleTimeoutSeconds == null ? 300 : tcpIdleTimeoutSeconds;
      if (tcpIdleTimeoutSeconds < 1) {
        throw new IllegalArgumentException(
            "tcp_idle_timeout_seconds must be positive, was " + tcpIdleTimeoutSeconds);
      }
      recordRoute = recordRoute == null ? Boolean.TRUE : recordRoute;
      warmupCalls = warmupCalls == null ? 1500 : warmupCalls;
      if (warmupCalls < 0 || warmupCalls > 1_000_000) {
        throw new IllegalArgumentException("warmup_calls must be 0-1000000, was " + warmupCalls);
      }
      udpMaxBytes = udpMaxBytes == null ? org.sipscreen.proxy.ProxySettings.Limits.UDP_MAX : udpMaxBytes;
      if (udpMaxBytes < 512 || udpMaxBytes > org.sipscreen.proxy.ProxySettings.Limits.UDP_MAX) {
        throw new IllegalArgumentException("udp_max_bytes must be 512-"
            + org.sipscreen.proxy.ProxySettings.Limits.UDP_MAX + ", was " + udpMaxBytes);
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
      }
    }
  }

  /** One SIP socket address and the transports served on it. */
  public record Listener(String address, Integer port, List<String> transports) {
    public Listener {
      address = address == null ? "127.0.0.1" : address;
      Networks.requireIpLiteral(address, "address");
      port = port == null ? 5060 : port;
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1-65535, was " + port);
      }
      transports = transports == null ? List.of("udp", "tcp") : List.copyOf(transports);
      if (transports.isEmpty()) {
        throw new IllegalArgumentException("transports: at least one of udp, tcp is required");
      }
      transports = transports.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
      for (String t : transports) {
        if (!t.equals("udp") && !t.equals("tcp")) {
          throw new IllegalArgumentException("transports: unknown transport '" + t + "' (udp, tcp)");
        }
      }
    }
  }

  /** Where requests go. Initial requests always take the default route; nothing routes by DNS. */
  public record Routing(String defaultRoute, List<String> nextHopNetworks) {
    public Routing {
      defaultRoute = defaultRoute == null ? "sip:127.0.0.1:5070" : defaultRoute;
      Networks.requireRouteUri(defaultRoute, "default_route");
      nextHopNetworks = nextHopNetworks == null
          ? List.of("127.0.0.0/8", "::1/128") : List.copyOf(nextHopNetworks);
      for (String n : nextHopNetworks) {
        Networks.requireCidr(n, "next_hop_networks");
      }
    }
  }

  /** The HTTP listener for /metrics, /healthz and the admin API. */
  public record Http(String address, Integer port, Admin admin) {
    public Http {
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

  /** The screening chain: which checks run and what they do. */
  public record Screening(String defaultCountryCode, Emergency emergency, SourcePeer sourcePeer,
      NumberListConfig allowList, NumberListConfig blockList, NumberListConfig tagList,
      PolicyConfig policy, CheckConfigs.DoNotOriginate doNotOriginate, CheckConfigs.Velocity velocity,
      CheckConfigs.NeighborSpoofing neighborSpoofing, CheckConfigs.Reputation reputation,
      CheckConfigs.InvalidNumber invalidNumber, CheckConfigs.StirShaken stirShaken,
      CheckConfigs.CallingNumber callingNumber) {
    public Screening {
      defaultCountryCode = defaultCountryCode == null ? "1" : defaultCountryCode;
      if (!defaultCountryCode.matches("[1-9][0-9]{0,2}")) {
        throw new IllegalArgumentException(
            "default_country_code must be 1-3 digits, was '" + defaultCountryCode + "'");
      }
      emergency = emergency == null ? new Emergency(null) : emergency;
      sourcePeer = sourcePeer == null ? new SourcePeer(null, null, null, null, null) : sourcePeer;
      allowList = allowList == null ? NumberListConfig.NONE : allowList;
      blockList = blockList == null ? NumberListConfig.NONE : blockList;
      tagList = tagList == null ? NumberListConfig.NONE : tagList;
      policy = policy == null ? PolicyConfig.DEFAULT : policy;
      callingNumber = callingNumber == null ? CheckConfigs.CallingNumber.DEFAULT : callingNumber;
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

  /** Named interconnect peers and what happens to traffic from anywhere else. */
  public record SourcePeer(Map<String, Peer> peers, String unknownSource, Integer rejectStatus,
      String rejectReason, Boolean shadow) {
    public SourcePeer {
      shadow = shadow != null && shadow;
      peers = peers == null
          ? Map.of("local", new Peer(List.of("127.0.0.0/8", "::1/128"))) : Map.copyOf(peers);
      for (String name : peers.keySet()) {
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
          throw new IllegalArgumentException("peers: name '" + name
              + "' must be lower-case letters, digits, '_' or '-' (it becomes a metric label)");
        }
      }
      unknownSource = unknownSource == null ? "reject" : unknownSource;
      if (!unknownSource.equals("reject") && !unknownSource.equals("drop")) {
        throw new IllegalArgumentException(
            "unknown_source must be reject or drop, was '" + unknownSource + "'");
      }
      rejectStatus = rejectStatus == null ? 403 : rejectStatus;
      requireRejectStatus(rejectStatus, "reject_status");
      rejectReason = rejectReason == null ? "Forbidden" : rejectReason;
    }
  }

  /** One peer's source networks. */
  public record Peer(List<String> networks) {
    public Peer {
      Objects.requireNonNull(networks, "networks");
      if (networks.isEmpty()) {
        throw new IllegalArgumentException("networks: a peer needs at least one CIDR");
      }
      networks = List.copyOf(networks);
      for (String n : networks) {
        Networks.requireCidr(n, "networks");
      }
    }
  }

  /**
   * A number list file and what a hit does. {@code action} is reject, drop or tag; a reject answers with
   * {@code reject_status}/{@code reject_reason} and, with {@code reason_text}, a
   * {@code Reason: SIP;cause=<status>;text="..."} header; a tag puts {@code label} in front of the display
   * name and/or sets {@code verstat}. A relative {@code file} is resolved against the config file's folder.
   */
  public record NumberListConfig(String file, String action, Integer rejectStatus,
      String rejectReason, String reasonText, String label, String verstat) {

    static final NumberListConfig NONE = new NumberListConfig(null, null, null, null, null, null, null);

    public NumberListConfig {
      if (action != null && !action.equals("reject") && !action.equals("drop")
          && !action.equals("tag")) {
        throw new IllegalArgumentException("action must be reject, drop or tag, was '" + action + "'");
      }
      if (rejectStatus != null) {
        requireRejectStatus(rejectStatus, "reject_status");
      }
      if (verstat != null && !List.of("TN-Validation-Passed", "TN-Validation-Failed",
          "No-TN-Validation").contains(verstat)) {
        throw new IllegalArgumentException("verstat must be TN-Validation-Passed,"
            + " TN-Validation-Failed or No-TN-Validation, was '" + verstat + "'");
      }
      if (reasonText != null && reasonText.chars().anyMatch(c -> c < 0x20 || c == '"' || c == '\\')) {
        throw new IllegalArgumentException(
            "reason_text must be printable text without quotes or backslashes");
      }
      if (label != null && (label.isBlank() || label.chars().anyMatch(c -> c < 0x20 || c == '"'
          || c == '\\'))) {
        throw new IllegalArgumentException("label must be printable text without quotes or backslashes");
      }
    }

    /** The action, or {@code fallback} when the file does not name one. */
    public String actionOr(String fallback) {
      return action == null ? fallback : action;
    }
  }

  static void requireRejectStatus(int status, String key) {
    if (status < 400 || status > 699) {
      throw new IllegalArgumentException(key + " must be 400-699, was " + status);
    }
  }
}
