package org.sipscreen.screening;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sipscreen.screening.check.calling_number.CallingNumberCheck;
import org.sipscreen.screening.check.do_not_originate.DoNotOriginateCheck;
import org.sipscreen.screening.check.invalid_number.InvalidNumberCheck;
import org.sipscreen.screening.check.neighbor_spoofing.NeighborSpoofingCheck;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.reputation.ReputationAnswer;
import org.sipscreen.screening.check.reputation.ReputationCheck;
import org.sipscreen.screening.check.reputation.ReputationFeed;
import org.sipscreen.screening.check.reputation.ReputationSettings;
import org.sipscreen.screening.check.reputation.ReputationSource;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.screening.check.velocity.VelocityCheck;
import org.sipscreen.screening.check.velocity.VelocityLimits;
import org.sipscreen.screening.numbering.CountryCodeLengths;
import org.sipscreen.screening.numbering.NanpNumberingPlan;
import org.sipscreen.testkit.ManualTime;

/**
 * Issue 3: "911/emergency calls are never blocked, dropped or delayed by any check, in any mode". One real
 * chain with every real check, each configured to fire on its own caller; for every check, every policy
 * action and every shadow mode, a call to an emergency service from that caller comes back at once
 * (a {@link ScreeningResult}, never {@link ScreeningOutcome.Pending}), forwarded, untagged and marked as
 * emergency. Before each emergency call the same caller calls an ordinary number, to prove the check
 * really fires on it in that configuration.
 */
class EmergencyNeverBlockedTest {

  private static final Path SHIPPED_NPAS = Path.of("../../config/data/nanp-npa.txt");
  private static final NanpNumberingPlan NANP;
  private static final CountryCodeLengths COUNTRIES = CountryCodeLengths.libphonenumber();

  static {
    try {
      NANP = NanpNumberingPlan.load(SHIPPED_NPAS, Optional.empty());
    } catch (java.io.IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** An emergency number configured as a full E.164 number (a PSAP's ten-digit line), NPA-NXX 212-639. */
  private static final String EMERGENCY_E164 = "+12126391000";

  private static final String CLEAN_CALLER = "+12024561111";
  private static final String ORDINARY_CALLEE = "+13019440199";

  private static final String PEER_A_SOURCE = "10.1.2.3";
  private static final String BLOCKED_PEER_SOURCE = "10.9.9.9";
  private static final String UNKNOWN_SOURCE = "192.0.2.7";

  private static final PeerTable PEERS = PeerTable.of(Map.of(
      "carrier_a", List.of("10.1.2.0/24"), "carrier_b", List.of("10.9.9.0/24")));

  /** Velocity flags the 4th call of a caller within a minute. */
  private static final int VELOCITY_LIMIT = 3;

  /** What trips which check: the caller, where the call comes from and what the check reports. */
  enum Trip {
    INVALID_FICTIONAL("+12125550150", PEER_A_SOURCE, ORDINARY_CALLEE, "invalid_number", "fictional_555"),
    INVALID_N11_EXCHANGE("+12124111234", PEER_A_SOURCE, ORDINARY_CALLEE, "invalid_number", "n11_nxx"),
    DO_NOT_ORIGINATE("+12027621401", PEER_A_SOURCE, ORDINARY_CALLEE, "do_not_originate", "dno"),
    BLOCK_LIST("+13126401234", PEER_A_SOURCE, ORDINARY_CALLEE, "block_list", null),
    TAG_LIST("+14155721234", PEER_A_SOURCE, ORDINARY_CALLEE, "tag_list", "tag"),
    NEIGHBOR_SPOOFING("+12126394567", PEER_A_SOURCE, "+12126395555", "neighbor_spoofing",
        "neighbor_spoofing"),
    VELOCITY("+16172531234", PEER_A_SOURCE, ORDINARY_CALLEE, "velocity", "caller_per_minute"),
    REPUTATION_VERY_HIGH_IN_FEED("+17135271234", PEER_A_SOURCE, ORDINARY_CALLEE, "reputation",
        "reputation_very_high"),
    REPUTATION_REMOTE_NEVER_ANSWERS("+17135279876", PEER_A_SOURCE, ORDINARY_CALLEE, "reputation", null),
    UNKNOWN_SOURCE_PEER(CLEAN_CALLER, UNKNOWN_SOURCE, ORDINARY_CALLEE, "source_peer", null),
    PEER_BLOCK_ALL(CLEAN_CALLER, BLOCKED_PEER_SOURCE, ORDINARY_CALLEE, ScreeningChain.PEER_POLICY, null);

    final String caller;
    final String source;
    final String ordinaryCallee;
    final String check;
    final String outcome;

    Trip(String caller, String source, String ordinaryCallee, String check, String outcome) {
      this.caller = caller;
      this.source = source;
      this.ordinaryCallee = ordinaryCallee;
      this.check = check;
      this.outcome = outcome;
    }
  }

  /** How the policy is run. */
  enum Mode {
    ENFORCE, GLOBAL_SHADOW, CHECK_SHADOW
  }

  /** The actions of issue 3 that could hurt a call. */
  private static final List<PolicyAction> ACTIONS = List.of(PolicyAction.REJECT_ANALYTICS,
      PolicyAction.REJECT_DETERMINISTIC, PolicyAction.DROP, PolicyAction.TAG, PolicyAction.SCORE);

  /** Request-URIs of calls to emergency services; the last three are the configured full number. */
  private static final List<String> EMERGENCY_URIS = List.of(
      "sip:911@proxy.example;user=phone",
      "sip:911@proxy.example",
      "tel:911",
      "urn:service:sos",
      "urn:service:sos.police",
      "sip:" + EMERGENCY_E164 + "@proxy.example;user=phone",
      "tel:+1-212-639-1000",
      "sip:2126391000@proxy.example;user=phone");

  /** A remote reputation service that never answers. */
  private static final class SilentSource implements ReputationSource {
    final List<String> asked = new ArrayList<>();

    @Override
    public CompletionStage<ReputationAnswer> lookup(String e164) {
      asked.add(e164);
      return new CompletableFuture<>();
    }
  }

  /** The chain of one test and the stateful parts it is observed through. */
  private static final class Rig {
    final ManualTime time = new ManualTime();
    final SilentSource reputationService = new SilentSource();
    final VelocityCheck velocity;
    final ScreeningChain chain;

    Rig(PolicyAction action, Mode mode) {
      List<Check> checks = new ArrayList<>();
      checks.add(new SourcePeerCheck(PEERS, unknownSourceVerdict(action)));
      checks.add(new CallingNumberCheck());
      checks.add(new InvalidNumberCheck(NANP, COUNTRIES, InvalidNumberCheck.defaultScores()));
      checks.add(new DoNotOriginateCheck(NumberList.of("dno", Trip.DO_NOT_ORIGINATE.caller)));
      checks.add(new NumberListCheck("block_list", NumberList.of("block", Trip.BLOCK_LIST.caller),
          listVerdict(action)));
      checks.add(new NumberListCheck("tag_list", NumberList.of("suspect", Trip.TAG_LIST.caller),
          NumberListCheck.tag(Optional.of("SPAM?"), Optional.of("TN-Validation-Failed"))));
      checks.add(new NeighborSpoofingCheck(NeighborSpoofingCheck.Mode.NPA_NXX, NumberList.EMPTY, 40));
      velocity = new VelocityCheck(VelocityLimits.NONE.withCallerPerMinute(VELOCITY_LIMIT), Map.of(), 60,
          10_000, time);
      checks.add(velocity);
      List<String> feed = new ArrayList<>();
      for (Trip trip : Trip.values()) {
        if (trip != Trip.REPUTATION_REMOTE_NEVER_ANSWERS) {
          // Every other caller is known and clean, so no other call waits on the silent service.
          feed.add(trip.caller + "," + (trip == Trip.REPUTATION_VERY_HIGH_IN_FEED ? 95 : 0) + ",robocall");
        }
      }
      checks.add(new ReputationCheck(ReputationSettings.DEFAULTS,
          ReputationFeed.of("feed", feed.toArray(new String[0])), Optional.of(reputationService), time,
          time));

      Map<String, Policy.CheckPolicy> policies = new LinkedHashMap<>();
      for (Check c : checks) {
        // Per-check shadow covers the screening checks; access control is shadowed only on purpose.
        policies.put(c.name(), new Policy.CheckPolicy(action, mode == Mode.CHECK_SHADOW && !c.controlsAccess()));
      }
      Policy policy = new Policy(mode == Mode.GLOBAL_SHADOW, 50, 90,
          List.of(new CallTag.DisplayLabel("SPAM?"), new CallTag.Verstat("TN-Validation-Failed")),
          Policy.analytics603("https://redress.example/", Optional.empty(), Optional.empty(), "TN"),
          new Verdict.Reject(608, "Rejected", List.of()), new Verdict.Reject(403, "Forbidden", List.of()),
          policies, Map.of("carrier_b", new Policy.PeerPolicy(true, Optional.empty(), Optional.empty(),
              Map.of())));
      chain = new ScreeningChain(PhoneNumbers.NANP,
          new EmergencyCheck(List.of("911", "933", EMERGENCY_E164), PhoneNumbers.NANP), NumberList.EMPTY,
          checks, policy);
    }

    ScreeningOutcome call(Trip trip, String requestUri) {
      return chain.evaluate(attempt(trip.source, trip.caller, requestUri));
    }
  }

  private static Verdict unknownSourceVerdict(PolicyAction action) {
    return action == PolicyAction.DROP ? new Verdict.Drop("unknown source") : SourcePeerCheck.FORBIDDEN;
  }

  private static Verdict listVerdict(PolicyAction action) {
    return switch (action) {
      case REJECT_ANALYTICS, REJECT_DETERMINISTIC -> NumberListCheck.DECLINE;
      case DROP -> new Verdict.Drop("block_list");
      default -> NumberListCheck.tag(Optional.of("SPAM?"), Optional.empty());
    };
  }

  private static CallAttempt attempt(String source, String caller, String requestUri) {
    try {
      return new CallAttempt("call@test", InetAddress.getByName(source), requestUri, "<" + requestUri + ">",
          "\"Caller\" <sip:" + caller + "@peer.example;user=phone>;tag=1",
          Optional.of("<tel:" + caller + ">"));
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Arguments> everyTripActionModeAndEmergencyUri() {
    List<Arguments> all = new ArrayList<>();
    for (Trip trip : Trip.values()) {
      for (PolicyAction action : ACTIONS) {
        for (Mode mode : Mode.values()) {
          for (String uri : EMERGENCY_URIS) {
            all.add(Arguments.of(trip, action, mode, uri));
          }
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "[{index}] {0} caller, action {1}, {2}: {3} is forwarded at once")
  @MethodSource("everyTripActionModeAndEmergencyUri")
  void emergencyCallIsForwardedAtOnceUntaggedWhateverTheCallerTrips(Trip trip, PolicyAction action,
      Mode mode, String emergencyUri) {
    Rig rig = new Rig(action, mode);
    proveTheCheckFires(rig, trip, action, mode);
    int lookups = rig.reputationService.asked.size();
    long velocityCount = rig.velocity.callerCalls(
        PhoneNumbers.NANP.fromNumber(trip.caller), VelocityCheck.Window.PER_MINUTE);

    ScreeningOutcome outcome = rig.call(trip, emergencyUri);

    assertThat(outcome).as("answered synchronously, not Pending").isInstanceOf(ScreeningResult.class);
    ScreeningResult result = (ScreeningResult) outcome;
    if (trip == Trip.UNKNOWN_SOURCE_PEER) {
      // Emergency bypasses screening, not access control: a source outside every peer is refused.
      assertEmergencyRefused(result, action);
      return;
    }
    assertEmergencyForward(result);
    assertThat(rig.reputationService.asked).as("no reputation lookup for an emergency call")
        .hasSize(lookups);
    assertThat(rig.velocity.callerCalls(PhoneNumbers.NANP.fromNumber(trip.caller),
        VelocityCheck.Window.PER_MINUTE)).as("an emergency call is not counted").isEqualTo(velocityCount);
    assertThat(rig.chain.screen(attempt(trip.source, trip.caller, emergencyUri)).isEmergency()).isTrue();
  }

  /** The same caller to an ordinary number, so the configuration demonstrably trips the check. */
  private static void proveTheCheckFires(Rig rig, Trip trip, PolicyAction action, Mode mode) {
    String ordinary = "sip:" + trip.ordinaryCallee + "@proxy.example;user=phone";
    if (trip == Trip.VELOCITY) {
      for (int i = 0; i < VELOCITY_LIMIT; i++) {
        ScreeningResult r = (ScreeningResult) rig.call(trip, ordinary);
        assertThat(r.outcomes()).contains(new CheckOutcome("velocity", CheckOutcome.CONTINUE));
      }
    }
    ScreeningOutcome outcome = rig.call(trip, ordinary);
    if (trip == Trip.REPUTATION_REMOTE_NEVER_ANSWERS) {
      assertThat(outcome).as("an ordinary call waits for the silent service")
          .isInstanceOf(ScreeningOutcome.Pending.class);
      assertThat(((ScreeningOutcome.Pending) outcome).result().toCompletableFuture()).isNotDone();
      assertThat(rig.reputationService.asked).containsExactly(trip.caller);
      return;
    }
    assertThat(outcome).isInstanceOf(ScreeningResult.class);
    ScreeningResult r = (ScreeningResult) outcome;
    assertThat(r.isEmergency()).isFalse();
    switch (trip) {
      case PEER_BLOCK_ALL -> assertThat(r.decisions()).extracting(PolicyDecision::check)
          .contains(ScreeningChain.PEER_POLICY);
      case UNKNOWN_SOURCE_PEER -> assertThat(r.outcomes()).contains(new CheckOutcome("source_peer",
          action == PolicyAction.DROP ? CheckOutcome.DROP : CheckOutcome.REJECT));
      case BLOCK_LIST -> assertThat(r.outcomes()).contains(new CheckOutcome("block_list",
          CheckOutcome.labelOf(listVerdict(action))));
      default -> assertThat(r.outcomes()).contains(new CheckOutcome(trip.check, trip.outcome));
    }
    if (mode == Mode.ENFORCE && trip != Trip.TAG_LIST && trip != Trip.PEER_BLOCK_ALL
        && trip != Trip.UNKNOWN_SOURCE_PEER && trip != Trip.BLOCK_LIST) {
      assertThat(r.decisions()).extracting(PolicyDecision::check).contains(trip.check);
    }
  }

  private static void assertEmergencyForward(ScreeningResult result) {
    assertThat(result.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(result.tags()).isEmpty();
    assertThat(result.isEmergency()).isTrue();
    assertThat(result.decidedBy()).contains(EmergencyCheck.NAME);
    assertThat(result.outcomes()).containsExactly(
        new CheckOutcome(EmergencyCheck.NAME, CheckOutcome.BYPASS));
    assertThat(result.decisions()).isEmpty();
    assertThat(result.score()).isZero();
    assertThat(result.shadowAction()).isEmpty();
  }

  private static void assertEmergencyRefused(ScreeningResult result, PolicyAction action) {
    if (action == PolicyAction.DROP) {
      assertThat(result.action()).isInstanceOf(ScreeningResult.Action.Drop.class);
    } else {
      assertThat(result.action()).isEqualTo(ScreeningResult.Action.Reject.of(SourcePeerCheck.FORBIDDEN));
    }
    assertThat(result.isEmergency()).isFalse();
    assertThat(result.decidedBy()).contains(SourcePeerCheck.NAME);
    assertThat(result.outcomes()).containsExactly(
        new CheckOutcome(EmergencyCheck.NAME, CheckOutcome.REFUSED),
        new CheckOutcome(SourcePeerCheck.NAME,
            action == PolicyAction.DROP ? CheckOutcome.DROP : CheckOutcome.REJECT));
    assertThat(result.tags()).isEmpty();
    assertThat(result.shadowAction()).as("access control is not shadowed by global shadow mode").isEmpty();
  }

  @Test
  void neighborOfTheConfiguredEmergencyNumberIsForwardedAsEmergency() {
    // 911 has no NPA-NXX; the configured full number does, and the caller shares it.
    Rig rig = new Rig(PolicyAction.REJECT_ANALYTICS, Mode.ENFORCE);
    ScreeningResult ordinary = rig.chain.screen(attempt(PEER_A_SOURCE, Trip.NEIGHBOR_SPOOFING.caller,
        "sip:+12126391001@proxy.example;user=phone"));
    assertThat(ordinary.action()).isInstanceOf(ScreeningResult.Action.Reject.class);
    assertThat(ordinary.decidedBy()).contains("neighbor_spoofing");

    ScreeningResult emergency = rig.chain.screen(attempt(PEER_A_SOURCE, Trip.NEIGHBOR_SPOOFING.caller,
        "sip:" + EMERGENCY_E164 + "@proxy.example;user=phone"));
    assertEmergencyForward(emergency);
  }

  @Test
  void emergencyCallWithACallerThatTripsEveryCheckAtOnceIsForwarded() {
    // From the peer whose calls are all blocked, claiming a DNO number that is also block-listed and
    // over its velocity.
    Rig rig = new Rig(PolicyAction.DROP, Mode.ENFORCE);
    for (int i = 0; i <= VELOCITY_LIMIT; i++) {
      rig.chain.evaluate(attempt(PEER_A_SOURCE, Trip.VELOCITY.caller, "sip:" + ORDINARY_CALLEE + "@p"));
    }
    for (String uri : EMERGENCY_URIS) {
      for (Trip trip : Trip.values()) {
        ScreeningOutcome outcome = rig.chain.evaluate(attempt(BLOCKED_PEER_SOURCE, trip.caller, uri));
        assertThat(outcome).as(trip + " to " + uri).isInstanceOf(ScreeningResult.class);
        assertEmergencyForward((ScreeningResult) outcome);
      }
    }
    assertThat(rig.reputationService.asked).isEmpty();
  }

  @Test
  void emergencyCallFromOutsideEveryPeerIsRefusedInEveryModeAndNotScreened() {
    for (Mode mode : Mode.values()) {
      for (PolicyAction action : List.of(PolicyAction.REJECT_DETERMINISTIC, PolicyAction.DROP)) {
        Rig rig = new Rig(action, mode);
        for (String uri : EMERGENCY_URIS) {
          ScreeningOutcome outcome = rig.chain.evaluate(attempt(UNKNOWN_SOURCE, Trip.VELOCITY.caller, uri));
          assertThat(outcome).as(mode + " " + uri).isInstanceOf(ScreeningResult.class);
          assertEmergencyRefused((ScreeningResult) outcome, action);
        }
        assertThat(rig.reputationService.asked).isEmpty();
      }
    }
  }

  @Test
  void emergencyCallFromTheBlockedPeerInGlobalShadowModeRecordsNoSuppressedAction() {
    Rig rig = new Rig(PolicyAction.REJECT_DETERMINISTIC, Mode.GLOBAL_SHADOW);
    ScreeningResult ordinary = rig.chain.screen(attempt(BLOCKED_PEER_SOURCE, CLEAN_CALLER,
        "sip:" + ORDINARY_CALLEE + "@proxy.example;user=phone"));
    assertThat(ordinary.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(ordinary.shadowAction()).containsInstanceOf(ScreeningResult.Action.Reject.class);

    ScreeningResult emergency = rig.chain.screen(attempt(BLOCKED_PEER_SOURCE, CLEAN_CALLER, "tel:911"));
    assertEmergencyForward(emergency);
  }
}
