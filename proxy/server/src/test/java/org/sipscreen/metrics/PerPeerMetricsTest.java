package org.sipscreen.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.calling_number.CallingNumberCheck;
import org.sipscreen.screening.check.do_not_originate.DoNotOriginateCheck;
import org.sipscreen.screening.check.invalid_number.InvalidNumberCheck;
import org.sipscreen.screening.check.neighbor_spoofing.NeighborSpoofingCheck;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.reputation.ReputationAnswer;
import org.sipscreen.screening.check.reputation.ReputationCheck;
import org.sipscreen.screening.check.reputation.ReputationFeed;
import org.sipscreen.screening.check.reputation.ReputationSettings;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.screening.check.velocity.VelocityCheck;
import org.sipscreen.screening.check.velocity.VelocityLimits;
import org.sipscreen.screening.numbering.CountryCodeLengths;
import org.sipscreen.screening.numbering.NanpNumberingPlan;

/**
 * Issue 3, "Per-peer accountability": what a traceback notice asks about, per source peer. Real chains
 * with two peers screen real calls; {@link ProxyMetrics#screened} counts them; the registry is scraped.
 */
class PerPeerMetricsTest {

  private static final String PEER_A = "10.1.2.3";
  private static final String PEER_B = "10.9.9.9";
  private static final String UNKNOWN = "192.0.2.7";

  private static final String CLEAN = "+12024561111";
  private static final String INVALID = "+12124111234";
  private static final String DNO = "+12027621401";
  private static final String BLOCKED = "+13126401234";
  private static final String FAST = "+16172531234";
  private static final String HIGH_REPUTATION = "+17135271234";
  private static final String CALLEE = "+13019440199";

  private static final CountryCodeLengths COUNTRIES = CountryCodeLengths.libphonenumber();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ProxyMetrics metrics = new ProxyMetrics(registry);

  private static ScreeningChain chain(boolean globalShadow) {
    return chain(globalShadow, ReputationCheck.feedOnly(ReputationSettings.DEFAULTS,
        ReputationFeed.of("feed", HIGH_REPUTATION + ",60,robocall")));
  }

  private static ScreeningChain chain(boolean globalShadow, ReputationCheck reputation) {
    List<Check> checks = new ArrayList<>();
    checks.add(new SourcePeerCheck(PeerTable.of(Map.of(
        "carrier_a", List.of("10.1.2.0/24"), "carrier_b", List.of("10.9.9.0/24")))));
    checks.add(new CallingNumberCheck());
    checks.add(new InvalidNumberCheck(NanpNumberingPlan.structureOnly(), COUNTRIES,
        InvalidNumberCheck.defaultScores()));
    checks.add(new DoNotOriginateCheck(NumberList.of("dno", DNO)));
    checks.add(new NumberListCheck("block_list", NumberList.of("block", BLOCKED)));
    checks.add(new NeighborSpoofingCheck(NeighborSpoofingCheck.Mode.NPA_NXX, NumberList.EMPTY, 40));
    checks.add(new VelocityCheck(VelocityLimits.NONE.withCallerPerMinute(2), Map.of(), 60, 1000,
        Ticker.disabledTicker()));
    checks.add(reputation);
    Map<String, Policy.CheckPolicy> policies = new LinkedHashMap<>();
    policies.put("invalid_number", new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false));
    policies.put("do_not_originate", new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false));
    policies.put("neighbor_spoofing", new Policy.CheckPolicy(PolicyAction.TAG, false));
    policies.put("velocity", new Policy.CheckPolicy(PolicyAction.REJECT_ANALYTICS, false));
    policies.put("reputation", new Policy.CheckPolicy(PolicyAction.SCORE, true));
    Policy policy = new Policy(globalShadow, 50, 90, List.of(new CallTag.DisplayLabel("SPAM?")),
        Policy.analytics603("https://redress.example/", Optional.empty(), Optional.empty(), "TN"),
        new Verdict.Reject(603, "Decline", List.of()), new Verdict.Reject(403, "Forbidden", List.of()),
        policies, Map.of("carrier_b", new Policy.PeerPolicy(false, Optional.empty(), Optional.empty(),
            Map.of("velocity", new Policy.CheckPolicy(PolicyAction.DROP, false)))));
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY, checks, policy);
  }

  private static CallAttempt call(String source, String caller, String requestUri) {
    try {
      return new CallAttempt("c@test", InetAddress.getByName(source), requestUri, "<" + requestUri + ">",
          "<sip:" + caller + "@peer.example;user=phone>;tag=1", Optional.empty());
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static CallAttempt call(String source, String caller) {
    return call(source, caller, "sip:" + CALLEE + "@proxy.example;user=phone");
  }

  private ScreeningResult screen(ScreeningChain chain, CallAttempt attempt) {
    ScreeningResult r = chain.screen(attempt);
    metrics.screened(r);
    return r;
  }

  /** The value of one series, matched by label name (order-independent); 0 when absent. */
  private double value(String name, Map<String, String> labels) {
    String base = name.replaceFirst("_total$", "");
    for (MetricSnapshot m : registry.scrape(n -> n.equals(base))) {
      for (DataPointSnapshot dp : m.getDataPoints()) {
        if (matches(dp.getLabels(), labels)) {
          if (dp instanceof CounterSnapshot.CounterDataPointSnapshot c) {
            return c.getValue();
          }
          if (dp instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
            return g.getValue();
          }
        }
      }
    }
    return 0;
  }

  private static boolean matches(Labels actual, Map<String, String> expected) {
    if (actual.size() != expected.size()) {
      return false;
    }
    for (Map.Entry<String, String> e : expected.entrySet()) {
      if (!e.getValue().equals(actual.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private double invites(String peer, String result) {
    return value("sipscreen_peer_invites_total", Map.of("peer", peer, "result", result));
  }

  private double peerOutcome(String peer, String check, String outcome) {
    return value("sipscreen_peer_screening_outcomes_total",
        Map.of("peer", peer, "check", check, "outcome", outcome));
  }

  private double decision(String check, String category, String action, String mode) {
    return value("sipscreen_policy_decisions_total",
        Map.of("check", check, "category", category, "action", action, "mode", mode));
  }

  @Test
  void invitesArePerPeerByResult() {
    ScreeningChain chain = chain(false);
    screen(chain, call(PEER_A, CLEAN));
    screen(chain, call(PEER_A, "+13019444567")); // neighbor of the callee: tagged
    screen(chain, call(PEER_A, DNO));
    screen(chain, call(PEER_B, DNO));
    screen(chain, call(PEER_B, BLOCKED));
    for (int i = 0; i < 3; i++) {
      screen(chain, call(PEER_A, FAST)); // the third exceeds 2 per minute: 603+
    }
    screen(chain, call(PEER_B, FAST)); // carrier_b's override: velocity drops

    assertThat(invites("carrier_a", "forwarded")).isEqualTo(3); // CLEAN and FAST twice
    assertThat(invites("carrier_a", "tagged")).isEqualTo(1);
    assertThat(invites("carrier_a", "rejected")).isEqualTo(1);
    assertThat(invites("carrier_a", "rejected_analytics")).isEqualTo(1);
    assertThat(invites("carrier_b", "rejected")).isEqualTo(2);
    assertThat(invites("carrier_b", "dropped")).isEqualTo(1);
    assertThat(invites("carrier_b", "forwarded")).isZero();
    assertThat(invites("carrier_a", "dropped")).isZero();
  }

  @Test
  void unknownSourceIsCountedUnderPeerUnknown() {
    ScreeningChain chain = chain(false);
    screen(chain, call(UNKNOWN, CLEAN));
    assertThat(invites("unknown", "rejected")).isEqualTo(1);
    assertThat(peerOutcome("unknown", "source_peer", "reject")).isEqualTo(1);
  }

  @Test
  void eachPeersCheckOutcomesAreWhatATracebackAsksAbout() {
    ScreeningChain chain = chain(false);
    screen(chain, call(PEER_A, INVALID));
    screen(chain, call(PEER_A, DNO));
    screen(chain, call(PEER_B, DNO));
    screen(chain, call(PEER_B, BLOCKED));
    screen(chain, call(PEER_B, "+13019444567"));
    screen(chain, call(PEER_A, HIGH_REPUTATION));
    for (int i = 0; i < 3; i++) {
      screen(chain, call(PEER_B, FAST));
    }

    assertThat(peerOutcome("carrier_a", "invalid_number", "n11_nxx")).isEqualTo(1);
    assertThat(peerOutcome("carrier_b", "invalid_number", "n11_nxx")).isZero();
    assertThat(peerOutcome("carrier_a", "do_not_originate", "dno")).isEqualTo(1);
    assertThat(peerOutcome("carrier_b", "do_not_originate", "dno")).isEqualTo(1);
    assertThat(peerOutcome("carrier_b", "block_list", "reject")).isEqualTo(1);
    assertThat(peerOutcome("carrier_b", "neighbor_spoofing", "neighbor_spoofing")).isEqualTo(1);
    assertThat(peerOutcome("carrier_b", "velocity", "caller_per_minute")).isEqualTo(1);
    assertThat(peerOutcome("carrier_a", "reputation", "reputation_high")).isEqualTo(1);
    assertThat(peerOutcome("carrier_a", "source_peer", "continue")).isEqualTo(3);
    assertThat(peerOutcome("carrier_b", "source_peer", "continue")).isEqualTo(6);
    assertThat(value("sipscreen_screening_outcomes_total",
        Map.of("check", "do_not_originate", "outcome", "dno"))).as("the all-peers series").isEqualTo(2);
  }

  @Test
  void policyDecisionsAreCountedWithTheirActionAndEnforceOrShadowMode() {
    ScreeningChain chain = chain(false);
    screen(chain, call(PEER_A, DNO));
    screen(chain, call(PEER_A, HIGH_REPUTATION)); // reputation is shadowed per check
    screen(chain, call(PEER_A, "+13019444567"));
    for (int i = 0; i < 3; i++) {
      screen(chain, call(PEER_B, FAST));
    }

    assertThat(decision("do_not_originate", "dno", "reject_deterministic", "enforce")).isEqualTo(1);
    assertThat(decision("reputation", "reputation_high", "score", "shadow")).isEqualTo(1);
    assertThat(decision("reputation", "reputation_high", "score", "enforce")).isZero();
    assertThat(decision("neighbor_spoofing", "neighbor_spoofing", "tag", "enforce")).isEqualTo(1);
    assertThat(decision("velocity", "caller_per_minute", "drop", "enforce")).as("carrier_b's override")
        .isEqualTo(1);
  }

  @Test
  void globalShadowModeCountsEveryDecisionAsShadowAndTheCallAsForwarded() {
    ScreeningChain chain = chain(true);
    ScreeningResult r = screen(chain, call(PEER_A, DNO));
    assertThat(r.shadowAction()).isPresent();
    screen(chain, call(PEER_B, INVALID));

    assertThat(decision("do_not_originate", "dno", "reject_deterministic", "shadow")).isEqualTo(1);
    assertThat(decision("do_not_originate", "dno", "reject_deterministic", "enforce")).isZero();
    assertThat(decision("invalid_number", "n11_nxx", "reject_deterministic", "shadow")).isEqualTo(1);
    assertThat(invites("carrier_a", "forwarded")).isEqualTo(1);
    assertThat(invites("carrier_a", "rejected")).isZero();
    assertThat(peerOutcome("carrier_a", "do_not_originate", "dno")).isEqualTo(1);
  }

  @Test
  void scoreThresholdDecisionIsCountedUnderScorePolicy() {
    ReputationCheck scoring = ReputationCheck.feedOnly(ReputationSettings.DEFAULTS,
        ReputationFeed.of("feed", HIGH_REPUTATION + ",95,robocall"));
    List<Check> checks = List.of(new SourcePeerCheck(PeerTable.of(Map.of("carrier_a",
        List.of("10.1.2.0/24")))), scoring);
    Policy policy = new Policy(false, 50, 90, List.of(new CallTag.DisplayLabel("SPAM?")),
        Policy.analytics603("https://redress.example/", Optional.empty(), Optional.empty(), "TN"),
        new Verdict.Reject(603, "Decline", List.of()), new Verdict.Reject(403, "Forbidden", List.of()),
        Map.of(), Map.of());
    ScreeningChain chain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
        checks, policy);
    screen(chain, call(PEER_A, HIGH_REPUTATION));
    assertThat(decision("reputation", "reputation_very_high", "score", "enforce")).isEqualTo(1);
    assertThat(decision(ScreeningChain.SCORE_POLICY, "block_score", "reject_analytics", "enforce"))
        .isEqualTo(1);
    assertThat(invites("carrier_a", "rejected_analytics")).isEqualTo(1);
  }

  @Test
  void emergencyCallsAreCountedAsEmergency() {
    ScreeningChain chain = chain(false);
    screen(chain, call(PEER_A, DNO, "sip:911@proxy.example"));
    screen(chain, call(PEER_A, CLEAN, "urn:service:sos"));
    screen(chain, call(UNKNOWN, CLEAN, "urn:service:sos"));
    assertThat(totalOverPeers("sipscreen_peer_invites_total", "result", "emergency")).isEqualTo(2);
    assertThat(totalOverPeers("sipscreen_peer_invites_total", "result", "emergency_refused")).isEqualTo(1);
    assertThat(totalOverPeers("sipscreen_peer_invites_total", "result", "rejected")).isZero();
    assertThat(value("sipscreen_screening_outcomes_total",
        Map.of("check", "emergency", "outcome", "bypass"))).isEqualTo(2);
    assertThat(value("sipscreen_screening_outcomes_total",
        Map.of("check", "emergency", "outcome", "refused"))).isEqualTo(1);
    assertThat(decision("do_not_originate", "dno", "reject_deterministic", "enforce")).isZero();
  }

  /** The sum of a counter's series whose label {@code label} is {@code value}, whatever the peer. */
  private double totalOverPeers(String name, String label, String value) {
    String base = name.replaceFirst("_total$", "");
    double total = 0;
    for (MetricSnapshot m : registry.scrape(n -> n.equals(base))) {
      for (DataPointSnapshot dp : m.getDataPoints()) {
        if (value.equals(dp.getLabels().get(label))
            && dp instanceof CounterSnapshot.CounterDataPointSnapshot c) {
          total += c.getValue();
        }
      }
    }
    return total;
  }

  @Test
  void emergencyCallsAreCountedUnderTheirSourcePeer() {
    ScreeningChain chain = chain(false);
    screen(chain, call(PEER_A, DNO, "sip:911@proxy.example"));
    screen(chain, call(PEER_B, CLEAN, "urn:service:sos"));
    assertThat(invites("carrier_a", "emergency")).isEqualTo(1);
    assertThat(invites("carrier_b", "emergency")).isEqualTo(1);
    assertThat(invites("unknown", "emergency")).isZero();
  }

    @Test
  void counterValueTakesLabelValuesInTheOrderTheyAreDeclared() {
    ScreeningChain chain = chain(false);
    screen(chain, call(PEER_A, DNO));
    assertThat(metrics.counterValue("sipscreen_peer_invites", "carrier_a", "rejected")).isEqualTo(1);
    assertThat(metrics.counterValue("sipscreen_peer_screening_outcomes", "carrier_a", "do_not_originate",
        "dno")).isEqualTo(1);
    assertThat(metrics.counterValue("sipscreen_policy_decisions", "do_not_originate", "dno",
        "reject_deterministic", "enforce")).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------------
  // watch(chain): the series each check's module exports (here: the reputation client's counters)

  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path dir;

  /** A chain of the reputation check alone, built by its module from {@code config}, with {@code source}. */
  private org.sipscreen.screening.chain.InstalledChain installed(
      org.sipscreen.screening.check.reputation.ReputationConfig config,
      Optional<org.sipscreen.screening.check.reputation.ReputationSource> source) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("feed.csv"), HIGH_REPUTATION + ",60,robocall\n");
    org.sipscreen.screening.check.CheckContext context = context(source);
    return org.sipscreen.screening.chain.InstalledChain.build(setup(), Map.of("reputation", config), context)
        .live(context);
  }

  private static final PeerTable PEERS = PeerTable.of(Map.of("carrier_a", List.of("10.1.2.0/24")));

  private org.sipscreen.screening.chain.InstalledChain.Setup setup() {
    Policy policy = new Policy(false, 50, 90, List.of(new CallTag.DisplayLabel("SPAM?")),
        Policy.analytics603("https://redress.example/", Optional.empty(), Optional.empty(), "TN"),
        new Verdict.Reject(603, "Decline", List.of()), new Verdict.Reject(403, "Forbidden", List.of()),
        Map.of(), Map.of());
    return new org.sipscreen.screening.chain.InstalledChain.Setup(PhoneNumbers.NANP,
        EmergencyCheck.DEFAULT, NumberList.EMPTY, null, policy, Map.of(), PEERS);
  }

  private org.sipscreen.screening.check.CheckContext context(
      Optional<org.sipscreen.screening.check.reputation.ReputationSource> source) {
    PeerTable peers = PEERS;
    org.sipscreen.screening.check.reputation.ReputationServices services = service -> source;
    return new org.sipscreen.screening.check.CheckContext() {
      @Override
      public java.nio.file.Path base() {
        return dir;
      }

      @Override
      public PhoneNumbers numbers() {
        return PhoneNumbers.NANP;
      }

      @Override
      public PeerTable peers() {
        return peers;
      }

      @Override
      public Map<String, org.sipscreen.screening.check.PeerOverride> peerOverrides(String check) {
        return Map.of();
      }

      @Override
      public <T> Optional<T> service(Class<T> type) {
        return type == org.sipscreen.screening.check.reputation.ReputationServices.class
            ? Optional.of(type.cast(services)) : Optional.empty();
      }
    };
  }

  private static org.sipscreen.screening.check.reputation.ReputationConfig reputation(String url,
      Integer failures) {
    return new org.sipscreen.screening.check.reputation.ReputationConfig(url, Duration.ofMillis(50),
        null, null, null, null, null,
        new org.sipscreen.screening.check.reputation.ReputationConfig.CircuitBreakerConfig(failures,
            Duration.ofSeconds(10)),
        null, null, null, null, new org.sipscreen.screening.check.ListFile("feed.csv"), null, null, null,
        null);
  }

  @Test
  void watchExposesTheFeedOnlyReputationSeries() throws Exception {
    var installed = installed(reputation(null, null), Optional.empty());
    ScreeningChain chain = installed.chain();
    metrics.watch(installed);
    screen(chain, call(PEER_A, HIGH_REPUTATION));
    screen(chain, call(PEER_A, HIGH_REPUTATION));

    assertThat(value("sipscreen_reputation_feed_hits_total", Map.of())).isEqualTo(2);
    assertThat(value("sipscreen_reputation_lookups_total", Map.of())).isZero();
    assertThat(value("sipscreen_reputation_circuit_state", Map.of("state", "closed"))).isEqualTo(1);
    assertThat(value("sipscreen_reputation_circuit_state", Map.of("state", "open"))).isZero();
    List<String> names = registry.scrape().stream().map(m -> m.getMetadata().getName())
        .filter(n -> n.startsWith("sipscreen_reputation_")).toList();
    assertThat(names).contains("sipscreen_reputation_feed_hits", "sipscreen_reputation_lookups",
        "sipscreen_reputation_cache_hits", "sipscreen_reputation_cache_misses",
        "sipscreen_reputation_coalesced", "sipscreen_reputation_requests", "sipscreen_reputation_errors",
        "sipscreen_reputation_timeouts", "sipscreen_reputation_late_answers",
        "sipscreen_reputation_circuit_rejected", "sipscreen_reputation_circuit_opens",
        "sipscreen_reputation_circuit_state");
  }

  @Test
  void watchExposesRemoteLookupsCacheAndCircuitBreaker() throws Exception {
    Map<String, CompletableFuture<ReputationAnswer>> answers = Map.of(
        "+17135270001", CompletableFuture.completedFuture(new ReputationAnswer.Scored(80, "robocall")),
        "+17135270002", CompletableFuture.failedFuture(new java.io.IOException("refused")));
    var installed = installed(reputation("http://127.0.0.1:9/{number}", 1), Optional.of(answers::get));
    ScreeningChain chain = installed.chain();
    metrics.watch(installed);

    ScreeningResult first = screen(chain, call(PEER_A, "+17135270001"));
    assertThat(first.outcomes()).contains(
        new org.sipscreen.screening.CheckOutcome("reputation", "reputation_very_high"));
    screen(chain, call(PEER_A, "+17135270001")); // from the cache
    screen(chain, call(PEER_A, "+17135270002")); // fails: the circuit opens
    screen(chain, call(PEER_A, "+17135270003")); // not asked: circuit open

    assertThat(value("sipscreen_reputation_lookups_total", Map.of())).isEqualTo(4);
    assertThat(value("sipscreen_reputation_cache_hits_total", Map.of())).isEqualTo(1);
    assertThat(value("sipscreen_reputation_cache_misses_total", Map.of())).isEqualTo(3);
    assertThat(value("sipscreen_reputation_requests_total", Map.of())).isEqualTo(2);
    assertThat(value("sipscreen_reputation_errors_total", Map.of())).isEqualTo(1);
    assertThat(value("sipscreen_reputation_circuit_opens_total", Map.of())).isEqualTo(1);
    assertThat(value("sipscreen_reputation_circuit_rejected_total", Map.of())).isEqualTo(1);
    assertThat(value("sipscreen_reputation_circuit_state", Map.of("state", "open"))).isEqualTo(1);
    assertThat(value("sipscreen_reputation_circuit_state", Map.of("state", "closed"))).isZero();
    assertThat(peerOutcome("carrier_a", "reputation", "unknown_error")).isEqualTo(1);
    assertThat(peerOutcome("carrier_a", "reputation", "circuit_open")).isEqualTo(1);
  }

  @Test
  void watchOnAChainWithoutReputationRegistersNoReputationSeries() throws Exception {
    var without = org.sipscreen.screening.chain.InstalledChain.build(setup(), Map.of(),
        context(Optional.empty()));
    metrics.watch(without);
    assertThat(registry.scrape().stream().map(m -> m.getMetadata().getName()))
        .noneMatch(n -> n.startsWith("sipscreen_reputation_"));
  }
}
