package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sipscreen.Sipscreen;
import org.sipscreen.cli.Main;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.invalid_number.InvalidNumberCheck;
import org.sipscreen.screening.check.neighbor_spoofing.NeighborSpoofingCheck;
import org.sipscreen.screening.check.reputation.ReputationBands;
import org.sipscreen.screening.check.reputation.ReputationCheck;
import org.sipscreen.screening.check.reputation.ReputationSettings;
import org.sipscreen.screening.check.velocity.SequentialDialing;
import org.sipscreen.screening.check.velocity.VelocityCheck;
import org.sipscreen.screening.check.velocity.VelocityLimits;
import org.sipscreen.screening.numbering.NumberValidity;

/**
 * The robocall sections of issue 3 (invalid_number, do_not_originate, velocity, neighbor_spoofing,
 * reputation, policy): each loads into the chain and policy it describes, and each mistake is refused with
 * a message naming the config file and the key.
 */
class RobocallConfigTest {

  @TempDir
  Path dir;

  private static Path repo() {
    String repo = System.getProperty("sipscreen.repo");
    return repo != null ? Path.of(repo) : Path.of("../..");
  }

  private static String shippedNpas() {
    return repo().resolve("config/data/nanp-npa.txt").toAbsolutePath().normalize().toString();
  }

  private static final String PEERS = """
      peers:
        carrier_a: {networks: [10.1.2.0/24]}
        carrier_b: {networks: [10.9.9.0/24]}
        carrier_c: {networks: [10.3.3.0/24]}
      screening:
      """;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private Path config(String yaml) throws IOException {
    return write("sipscreen.yaml", yaml);
  }

  /** Writes the list and data files the full config names. */
  private void writeDataFiles() throws IOException {
    write("lists/block.txt", "+13126401234\n");
    write("lists/suspect.txt", "+14155721234\n");
    write("lists/dno.txt", "# DNO\n+18008291040\n+12027621401\n+1 900*\n");
    write("lists/pbx.txt", "+12126390000\n");
    write("data/reputation.csv", "number,score,category\n+17135271234,95,robocall\n+17135270000,10,\n");
  }

  private Path fullConfig() throws IOException {
    writeDataFiles();
    return config("""
        peers:
          carrier_a: {networks: [10.1.2.0/24]}
          carrier_b:
            networks: [10.9.9.0/24]
            block_all: true
          carrier_c:
            networks: [10.3.3.0/24]
            tag_score: 20
            block_score: 60
            checks:
              velocity:
                action: drop
                caller_per_second: 2
                sequential_dialing: {count: 4, window: 30s, max_step: 3}
              neighbor_spoofing: {shadow: true}
        screening:
          emergency:
            numbers: ["911", "+12126391000"]
          block_list: {file: lists/block.txt}
          tag_list: {file: lists/suspect.txt, action: tag, label: "SPAM?"}
          calling_number: {action: tag, score: 20, shadow: true}
          invalid_number:
            npa: {file: %s}
            score: 95
            data_score: 80
            scores: {n11_nxx: 70}
            action: reject_deterministic
          do_not_originate:
            file: lists/dno.txt
          neighbor_spoofing:
            mode: npa_nxx_x
            allow_list: {file: lists/pbx.txt}
            score: 30
            action: score
            shadow: true
          velocity:
            caller_per_second: 5
            caller_per_minute: 60
            caller_per_hour: 1000
            peer_per_second: 200
            sequential_dialing: {count: 10, window: 60s}
            max_tracked_numbers: 5000
            score: 70
            action: reject_analytics
          reputation:
            url: http://127.0.0.1:8090/v1/reputation/{number}
            deadline: 40ms
            cache_ttl: 300s
            negative_ttl: 30s
            error_ttl: 3s
            lookup_timeout: 1000ms
            max_cached_numbers: 2000
            circuit_breaker: {failures: 7, cool_down: 20s}
            feed: {file: data/reputation.csv}
            bands: {medium: 30, high: 60, very_high: 85}
            scores: {very_high: 95, high: 55}
            action: tag
          policy:
            shadow: false
            tag_score: 45
            block_score: 85
            label: "Scam?"
            verstat: TN-Validation-Failed
            redress_url: https://redress.example.net/sipscreen
            redress_tel: "+18005550100"
            redress_email: redress@example.net
            location: TN
            deterministic_status: 608
            blocked_peer_status: 403
            blocked_peer_reason: Peer Blocked
        """.formatted(shippedNpas()));
  }

  private static <T extends Check> T check(ScreeningChain chain, Class<T> type) {
    return chain.checks().stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  private String error(String yaml) throws IOException {
    Path file = config(yaml);
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> Sipscreen.prepare(file));
    assertThat(e).as("config is refused").isNotNull();
    assertThat(e.getMessage()).as("names the file").contains(file.toString());
    return e.getMessage();
  }

  private static CallAttempt call(String source, String caller, String callee) throws IOException {
    return new CallAttempt("c@test", InetAddress.getByName(source), "sip:" + callee + "@p;user=phone",
        "<sip:" + callee + "@p;user=phone>", "<sip:" + caller + "@peer;user=phone>;tag=1", Optional.empty());
  }

  // ---------------------------------------------------------------------------------------------------
  // Loading

  @Test
  void everyRobocallSectionLoadsIntoTheChainInCheapestFirstOrder() throws Exception {
    ScreeningChain chain = Sipscreen.prepare(fullConfig()).chain();
    assertThat(chain.checkNames()).containsExactly("emergency", "source_peer", "calling_number",
        "invalid_number", "do_not_originate", "block_list", "tag_list", "neighbor_spoofing", "velocity",
        "reputation");
  }

  @Test
  void policySectionBecomesThePolicy() throws Exception {
    Policy policy = Sipscreen.prepare(fullConfig()).chain().policy();
    assertThat(policy.shadow()).isFalse();
    assertThat(policy.tagScore()).isEqualTo(45);
    assertThat(policy.blockScore()).isEqualTo(85);
    assertThat(policy.tags()).containsExactly(new CallTag.DisplayLabel("Scam?"),
        new CallTag.Verstat("TN-Validation-Failed"));
    assertThat(policy.analyticsReject()).isEqualTo(new Verdict.Reject(603, "Network Blocked", List.of(
        new org.sipscreen.screening.SipHeader("Reason", "SIP;cause=603;text=\"v=analytics1;"
            + "url=https://redress.example.net/sipscreen;tel=+18005550100;email=redress@example.net\";"
            + "location=TN"))));
    assertThat(policy.deterministicReject()).isEqualTo(new Verdict.Reject(608, "Rejected", List.of()));
    assertThat(policy.peerBlocked()).isEqualTo(new Verdict.Reject(403, "Peer Blocked", List.of()));
  }

  @Test
  void eachSectionsActionAndShadowBecomeItsCheckPolicy() throws Exception {
    Policy policy = Sipscreen.prepare(fullConfig()).chain().policy();
    assertThat(policy.checks()).containsOnly(
        Map.entry("source_peer", new Policy.CheckPolicy(PolicyAction.SCORE, false)),
        Map.entry("block_list", new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false)),
        Map.entry("tag_list", new Policy.CheckPolicy(PolicyAction.TAG, false)),
        Map.entry("calling_number", new Policy.CheckPolicy(PolicyAction.TAG, true)),
        Map.entry("invalid_number", new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false)),
        Map.entry("do_not_originate", new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false)),
        Map.entry("neighbor_spoofing", new Policy.CheckPolicy(PolicyAction.SCORE, true)),
        Map.entry("velocity", new Policy.CheckPolicy(PolicyAction.REJECT_ANALYTICS, false)),
        Map.entry("reputation", new Policy.CheckPolicy(PolicyAction.TAG, false)));
  }

  @Test
  void peerOverridesBlockAPeerAndTightenAnother() throws Exception {
    Policy policy = Sipscreen.prepare(fullConfig()).chain().policy();
    assertThat(policy.blocksPeer(Optional.of("carrier_b"))).isTrue();
    assertThat(policy.blocksPeer(Optional.of("carrier_a"))).isFalse();
    assertThat(policy.tagScore(Optional.of("carrier_c"))).isEqualTo(20);
    assertThat(policy.blockScore(Optional.of("carrier_c"))).isEqualTo(60);
    assertThat(policy.blockScore(Optional.of("carrier_a"))).isEqualTo(85);
    assertThat(policy.forCheck(Optional.of("carrier_c"), "velocity"))
        .isEqualTo(new Policy.CheckPolicy(PolicyAction.DROP, false));
    assertThat(policy.forCheck(Optional.of("carrier_c"), "neighbor_spoofing"))
        .as("an override without an action keeps the check's own action")
        .isEqualTo(new Policy.CheckPolicy(PolicyAction.SCORE, true));
    assertThat(policy.forCheck(Optional.of("carrier_a"), "velocity"))
        .isEqualTo(new Policy.CheckPolicy(PolicyAction.REJECT_ANALYTICS, false));
  }

  @Test
  void invalidNumberSectionLoadsTheNumberingDataAndScores() throws Exception {
    InvalidNumberCheck check = check(Sipscreen.prepare(fullConfig()).chain(), InvalidNumberCheck.class);
    assertThat(check.nanp().hasNpaData()).isTrue();
    assertThat(check.nanp().isAssignedNpa(212)).isTrue();
    ScreeningChain chain = Sipscreen.prepare(fullConfig()).chain();
    ScreeningResult n11 = chain.screen(call("10.1.2.3", "+12124111234", "+13019440199"));
    assertThat(n11.decisions()).singleElement().satisfies(d -> {
      assertThat(d.category()).isEqualTo(NumberValidity.N11_NXX.label());
      assertThat(d.score()).as("scores.n11_nxx").isEqualTo(70);
    });
    ScreeningResult fictional = chain.screen(call("10.1.2.3", "+12125550150", "+13019440199"));
    assertThat(fictional.decisions()).singleElement().satisfies(d -> assertThat(d.score())
        .as("score").isEqualTo(95));
    assertThat(fictional.action()).as("deterministic_status 608")
        .isEqualTo(new ScreeningResult.Action.Reject(608, "Rejected", List.of()));
  }

  @Test
  void doNotOriginateSectionLoadsTheListAndBlocksDeterministically() throws Exception {
    ScreeningChain chain = Sipscreen.prepare(fullConfig()).chain();
    ScreeningResult listed = chain.screen(call("10.1.2.3", "+12027621401", "+13019440199"));
    assertThat(listed.decidedBy()).contains("do_not_originate");
    assertThat(listed.action()).isEqualTo(new ScreeningResult.Action.Reject(608, "Rejected", List.of()));
  }

  @Test
  void neighborSpoofingSectionSetsModeAllowListAndScore() throws Exception {
    ScreeningChain chain = Sipscreen.prepare(fullConfig()).chain();
    assertThat(check(chain, NeighborSpoofingCheck.class).mode())
        .isEqualTo(NeighborSpoofingCheck.Mode.NPA_NXX_X);
    ScreeningResult neighbor = chain.screen(call("10.1.2.3", "+12126391234", "+12126391299"));
    assertThat(neighbor.decisions()).extracting(d -> d.check() + "/" + d.score() + "/" + d.shadow())
        .contains("neighbor_spoofing/30/true");
    ScreeningResult allowed = chain.screen(call("10.1.2.3", "+12126390000", "+12126390099"));
    assertThat(allowed.outcomes()).contains(
        new org.sipscreen.screening.CheckOutcome("neighbor_spoofing", "allowed"));
  }

  @Test
  void velocityPeerOverridesMergeWithTheGlobalLimits() throws Exception {
    VelocityCheck velocity = check(Sipscreen.prepare(fullConfig()).chain(), VelocityCheck.class);
    VelocityLimits global = velocity.limitsFor(Optional.empty());
    assertThat(global).isEqualTo(new VelocityLimits(OptionalInt.of(5), OptionalInt.of(60),
        OptionalInt.of(1000), OptionalInt.of(200),
        Optional.of(new SequentialDialing(10, Duration.ofSeconds(60), 1))));
    assertThat(velocity.limitsFor(Optional.of("carrier_a"))).isEqualTo(global);
    assertThat(velocity.limitsFor(Optional.of("carrier_c"))).as("per second and sequential dialing"
        + " overridden, the rest inherited").isEqualTo(new VelocityLimits(OptionalInt.of(2),
        OptionalInt.of(60), OptionalInt.of(1000), OptionalInt.of(200),
        Optional.of(new SequentialDialing(4, Duration.ofSeconds(30), 3))));
  }

  @Test
  void velocityPeerOverrideFlagsAtItsStricterLimit() throws Exception {
    ScreeningChain chain = Sipscreen.prepare(fullConfig()).chain();
    for (int i = 0; i < 2; i++) {
      assertThat(chain.screen(call("10.3.3.3", "+16172531234", "+13019440199")).decisions()).isEmpty();
    }
    ScreeningResult third = chain.screen(call("10.3.3.3", "+16172531234", "+13019440199"));
    assertThat(third.decidedBy()).contains("velocity");
    assertThat(third.action()).as("carrier_c's override: drop").isInstanceOf(
        ScreeningResult.Action.Drop.class);
  }

  private static CallAttempt anonymousCall(String source) throws IOException {
    return new CallAttempt("c@test", InetAddress.getByName(source), "sip:+13019440199@p;user=phone",
        "<sip:+13019440199@p;user=phone>", "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1",
        Optional.empty());
  }

  @Test
  void anonymousCallersAreForwardedAndCountedByDefault() throws Exception {
    ScreeningChain chain = Sipscreen.prepare(config(PEERS)).chain();
    ScreeningResult r = chain.screen(anonymousCall("10.1.2.3"));
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.decisions()).containsExactly(new org.sipscreen.screening.PolicyDecision(
        "calling_number", "anonymous", 0, PolicyAction.ALLOW, false));
  }

  @Test
  void callingNumberSectionSetsTheActionAndScoreOfAnonymousCallers() throws Exception {
    ScreeningChain chain = Sipscreen.prepare(config(PEERS + """
          calling_number: {action: reject_deterministic, score: 30}
        """)).chain();
    ScreeningResult r = chain.screen(anonymousCall("10.1.2.3"));
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Reject(603, "Decline", List.of()));
    assertThat(r.decisions()).extracting(d -> d.check() + "/" + d.category() + "/" + d.score())
        .containsExactly("calling_number/anonymous/30");
    assertThat(chain.screen(call("10.1.2.3", "+16172531234", "+13019440199")).action())
        .isEqualTo(ScreeningResult.Action.FORWARD);
  }

  @Test
  void velocityLimitsAnonymousCallsPerPeer() throws Exception {
    ScreeningChain chain = Sipscreen.prepare(config(PEERS + """
          velocity:
            anonymous_per_second: 3
            action: reject_deterministic
            peers:
              carrier_c: {anonymous_per_second: 1}
        """)).chain();
    VelocityCheck velocity = check(chain, VelocityCheck.class);
    assertThat(velocity.limitsFor(Optional.of("carrier_a")).anonymousPerSecond()).hasValue(3);
    assertThat(velocity.limitsFor(Optional.of("carrier_c")).anonymousPerSecond()).hasValue(1);
    assertThat(chain.screen(anonymousCall("10.3.3.3")).action()).isEqualTo(ScreeningResult.Action.FORWARD);
    ScreeningResult second = chain.screen(anonymousCall("10.3.3.3"));
    assertThat(second.decidedBy()).contains("velocity");
    assertThat(second.decisions()).extracting(d -> d.category()).contains("anonymous_per_second");
    assertThat(chain.screen(anonymousCall("10.1.2.3")).action()).isEqualTo(ScreeningResult.Action.FORWARD);
  }

  @Test
  void theShippedConfigLimitsAnonymousCallsPerPeer() throws Exception {
    ScreeningChain chain = Sipscreen.prepare(repo().resolve("config/sipscreen.yaml")).chain();
    assertThat(check(chain, VelocityCheck.class).limitsFor(Optional.of("local")).anonymousPerSecond())
        .isPresent();
    assertThat(chain.policy().forCheck(Optional.of("local"), "calling_number").action())
        .isEqualTo(PolicyAction.ALLOW);
  }

  @Test
  void reputationSectionSetsUrlFeedBandsScoresAndCircuitBreaker() throws Exception {
    ReputationCheck rep = check(Sipscreen.prepare(fullConfig()).chain(), ReputationCheck.class);
    ReputationSettings s = rep.settings();
    assertThat(s).isEqualTo(new ReputationSettings(Duration.ofMillis(40), Duration.ofSeconds(300),
        Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofMillis(1000), 2000, 7,
        Duration.ofSeconds(20), new ReputationBands(30, 60, 85),
        Map.of(ReputationBands.Band.VERY_HIGH, 95, ReputationBands.Band.HIGH, 55)));
    assertThat(rep.feed().size()).isEqualTo(2);
    ScreeningResult veryHigh = Sipscreen.prepare(fullConfig()).chain()
        .screen(call("10.1.2.3", "+17135271234", "+13019440199"));
    assertThat(veryHigh.decisions()).extracting(d -> d.check() + "/" + d.category() + "/" + d.score())
        .contains("reputation/reputation_very_high/95");
  }

  @Test
  void reputationUrlIsValidatedEvenThoughCheckConfigNeverCallsIt() throws Exception {
    String message = error(PEERS + """
          reputation:
            url: ftp://127.0.0.1/{number}
        """);
    assertThat(message).contains("screening.reputation").contains("http://");
  }

  @Test
  void sectionsWithOnlyTheirRequiredKeysTakeTheDocumentedDefaultActions() throws Exception {
    write("dno.txt", "+18008291040\n");
    write("feed.csv", "+17135271234,95,robocall\n");
    write("data/nanp-npa.txt", Files.readString(Path.of(shippedNpas())));
    Path file = config(PEERS + """
          invalid_number: {}
          do_not_originate: {file: dno.txt}
          neighbor_spoofing: {}
          velocity: {caller_per_minute: 10}
          reputation: {feed: {file: feed.csv}}
          policy: {redress_url: "https://redress.example/"}
        """);
    ScreeningChain chain = Sipscreen.prepare(file).chain();
    assertThat(chain.policy().checks()).containsOnly(
        Map.entry("source_peer", new Policy.CheckPolicy(PolicyAction.SCORE, false)),
        Map.entry("calling_number", new Policy.CheckPolicy(PolicyAction.ALLOW, false)),
        Map.entry("invalid_number", new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false)),
        Map.entry("do_not_originate", new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false)),
        Map.entry("neighbor_spoofing", new Policy.CheckPolicy(PolicyAction.TAG, false)),
        Map.entry("velocity", new Policy.CheckPolicy(PolicyAction.REJECT_ANALYTICS, false)),
        Map.entry("reputation", new Policy.CheckPolicy(PolicyAction.SCORE, false)));
    assertThat(check(chain, InvalidNumberCheck.class).nanp().hasNpaData())
        .as("npa_file defaults to data/nanp-npa.txt next to the config").isTrue();
    assertThat(check(chain, ReputationCheck.class).settings().deadline()).isEqualTo(Duration.ofMillis(50));
    assertThat(chain.policy().deterministicReject()).isEqualTo(
        new Verdict.Reject(603, "Decline", List.of()));
  }

  @Test
  void globalShadowModeLoads() throws Exception {
    Path file = config(PEERS + """
          policy: {shadow: true, block_score: 80, redress_url: "https://redress.example/"}
        """);
    Policy policy = Sipscreen.prepare(file).chain().policy();
    assertThat(policy.shadow()).isTrue();
    assertThat(policy.blockScore()).isEqualTo(80);
  }

  // ---------------------------------------------------------------------------------------------------
  // Errors: each names the file and the key

  @ParameterizedTest(name = "unknown key in {0}")
  @CsvSource(delimiter = '|', value = {
      "screening.invalid_number.npa_fil|invalid_number: {npa_fil: x.txt}",
      "screening.do_not_originate.fil|do_not_originate: {file: dno.txt, fil: x}",
      "screening.velocity.caller_per_minit|velocity: {caller_per_minit: 5}",
      "screening.calling_number.actoin|calling_number: {actoin: allow}",
      "screening.velocity.sequential_dialing.windows|velocity: {sequential_dialing: {count: 3, window: 5s, windows: 1}}",
      "screening.neighbor_spoofing.mod|neighbor_spoofing: {mod: npa_nxx}",
      "screening.reputation.deadlin|reputation: {feed: {file: f.csv}, deadlin: 50ms}",
      "screening.reputation.circuit_breaker.failure|reputation: {feed: {file: f.csv}, circuit_breaker: {failure: 3}}",
      "screening.reputation.bands.very|reputation: {feed: {file: f.csv}, bands: {very: 90}}",
      "screening.policy.block_scor|policy: {block_scor: 90}",
  })
  void unknownKeyInASectionIsNamedWithItsPath(String key, String section) throws IOException {
    String message = error(PEERS + "  " + section + "\n");
    String unknown = key.substring(key.lastIndexOf('.') + 1);
    assertThat(message).contains(key).contains("unknown key '" + unknown + "'").contains("(line ");
  }

  @ParameterizedTest(name = "bad action in {0}")
  @CsvSource(delimiter = '|', value = {
      "screening.invalid_number|invalid_number: {action: block}",
      "screening.calling_number|calling_number: {action: block}",
      "screening.do_not_originate|do_not_originate: {file: dno.txt, action: block}",
      "screening.velocity|velocity: {caller_per_minute: 5, action: block}",
      "screening.neighbor_spoofing|neighbor_spoofing: {action: block}",
      "screening.reputation|reputation: {feed: {file: f.csv}, action: block}",
  })
  void badActionIsNamedWithItsSection(String key, String section) throws IOException {
    String message = error(PEERS + "  " + section + "\n");
    assertThat(message).contains(key).contains("action must be one of allow, score, tag, reject_analytics,"
        + " reject_deterministic, drop; was 'block'");
  }

  @Test
  void callingNumberScoreOutsideZeroToHundredIsNamed() throws IOException {
    assertThat(error(PEERS + "  calling_number: {score: 101}\n")).contains("screening.calling_number")
        .contains("score must be 0-100, was 101");
  }

  @Test
  void badVerstatIsRefused() throws IOException {
    String message = error(PEERS + "  policy: {verstat: TN-Validation-Maybe}\n");
    assertThat(message).contains("screening.policy").contains("verstat must be")
        .contains("'TN-Validation-Maybe'");
  }

  @Test
  void redressUrlIsRequiredWhenBlockScoreCanBeReached() throws IOException {
    String message = error(PEERS + "  policy: {block_score: 100}\n");
    assertThat(message).contains("screening.policy.redress_url: required");
  }

  @Test
  void redressUrlIsNotRequiredWhenBlockScoreIsDisabled() throws Exception {
    Path file = config(PEERS + "  policy: {block_score: 101}\n");
    assertThat(Sipscreen.prepare(file).chain().policy().blockScore()).isEqualTo(101);
  }

  @Test
  void redressUrlIsRequiredWhenACheckRejectsAnalytically() throws IOException {
    String message = error(PEERS + "  neighbor_spoofing: {action: reject_analytics}\n");
    assertThat(message).contains("screening.policy.redress_url: required");
  }

  @Test
  void redressUrlIsRequiredByVelocitysDefaultAction() throws IOException {
    String message = error(PEERS + "  velocity: {caller_per_minute: 5}\n");
    assertThat(message).contains("screening.policy.redress_url: required");
  }

  @Test
  void redressUrlIsRequiredWhenAPeerOverrideRejectsAnalytically() throws IOException {
    String message = error(PEERS + """
          neighbor_spoofing: {}
          policy: {peers: {carrier_c: {checks: {neighbor_spoofing: {action: reject_analytics}}}}}
        """);
    assertThat(message).contains("screening.policy.redress_url: required");
  }

  @Test
  void redressUrlIsRequiredWhenAPeersBlockScoreCanBeReached() throws IOException {
    String message = error(PEERS + "  policy: {peers: {carrier_c: {block_score: 70}}}\n");
    assertThat(message).contains("screening.policy.redress_url: required");
  }

  @Test
  void redressUrlMustBeHttps() throws IOException {
    String message = error(PEERS + "  policy: {redress_url: \"http://redress.example/\"}\n");
    assertThat(message).contains("screening.policy").contains("redress_url must be an https:// URL")
        .contains("'http://redress.example/'");
  }

  @ParameterizedTest(name = "deterministic_status {0}")
  @CsvSource({"403", "604", "486"})
  void deterministicStatusMustBe603Or608(int status) throws IOException {
    String message = error(PEERS + "  policy: {deterministic_status: " + status + "}\n");
    assertThat(message).contains("screening.policy")
        .contains("deterministic_status must be 603 (Decline) or 608 (Rejected), was " + status);
  }

  @ParameterizedTest(name = "unknown key in {0}")
  @CsvSource(delimiter = '|', value = {
      "peers.carrier_b.block|carrier_b: {networks: [10.9.9.0/24], block: true}",
      "peers.carrier_b.checks.velocity.act|carrier_b: {networks: [10.9.9.0/24], checks: {velocity: {act: drop}}}",
      "peers.carrier_b.checks.velocity.caller_per_sec|carrier_b: {networks: [10.9.9.0/24], checks: {velocity: {caller_per_sec: 1}}}",
      "peers.carrier_b.checks.velocty|carrier_b: {networks: [10.9.9.0/24], checks: {velocty: {action: drop}}}",
  })
  void unknownKeyInAPeerIsNamedWithItsPath(String key, String peer) throws IOException {
    String message = error("peers:\n  " + peer + "\nscreening:\n  velocity: {}\n"
        + "  policy: {redress_url: \"https://redress.example/\"}\n");
    String unknown = key.substring(key.lastIndexOf('.') + 1);
    assertThat(message).contains(key).contains("unknown key '" + unknown + "'").contains("(line ");
  }

  @Test
  void badActionInAPeerOverrideIsNamedWithItsPeer() throws IOException {
    String message = error("""
        peers:
          carrier_b:
            networks: [10.9.9.0/24]
            checks: {velocity: {action: block}}
        screening:
          velocity: {}
          policy: {redress_url: "https://redress.example/"}
        """);
    assertThat(message).contains("peers.carrier_b.checks.velocity").contains("action must be one of allow,"
        + " score, tag, reject_analytics, reject_deterministic, drop; was 'block'");
  }

  @Test
  void peerOverrideMustNameACheckThatIsOn() throws IOException {
    String message = error("""
        peers:
          carrier_b:
            networks: [10.9.9.0/24]
            checks: {velocity: {action: drop}}
        """);
    assertThat(message).contains("peers.carrier_b.checks.velocity").contains("that check is not on");
  }

  @Test
  void badDnoListLineNamesTheListFileAndLine() throws IOException {
    Path dno = write("lists/dno.txt", "# DNO\n+18008291040\n+1800abc\n");
    String message = error(PEERS + "  do_not_originate: {file: lists/dno.txt}\n");
    assertThat(message).contains("screening.do_not_originate.file").contains(dno + ":3:")
        .contains("+1800abc");
  }

  @Test
  void missingDnoFileIsNamed() throws IOException {
    String message = error(PEERS + "  do_not_originate: {file: lists/none.txt}\n");
    assertThat(message).contains("screening.do_not_originate.file").contains("none.txt");
  }

  @Test
  void dnoSectionWithoutAFileIsRefused() throws IOException {
    String message = error(PEERS + "  do_not_originate: {action: drop}\n");
    assertThat(message).contains("screening.do_not_originate").contains("file");
  }

  @Test
  void badNpaFileLineNamesTheDataFileAndLine() throws IOException {
    Path npa = write("data/npa.txt", "201\n202\n2x3\n");
    String message = error(PEERS + "  invalid_number: {npa: {file: data/npa.txt}}\n");
    assertThat(message).contains("screening.invalid_number").contains(npa + ":3:");
  }

  @Test
  void badCoCodeFileLineNamesTheDataFileAndLine() throws IOException {
    write("data/npa.txt", "201\n202\n");
    Path co = write("data/co.txt", "201-222\n202-33x\n");
    String message = error(PEERS
        + "  invalid_number: {npa: {file: data/npa.txt}, co_codes: {file: data/co.txt}}\n");
    assertThat(message).contains("screening.invalid_number").contains(co + ":2:");
  }

  @Test
  void unknownInvalidNumberScoreCategoryIsNamed() throws IOException {
    String message = error(PEERS + "  invalid_number: {npa: {file: " + shippedNpas() + "}"
        + ", scores: {n12_nxx: 10}}\n");
    assertThat(message).contains("screening.invalid_number").contains("scores.n12_nxx: unknown category");
  }

  @Test
  void reputationNeedsAUrlOrAFeedFile() throws IOException {
    String message = error(PEERS + "  reputation: {deadline: 50ms}\n");
    assertThat(message).contains("screening.reputation").contains("url or feed is required");
  }

  @Test
  void reputationUrlNeedsTheNumberPlaceholder() throws IOException {
    String message = error(PEERS + "  reputation: {url: \"http://127.0.0.1:8090/v1/reputation\"}\n");
    assertThat(message).contains("screening.reputation").contains("{number}");
  }

  @Test
  void badReputationFeedLineNamesTheFeedFileAndLine() throws IOException {
    Path feed = write("feed.csv", "number,score,category\n+17135271234,95,robocall\n+17135270000,101,x\n");
    String message = error(PEERS + "  reputation: {feed: {file: feed.csv}}\n");
    assertThat(message).contains("screening.reputation.feed.file").contains(feed + ":3:");
  }

  @Test
  void reputationBandsOutOfOrderAreRefused() throws IOException {
    write("feed.csv", "+17135271234,95\n");
    String message = error(PEERS + "  reputation: {feed: {file: feed.csv}, bands: {medium: 60, high: 50}}\n");
    assertThat(message).contains("screening.reputation").contains("reputation bands must satisfy");
  }

  @Test
  void reputationScoreForAnUnknownBandIsNamed() throws IOException {
    write("feed.csv", "+17135271234,95\n");
    String message = error(PEERS + "  reputation: {feed: {file: feed.csv}, scores: {extreme: 99}}\n");
    assertThat(message).contains("screening.reputation.scores.extreme").contains("unknown band");
  }

  @Test
  void badNeighborSpoofingModeIsNamed() throws IOException {
    String message = error(PEERS + "  neighbor_spoofing: {mode: npa}\n");
    assertThat(message).contains("screening.neighbor_spoofing").contains("'npa'");
  }

  @Test
  void badSequentialDialingCountIsNamed() throws IOException {
    String message = error(PEERS + """
          velocity: {sequential_dialing: {count: 1, window: 60s}}
          policy: {redress_url: "https://redress.example/"}
        """);
    assertThat(message).contains("screening.velocity").contains("sequential_dialing count must be");
  }

  // ---------------------------------------------------------------------------------------------------
  // check-config

  @Test
  void checkConfigAcceptsTheShippedConfig() {
    int code = Main.commandLine().execute("check-config",
        repo().resolve("config/sipscreen.yaml").toString());
    assertThat(code).isZero();
  }

  @Test
  void checkConfigAcceptsAConfigWithEveryRobocallSection() throws IOException {
    int code = Main.commandLine().execute("check-config", fullConfig().toString());
    assertThat(code).isZero();
  }

  @Test
  void checkConfigRefusesABadRobocallSection() throws IOException {
    Path file = config(PEERS + "  policy: {deterministic_status: 604}\n");
    int code = Main.commandLine().execute("check-config", file.toString());
    assertThat(code).isEqualTo(2);
  }
}
