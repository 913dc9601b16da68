package org.sipscreen.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.sip.Transport;

/**
 * Every {@code sipscreen_*} series. Label values come from small fixed sets (known methods, status classes,
 * check names, parser reasons), never from peer text, so a peer cannot blow up cardinality. Hot-path data
 * points are looked up once and cached.
 */
public final class ProxyMetrics {

  private static final List<String> METHODS = List.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS",
      "REGISTER", "PRACK", "UPDATE", "INFO", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH");

  private final PrometheusRegistry registry;
  private final Counter requestsReceived;
  private final Counter requestsForwarded;
  private final Counter responsesRelayed;
  private final Counter responsesSent;
  private final Counter screeningOutcomes;
  private final Counter malformed;
  private final Counter dropped;
  private final Counter callStamps;
  private final Histogram screeningLatency;
  private final Counter policyDecisions;
  private final Counter peerInvites;
  private final Counter peerOutcomes;
  private final Counter retransmissions;
  private final Counter udpTooLarge;
  private final Counter scannerRequests;
  private final Counter nextHopProbes;
  private final Counter nextHopResolutions;
  private final Counter nextHopRefused;
  private final Counter nextHopsAllDown;
  private final Counter tcpConnectionsClosed;
  private final Counter sipsRequests;
  private final Map<Key, CounterDataPoint> cache = new ConcurrentHashMap<>();
  /**
   * The hottest points again, found without building a {@link Key}: requests by transport and method, relayed
   * responses by status class, and each check outcome's two points by peer. Label values come from the same
   * small fixed sets as the {@link #cache}'s, so these stay as small.
   */
  private final CounterDataPoint[][] receivedByMethod =
      new CounterDataPoint[Transport.values().length][METHODS.size() + 1];
  private final CounterDataPoint[][] forwardedByMethod =
      new CounterDataPoint[Transport.values().length][METHODS.size() + 1];
  private final CounterDataPoint[] relayedByClass = new CounterDataPoint[7];
  private final Map<String, Map<CheckOutcome, CounterDataPoint[]>> outcomePoints = new ConcurrentHashMap<>();
  private final StirMetrics stir;

  public ProxyMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    requestsReceived = counter("sipscreen_requests_received_total",
        "SIP requests received, by method and transport",
        "method", "transport");
    requestsForwarded = counter("sipscreen_requests_forwarded_total",
        "SIP requests forwarded, by method and outgoing transport",
        "method", "transport");
    responsesRelayed = counter("sipscreen_responses_relayed_total",
        "SIP responses relayed upstream, by status class (1xx..6xx)",
        "status_class");
    responsesSent = counter("sipscreen_responses_sent_total",
        "SIP responses the proxy generated itself, by status code",
        "status");
    screeningOutcomes = counter("sipscreen_screening_outcomes_total",
        "Outcome of each screening check that ran on an initial INVITE",
        "check", "outcome");
    malformed = counter("sipscreen_malformed_messages_total",
        "Messages refused as malformed, by reason",
        "reason");
    dropped = counter("sipscreen_messages_dropped_total",
        "Messages dropped without an answer, by reason",
        "reason");
    callStamps = counter("sipscreen_call_stamps_ignored_total",
        "Call stamps in a relayed final response or BYE that were ignored (no outcome recorded):"
            + " garbled (not a stamp) or forged (not made by this process for this call)",
        "reason");
    policyDecisions = counter("sipscreen_policy_decisions_total",
        "Flags raised by checks and the action the policy took; mode=shadow when only recorded",
        "check", "category", "action", "mode");
    peerInvites = counter("sipscreen_peer_invites_total",
        "Initial INVITEs screened per source peer, by result (forwarded, tagged, rejected,"
            + " rejected_analytics, dropped, emergency, emergency_refused: an emergency call from a source"
            + " access control refused)",
        "peer", "result");
    peerOutcomes = counter("sipscreen_peer_screening_outcomes_total",
        "Outcome of each screening check per source peer: what a traceback notice asks about",
        "peer", "check", "outcome");
    nextHopProbes = counter("sipscreen_next_hop_probes_total",
        "OPTIONS probes of the next hops by hop and result: ok (a final answer but 503), unavailable (503),"
            + " timeout (no final answer in routing.probing.timeout)",
        "hop", "result");
    nextHopResolutions = counter("sipscreen_next_hop_dns_resolutions_total",
        "DNS resolutions of the next hops that name hosts, by name (the configured URI) and result: ok, or"
            + " failed (no answer, an error, or no address usable; the last good answer stays)",
        "name", "result");
    nextHopRefused = counter("sipscreen_next_hop_dns_refused_total",
        "Addresses a next hop's name resolved to outside routing.next_hop_networks, by name; never used",
        "name");
    nextHopsAllDown = counter("sipscreen_next_hops_all_down_total",
        "Requests routed while every next hop was down; they went to the best priority's hops anyway");
    retransmissions = counter("sipscreen_retransmissions_total",
        "Copies of an initial INVITE transaction already decided (answered from the transaction memory,"
            + " never screened or counted again), by what the copy got; pending: the first copy was still"
            + " waiting for a check",
        "outcome");
    for (String outcome : List.of("forwarded", "answered", "dropped", "pending")) {
      point(retransmissions, outcome);
    }
    udpTooLarge = counter("sipscreen_udp_too_large_total",
        "Messages larger than sip.udp_max_bytes for a UDP next hop: requests answered 513 or moved to"
            + " TCP, responses dropped",
        "outcome");
    for (String outcome : List.of("answered_513", "moved_to_tcp", "response_dropped")) {
      point(udpTooLarge, outcome);
    }
    scannerRequests = counter("sipscreen_scanner_requests_total",
        "Requests scanner_filter marked as a scanner's, by the header that marked them (user_agent,"
            + " from_user) and what they got (dropped; emergency_passed: an emergency INVITE is never"
            + " dropped)",
        "match", "outcome");
    for (String match : List.of("user_agent", "from_user")) {
      for (String outcome : List.of("dropped", "emergency_passed")) {
        point(scannerRequests, match, outcome);
      }
    }
    tcpConnectionsClosed = counter("sipscreen_tcp_connections_closed_total",
        "SIP TCP connections closed for a limit: new ones over sip.tcp_max_connections (total_limit) or"
            + " the per-source limit (per_source_limit), and ones whose incomplete message was the oldest"
            + " when all connections together held more than sip.tcp_buffer_memory (buffer_memory)",
        "reason");
    for (String reason : TCP_CLOSE_REASONS) {
      point(tcpConnectionsClosed, reason);
    }
    sipsRequests = counter("sipscreen_sips_requests_total",
        "Requests with a sips: Request-URI or next Route (RFC 5630: TLS on every hop), by outcome: forwarded"
            + " (over TLS), refused_not_tls (it arrived over UDP or TCP), refused_no_tls_next_hop (its next hop"
            + " is not TLS), emergency_not_tls (a request of an emergency call that went on without TLS on every hop)",
        "outcome");
    for (String outcome : SIPS_OUTCOMES) {
      point(sipsRequests, outcome);
    }
    screeningLatency = Histogram.builder().name("sipscreen_screening_latency_seconds")
        .help("Time to run the screening chain on one initial INVITE")
        .classicUpperBounds(0.000_002, 0.000_005, 0.000_010, 0.000_025, 0.000_050, 0.000_100,
            0.000_250, 0.000_500, 0.001, 0.005, 0.025, 0.1)
        .register(registry);
    stir = new StirMetrics(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void requestReceived(String method, Transport transport) {
    perMethod(receivedByMethod, requestsReceived, method, transport).inc();
  }

  public void requestForwarded(String method, Transport transport) {
    perMethod(forwardedByMethod, requestsForwarded, method, transport).inc();
  }

  public void responseRelayed(int status) {
    int statusClass = Math.max(1, Math.min(6, status / 100));
    CounterDataPoint p = relayedByClass[statusClass];
    if (p == null) {
      p = point(responsesRelayed, STATUS_CLASSES[statusClass]);
      relayedByClass[statusClass] = p;
    }
    p.inc();
  }

  /**
   * The data point of a per-message counter by method and transport, from {@code byMethod} (indexed by
   * transport, then by the method's place in {@link #METHODS}, the last slot for "other"): the same point
   * {@link #point} gives, without building a key for every message.
   */
  private CounterDataPoint perMethod(CounterDataPoint[][] byMethod, Counter counter, String method,
      Transport transport) {
    int m = METHODS.indexOf(method);
    if (m < 0) {
      m = METHODS.size();
    }
    CounterDataPoint[] row = byMethod[transport.ordinal()];
    CounterDataPoint p = row[m];
    if (p == null) {
      p = point(counter, methodLabel(method), transport.label());
      row[m] = p; // racing event loops store the same cached point
    }
    return p;
  }

  public void responseSent(int status) {
    point(responsesSent, Integer.toString(status)).inc();
  }

  /** Counts everything about one screened INVITE: check outcomes, policy decisions, the per-peer view. */
  public void screened(org.sipscreen.screening.ScreeningResult result) {
    String peer = result.peerName().orElse("unknown");
    Map<CheckOutcome, CounterDataPoint[]> byOutcome = outcomePoints.get(peer);
    if (byOutcome == null) {
      byOutcome = outcomePoints.computeIfAbsent(peer, k -> new ConcurrentHashMap<>());
    }
    for (CheckOutcome o : result.outcomes()) {
      CounterDataPoint[] points = byOutcome.get(o);
      if (points == null) {
        points = byOutcome.computeIfAbsent(o, k -> new CounterDataPoint[] {
            point(screeningOutcomes, k.check(), k.outcome()), point(peerOutcomes, peer, k.check(), k.outcome())});
      }
      points[0].inc();
      points[1].inc();
    }
    for (org.sipscreen.screening.PolicyDecision d : result.decisions()) {
      point(policyDecisions, d.check(), d.category(), d.action().label(),
          d.shadow() ? "shadow" : "enforce").inc();
    }
    point(peerInvites, peer, resultLabel(result)).inc();
    stir.screened(result, peer);
  }

  private static String resultLabel(org.sipscreen.screening.ScreeningResult r) {
    if (r.isEmergency()) {
      return "emergency";
    }
    if (r.outcomeOf(org.sipscreen.screening.EmergencyCheck.NAME)
        .filter(org.sipscreen.screening.CheckOutcome.REFUSED::equals).isPresent()) {
      return "emergency_refused";
    }
    if (r.action() instanceof org.sipscreen.screening.ScreeningResult.Action.Reject rej) {
      return rej.status() == 603 && rej.reasonPhrase().equals("Network Blocked")
          ? "rejected_analytics" : "rejected";
    }
    if (r.action() instanceof org.sipscreen.screening.ScreeningResult.Action.Drop) {
      return "dropped";
    }
    // A verstat that only reports a verification (Passed, No-TN-Validation) is not a "tagged" call.
    for (org.sipscreen.screening.CallTag t : r.tags()) {
      if (!(t instanceof org.sipscreen.screening.CallTag.Verstat v) || v.value().equals("TN-Validation-Failed")) {
        return "tagged";
      }
    }
    return "forwarded";
  }

  /**
   * Exports the series of the chain's checks (each module's own, {@link
   * org.sipscreen.screening.check.CheckModule#exportMetrics}), read at scrape time. Called with every
   * chain that starts running: a check's series are registered the first time a chain has it, and from
   * then on read the newest chain's instance of it (a check a reload turned off keeps its last values).
   */
  public synchronized void watch(org.sipscreen.screening.chain.InstalledChain chain) {
    peerNames = chain.peerNames();
    startAtZero(chain.chain());
    for (org.sipscreen.screening.chain.Installed<?, ?> i : chain.installed()) {
      boolean first = !latest.containsKey(i.name());
      latest.put(i.name(), i.check());
      if (first) {
        export(i.module());
      }
    }
  }

  private <K extends org.sipscreen.screening.Check> void export(
      org.sipscreen.screening.check.CheckModule<?, K> module) {
    module.exportMetrics(() -> module.cast(latest.get(module.name())), checkMetrics);
  }

  /** The running chain's peers, whose series exist at 0. */
  private volatile java.util.Set<String> peerNames = java.util.Set.of();

  /** The newest running instance of each check, by name. */
  private final Map<String, org.sipscreen.screening.Check> latest = new ConcurrentHashMap<>();

  /** Where checks export their series: Prometheus callbacks read at scrape time. */
  private final org.sipscreen.screening.check.CheckMetrics checkMetrics =
      new org.sipscreen.screening.check.CheckMetrics() {
        @Override
        public void counter(String name, String help, java.util.function.LongSupplier value) {
          io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name(name).help(help)
              .callback(cb -> cb.call(value.getAsLong())).register(registry);
        }

        @Override
        public void gauge(String name, String help, java.util.function.DoubleSupplier value) {
          io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name(name).help(help)
              .callback(cb -> cb.call(value.getAsDouble())).register(registry);
        }

        @Override
        public void gauge(String name, String help, String label,
            java.util.function.Supplier<Map<String, Double>> values) {
          io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name(name).help(help)
              .labelNames(label)
              .callback(cb -> values.get().forEach((k, v) -> cb.call(v, k))).register(registry);
        }

        @Override
        public java.util.function.LongConsumer nanosHistogram(String name, String help,
            double... upperBoundsSeconds) {
          Histogram h = Histogram.builder().name(name).help(help).classicUpperBounds(upperBoundsSeconds)
              .register(registry);
          return nanos -> h.observe(nanos / 1e9);
        }
      };

  /** Observes the time of each INVITE's STIR/SHAKEN verification, in nanoseconds. */
  public java.util.function.LongConsumer stirVerificationTimes() {
    return stir.verificationTimes();
  }

  /** A retransmitted initial INVITE answered from the transaction memory; see the counter's help. */
  public void retransmission(String outcome) {
    point(retransmissions, outcome).inc();
  }

  /** A message too large for a UDP datagram to its next hop; see the counter's help. */
  public void udpTooLarge(String outcome) {
    point(udpTooLarge, outcome).inc();
  }

  /**
   * Exports how often the transaction memory forgot transactions early because a generation was full
   * (their retransmissions were screened again): a sign that {@code sip.transaction_memory} is too small.
   */
  public void watchTransactions(java.util.function.LongSupplier earlyRetirements) {
    if (transactionsWatched.compareAndSet(false, true)) {
      io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
          .name("sipscreen_transaction_memory_overflows_total")
          .help("Generations of the transaction memory retired before Timer B because they were full")
          .callback(cb -> cb.call(earlyRetirements.getAsLong()))
          .register(registry);
    }
  }

  /** Answers to the next hops' OPTIONS probes by hop (its configured URI) and result. */
  public void nextHopProbe(String hop, String result) {
    point(nextHopProbes, hop, result).inc();
  }

  /** One DNS resolution of a next hop's name: {@code ok} or {@code failed}. */
  public void nextHopResolution(String name, String result) {
    point(nextHopResolutions, name, result).inc();
  }

  /** {@code count} addresses a next hop's name resolved to that are outside the next-hop networks. */
  public void nextHopRefused(String name, int count) {
    point(nextHopRefused, name).inc(count);
  }

  /** A request routed while every next hop was down (it went to the best priority's hops anyway). */
  public void nextHopsAllDown() {
    nextHopsAllDown.inc();
  }

  /** Exports {@code sipscreen_next_hop_up{hop}} from the proxy's view of its next hops. */
  public void watchNextHops(java.util.function.Supplier<Map<String, Double>> up) {
    if (nextHopsWatched.compareAndSet(false, true)) {
      io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
          .name("sipscreen_next_hop_up")
          .help("1 when the next hop takes initial requests, 0 when its OPTIONS probes took it down")
          .labelNames("hop")
          .callback(cb -> up.get().forEach((hop, v) -> cb.call(v, hop)))
          .register(registry);
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean nextHopsWatched =
      new java.util.concurrent.atomic.AtomicBoolean();

  private final java.util.concurrent.atomic.AtomicBoolean transactionsWatched =
      new java.util.concurrent.atomic.AtomicBoolean();


  /** Results of {@code sipscreen_peer_invites_total}. */
  static final List<String> RESULTS = List.of("forwarded", "tagged", "rejected", "rejected_analytics",
      "dropped", "emergency", "emergency_refused");
  /** Statuses the proxy answers with on its own, whatever the config. */
  static final List<String> STATUSES = List.of("200", "400", "403", "416", "420", "481", "482", "483",
      "503", "505", "513", "603", "608");
  /** Reasons of {@code sipscreen_messages_dropped_total} (StatelessProxy and the transports). */
  static final List<String> DROP_REASONS = List.of("keepalive", "malformed", "unknown_source",
      "ack_for_local_response", "screening", "response_not_ours", "response_without_upstream",
      "unsupported_transport", "unresolvable_via", "destination_not_allowed", "ack_not_forwardable",
      "unanswerable", "oversize_datagram", "udp_error", "tcp_idle_close", "no_udp_socket",
      "no_tcp_client", "tcp_connect_failed", "not_in_dialog", "response_from_unknown_source",
      "retransmission_pending", "udp_too_large", "scanner_user_agent", "scanner_from_user",
      "options_from_unknown_source", "tcp_message_timeout", "overload");

  /**
   * Creates at 0 every counter series whose label values are known before the first message: requests by
   * method and transport, responses by class and by the proxy's own statuses, drop reasons, each check's
   * {@code continue} and the chain's {@code error}, each peer's (and {@code unknown}'s) INVITE results and
   * STIR results. So a rate() or an alert sees a series from start-up, not from the first event. Label
   * values that come from what happens (flag categories, malformed-message reasons) still appear with
   * their first event.
   */
  private void startAtZero(org.sipscreen.screening.ScreeningChain chain) {
    for (String method : METHODS) {
      for (Transport t : Transport.values()) {
        point(requestsReceived, method, t.label());
        point(requestsForwarded, method, t.label());
      }
    }
    for (Transport t : Transport.values()) {
      point(requestsReceived, "other", t.label());
      point(requestsForwarded, "other", t.label());
    }
    for (int c = 1; c <= 6; c++) {
      point(responsesRelayed, STATUS_CLASSES[c]);
    }
    STATUSES.forEach(s -> point(responsesSent, s));
    DROP_REASONS.forEach(r -> point(dropped, r));
    point(screeningOutcomes, "chain", "error");
    point(screeningOutcomes, org.sipscreen.screening.EmergencyCheck.NAME, "bypass");
    point(screeningOutcomes, org.sipscreen.screening.EmergencyCheck.NAME, "continue");
    point(screeningOutcomes, org.sipscreen.screening.EmergencyCheck.NAME,
        org.sipscreen.screening.CheckOutcome.REFUSED);
    java.util.Set<String> peers = new java.util.TreeSet<>(List.of("unknown"));
    for (org.sipscreen.screening.Check c : chain.checks()) {
      point(screeningOutcomes, c.name(), org.sipscreen.screening.CheckOutcome.CONTINUE);
    }
    peers.addAll(peerNames);
    for (String peer : peers) {
      RESULTS.forEach(r -> point(peerInvites, peer, r));
    }
    if (chain.checkNames().contains("stir_shaken")) {
      stir.startAtZero(peers);
    }
  }

  /** A chain that failed and was skipped (fail open). */
  public void screeningError() {
    point(screeningOutcomes, "chain", "error").inc();
  }

  public void malformed(String reason) {
    point(malformed, reason).inc();
  }

  /** A request scanner_filter marked: {@code match} user_agent or from_user, {@code outcome} as counted. */
  public void scannerRequest(String match, String outcome) {
    point(scannerRequests, match, outcome).inc();
  }

  /** Outcomes of {@code sipscreen_sips_requests_total}. */
  static final List<String> SIPS_OUTCOMES =
      List.of("forwarded", "refused_not_tls", "refused_no_tls_next_hop", "emergency_not_tls");

  /** A request on a sips: path: one of {@link #SIPS_OUTCOMES}. */
  public void sipsRequest(String outcome) {
    point(sipsRequests, outcome).inc();
  }

  /** Reasons of {@code sipscreen_tcp_connections_closed_total}. */
  static final List<String> TCP_CLOSE_REASONS = List.of("total_limit", "per_source_limit", "buffer_memory");

  /** A SIP TCP connection closed for a limit: one of {@link #TCP_CLOSE_REASONS}. */
  public void tcpConnectionClosed(String reason) {
    point(tcpConnectionsClosed, reason).inc();
  }

  /** The TCP limits in force, and what the connections hold of the buffer budget, read at scrape time. */
  public void watchTcpLimits(java.util.function.IntSupplier maxConnections, java.util.function.LongSupplier
      bufferedBytes) {
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name("sipscreen_tcp_connections_max")
        .help("SIP TCP connections accepted at most (sip.tcp_max_connections, within the open-files budget)")
        .callback(cb -> cb.call(maxConnections.getAsInt())).register(registry);
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name("sipscreen_tcp_buffered_bytes")
        .help("Bytes SIP TCP connections hold in incomplete messages (kept within sip.tcp_buffer_memory)")
        .callback(cb -> cb.call(bufferedBytes.getAsLong())).register(registry);
  }

  /** A call stamp that was not recorded: {@code garbled} or {@code forged}. */
  public void callStampIgnored(String reason) {
    point(callStamps, reason).inc();
  }

  public void dropped(String reason) {
    point(dropped, reason).inc();
  }

  public void screeningLatencyNanos(long nanos) {
    screeningLatency.observe(nanos / 1e9);
  }

  /**
   * The current value of a counter series, for tests and the admin view; label values in the order the
   * counter declares its labels.
   */
  public double counterValue(String name, String... labelValues) {
    String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
    List<String> declared = labelNames.get(base);
    var snapshot = registry.scrape(n -> n.equals(base));
    for (var m : snapshot) {
      for (var dp : m.getDataPoints()) {
        var labels = dp.getLabels();
        // Label values are given in declared order; the client keeps labels sorted by name. A counter
        // registered elsewhere (its declared order unknown here) is read in that sorted order.
        List<String> names = declared;
        if (names == null) {
          names = new java.util.ArrayList<>();
          for (int i = 0; i < labels.size(); i++) {
            names.add(labels.getName(i));
          }
        }
        boolean match = labels.size() == labelValues.length && names.size() == labelValues.length;
        for (int i = 0; match && i < labelValues.length; i++) {
          match = labelValues[i].equals(labels.get(names.get(i)));
        }
        if (match && dp instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot c) {
          return c.getValue();
        }
      }
    }
    return 0;
  }

  /** Label names of each counter in declared order, by the name it is scraped under. */
  private final Map<String, List<String>> labelNames = new ConcurrentHashMap<>();

  private Counter counter(String name, String help, String... labels) {
    labelNames.put(name.substring(0, name.length() - "_total".length()), List.of(labels));
    return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
  }

  /** A data point's identity: its counter and up to four label values (label values are interned-ish). */
  private record Key(Counter counter, String a, String b, String c, String d) {}

  private CounterDataPoint point(Counter counter, String... labels) {
    Key key = new Key(counter, labels[0], labels.length > 1 ? labels[1] : null,
        labels.length > 2 ? labels[2] : null, labels.length > 3 ? labels[3] : null);
    CounterDataPoint p = cache.get(key);
    if (p == null) {
      p = cache.computeIfAbsent(key, k -> counter.labelValues(labels));
    }
    return p;
  }

  private static final String[] STATUS_CLASSES = {"", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx"};

  static String methodLabel(String method) {
    return METHODS.contains(method) ? method : "other";
  }
}
