package org.sipscreen.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;

/** The policy: what flags do on the wire, shadow mode, thresholds, per-peer overrides, async checks. */
class PolicyTest {

  private static final PeerTable PEERS = PeerTable.of(Map.of(
      "good", List.of("10.1.2.0/24"), "shady", List.of("10.9.9.0/24")));
  private static final Verdict.Reject ANALYTICS = Policy.analytics603("https://redress.example/",
      Optional.of("+18005550100"), Optional.empty(), "TN");

  /** A check that flags every call with a fixed category and score. */
  private record FlagEverything(String name, String category, int score) implements Check {
    @Override
    public Verdict check(ScreenedCall call) {
      return new Verdict.Flag(category, score);
    }
  }

  private static Policy policy(boolean shadow, int tagScore, int blockScore,
      Map<String, Policy.CheckPolicy> checks, Map<String, Policy.PeerPolicy> peers) {
    return new Policy(shadow, tagScore, blockScore, List.of(new CallTag.DisplayLabel("SPAM?")), ANALYTICS,
        new Verdict.Reject(608, "Rejected", List.of()), new Verdict.Reject(403, "Peer Blocked", List.of()),
        checks, peers);
  }

  private static ScreeningChain chain(Policy policy, Check... checks) {
    List<Check> all = new java.util.ArrayList<>();
    all.add(new SourcePeerCheck(PEERS));
    all.addAll(List.of(checks));
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY, all, policy);
  }

  private static Map<String, Policy.CheckPolicy> action(String check, PolicyAction action) {
    return Map.of(check, new Policy.CheckPolicy(action, false));
  }

  @Test
  void rejectAnalyticsAnswers603PlusWithTheAtisReasonHeader() {
    ScreeningChain chain = chain(policy(false, 101, 101, action("velocity", PolicyAction.REJECT_ANALYTICS),
        Map.of()), new FlagEverything("velocity", "caller_per_second", 80));
    ScreeningResult r = chain.screen(TestCalls.invite().build());
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Reject(603, "Network Blocked", List.of(
        new SipHeader("Reason", "SIP;cause=603;text=\"v=analytics1;url=https://redress.example/;"
            + "tel=+18005550100\";location=TN"))));
    assertThat(r.decidedBy()).contains("velocity");
    assertThat(r.decisions()).containsExactly(new PolicyDecision("velocity", "caller_per_second", 80,
        PolicyAction.REJECT_ANALYTICS, false));
  }

  @Test
  void rejectDeterministicAnswersTheConfiguredPlainRejectNever603Plus() {
    ScreeningChain chain = chain(policy(false, 101, 101,
        action("do_not_originate", PolicyAction.REJECT_DETERMINISTIC), Map.of()),
        new FlagEverything("do_not_originate", "dno", 100));
    ScreeningResult r = chain.screen(TestCalls.invite().build());
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Reject(608, "Rejected", List.of()));
  }

  @Test
  void tagActionTagsAndForwards() {
    ScreeningChain chain = chain(policy(false, 101, 101, action("neighbor_spoofing", PolicyAction.TAG),
        Map.of()), new FlagEverything("neighbor_spoofing", "neighbor_spoofing", 40));
    ScreeningResult r = chain.screen(TestCalls.invite().build());
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.tags()).containsExactly(new CallTag.DisplayLabel("SPAM?"));
    assertThat(r.score()).isEqualTo(40);
  }

  @Test
  void dropActionDrops() {
    ScreeningChain chain = chain(policy(false, 101, 101, action("velocity", PolicyAction.DROP), Map.of()),
        new FlagEverything("velocity", "peer_per_second", 90));
    assertThat(chain.screen(TestCalls.invite().build()).action())
        .isInstanceOf(ScreeningResult.Action.Drop.class);
  }

  @Test
  void allowActionRecordsTheFlagAndChangesNothing() {
    ScreeningChain chain = chain(policy(false, 10, 20, action("reputation", PolicyAction.ALLOW), Map.of()),
        new FlagEverything("reputation", "reputation_high", 90));
    ScreeningResult r = chain.screen(TestCalls.invite().build());
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.tags()).isEmpty();
    assertThat(r.score()).isZero();
    assertThat(r.decisions()).hasSize(1);
  }

  @Test
  void scoresAddUpToTheTagThenTheBlockThreshold() {
    Policy p = policy(false, 50, 90, Map.of(), Map.of());
    ScreeningResult tagged = chain(p, new FlagEverything("a_check", "x", 30),
        new FlagEverything("b_check", "y", 30)).screen(TestCalls.invite().build());
    assertThat(tagged.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(tagged.tags()).containsExactly(new CallTag.DisplayLabel("SPAM?"));
    assertThat(tagged.score()).isEqualTo(60);

    ScreeningResult blocked = chain(p, new FlagEverything("a_check", "x", 50),
        new FlagEverything("b_check", "y", 45)).screen(TestCalls.invite().build());
    assertThat(blocked.action()).isEqualTo(ScreeningResult.Action.Reject.of(ANALYTICS));
    assertThat(blocked.decidedBy()).contains(ScreeningChain.SCORE_POLICY);
  }

  @Test
  void aCallWithoutFlagsIsNeverTaggedEvenWithAZeroThreshold() {
    ScreeningResult r = chain(policy(false, 0, 0, Map.of(), Map.of())).screen(TestCalls.invite().build());
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.tags()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(PolicyAction.class)
  void globalShadowModeDecidesAndRecordsButForwardsUnchanged(PolicyAction action) {
    ScreeningChain chain = chain(policy(true, 10, 101, action("velocity", action), Map.of()),
        new FlagEverything("velocity", "caller_per_second", 80),
        new NumberListCheck("tag_list", NumberList.of("t", "+12025550123"),
            NumberListCheck.tag(Optional.of("SPAM?"), Optional.empty())));
    ScreeningResult r = chain.screen(TestCalls.invite().build());
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.tags()).isEmpty();
    assertThat(r.decisions()).first().isEqualTo(
        new PolicyDecision("velocity", "caller_per_second", 80, action, true));
    boolean ends = action == PolicyAction.REJECT_ANALYTICS || action == PolicyAction.REJECT_DETERMINISTIC
        || action == PolicyAction.DROP;
    assertThat(r.shadowAction().isPresent()).isEqualTo(ends);
  }

  @Test
  void globalShadowModeStillRefusesAnUnknownSource() {
    ScreeningChain chain = chain(policy(true, 10, 101, Map.of(), Map.of()),
        new FlagEverything("velocity", "caller_per_second", 80));
    ScreeningResult r = chain.screen(TestCalls.invite().source("192.0.2.7").build());
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.Reject.of(SourcePeerCheck.FORBIDDEN));
    assertThat(r.decidedBy()).contains(SourcePeerCheck.NAME);
    assertThat(r.shadowAction()).isEmpty();
    assertThat(r.outcomes()).extracting(CheckOutcome::check).doesNotContain("velocity");
  }

  @Test
  void globalShadowModeStillDropsAnUnknownSourceConfiguredToDrop() {
    List<Check> checks = List.of(new SourcePeerCheck(PEERS, new Verdict.Drop("unknown source")));
    ScreeningChain chain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
        checks, policy(true, 10, 101, Map.of(), Map.of()));
    ScreeningResult r = chain.screen(TestCalls.invite().source("192.0.2.7").build());
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Drop("unknown source"));
  }

  @Test
  void sourcePeerShadowedOnPurposeAdmitsAnUnknownSourceAndRecordsWhatItWouldHaveDone() {
    ScreeningChain chain = chain(policy(false, 10, 101,
        Map.of(SourcePeerCheck.NAME, new Policy.CheckPolicy(PolicyAction.SCORE, true)), Map.of()));
    ScreeningResult r = chain.screen(TestCalls.invite().source("192.0.2.7").build());
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.shadowAction()).contains(ScreeningResult.Action.Reject.of(SourcePeerCheck.FORBIDDEN));
  }

  @Test
  void mostSevereVerstatWinsWhateverTheOrderOfTheChecks() {
    Check stirLike = new Check() {
      @Override
      public String name() {
        return "stir_shaken";
      }

      @Override
      public Verdict check(ScreenedCall call) {
        return new Verdict.Tag(List.of(new CallTag.Verstat(CallTag.Verstat.NO_VALIDATION)));
      }
    };
    Check tagList = new NumberListCheck("tag_list", NumberList.of("t", "+12025550123"),
        NumberListCheck.tag(Optional.empty(), Optional.of(CallTag.Verstat.FAILED)));
    for (List<Check> order : List.of(List.of(tagList, stirLike), List.of(stirLike, tagList))) {
      ScreeningChain chain = chain(policy(false, 101, 101, Map.of(), Map.of()),
          order.toArray(new Check[0]));
      ScreeningResult r = chain.screen(TestCalls.invite().build());
      assertThat(r.tags()).as(order.get(0).name() + " first")
          .containsExactly(new CallTag.Verstat(CallTag.Verstat.FAILED));
    }
  }

  @Test
  void tagsMergeByPrecedence() {
    List<CallTag> tags = new java.util.ArrayList<>();
    CallTag.merge(tags, new CallTag.Verstat(CallTag.Verstat.PASSED));
    CallTag.merge(tags, new CallTag.DisplayLabel("SPAM?"));
    CallTag.merge(tags, new CallTag.Verstat(CallTag.Verstat.NO_VALIDATION));
    CallTag.merge(tags, new CallTag.DisplayLabel("Robo?"));
    CallTag.merge(tags, new CallTag.StirReason(438, "Invalid Identity Header"));
    CallTag.merge(tags, new CallTag.StirReason(436, "Bad Identity Info"));
    assertThat(tags).containsExactly(new CallTag.Verstat(CallTag.Verstat.NO_VALIDATION),
        new CallTag.DisplayLabel("SPAM?"), new CallTag.StirReason(438, "Invalid Identity Header"));
    CallTag.merge(tags, new CallTag.Verstat(CallTag.Verstat.FAILED));
    CallTag.merge(tags, new CallTag.Verstat(CallTag.Verstat.PASSED));
    assertThat(tags).first().isEqualTo(new CallTag.Verstat(CallTag.Verstat.FAILED));
    assertThat(tags).hasSize(3);
  }

  @Test
  void shadowedCheckIsRecordedWithoutScoreOrAction() {
    ScreeningChain chain = chain(policy(false, 10, 50,
        Map.of("velocity", new Policy.CheckPolicy(PolicyAction.REJECT_ANALYTICS, true)), Map.of()),
        new FlagEverything("velocity", "caller_per_second", 80));
    ScreeningResult r = chain.screen(TestCalls.invite().build());
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.score()).isZero();
    assertThat(r.tags()).isEmpty();
    assertThat(r.decisions()).containsExactly(new PolicyDecision("velocity", "caller_per_second", 80,
        PolicyAction.REJECT_ANALYTICS, true));
  }

  @Test
  void peerOverrideIsStricterForThatPeerOnly() {
    Policy p = policy(false, 101, 101, action("velocity", PolicyAction.TAG), Map.of("shady",
        new Policy.PeerPolicy(false, Optional.empty(), Optional.of(30),
            action("velocity", PolicyAction.REJECT_ANALYTICS))));
    ScreeningChain chain = chain(p, new FlagEverything("velocity", "caller_per_second", 40));
    assertThat(chain.screen(TestCalls.invite().source("10.1.2.3").build()).action())
        .isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(chain.screen(TestCalls.invite().source("10.9.9.9").build()).action())
        .isEqualTo(ScreeningResult.Action.Reject.of(ANALYTICS));
  }

  @Test
  void blockedPeerGetsItsRejectBeforeAnyOtherCheck() {
    Policy p = policy(false, 101, 101, Map.of(), Map.of("shady",
        new Policy.PeerPolicy(true, Optional.empty(), Optional.empty(), Map.of())));
    ScreeningResult r = chain(p, new FlagEverything("velocity", "x", 1))
        .screen(TestCalls.invite().source("10.9.9.9").build());
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Reject(403, "Peer Blocked", List.of()));
    assertThat(r.decidedBy()).contains(ScreeningChain.PEER_POLICY);
    assertThat(r.outcomes()).extracting(CheckOutcome::check).doesNotContain("velocity");
  }

  @ParameterizedTest
  @EnumSource(PolicyAction.class)
  void emergencyCallsAreNeverTouchedWhateverThePolicy(PolicyAction action) {
    Policy p = policy(false, 0, 1, action("velocity", action), Map.of("shady",
        new Policy.PeerPolicy(true, Optional.empty(), Optional.empty(), Map.of())));
    ScreeningChain chain = chain(p, new FlagEverything("velocity", "x", 100));
    ScreeningResult r = chain.screen(TestCalls.invite().source("10.9.9.9").to("sip:911@proxy.example")
        .build());
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.isEmergency()).isTrue();
    assertThat(r.tags()).isEmpty();
  }

  @Test
  void laterVerdictPausesTheChainAndResumesWhenItArrives() {
    CompletableFuture<Verdict> remote = new CompletableFuture<>();
    Check slow = new Check() {
      @Override
      public String name() {
        return "reputation";
      }

      @Override
      public Verdict check(ScreenedCall call) {
        return new Verdict.Later(remote);
      }
    };
    ScreeningChain chain = chain(policy(false, 101, 101, action("reputation", PolicyAction.TAG), Map.of()),
        slow, new FlagEverything("after_check", "x", 5));
    ScreeningOutcome outcome = chain.evaluate(TestCalls.invite().build());
    assertThat(outcome).isInstanceOf(ScreeningOutcome.Pending.class);
    CompletableFuture<ScreeningResult> result =
        ((ScreeningOutcome.Pending) outcome).result().toCompletableFuture();
    assertThat(result).isNotDone();
    remote.complete(new Verdict.Flag("reputation_high", 70));
    ScreeningResult r = result.join();
    assertThat(r.tags()).containsExactly(new CallTag.DisplayLabel("SPAM?"));
    assertThat(r.score()).isEqualTo(75);
    assertThat(r.outcomes()).extracting(CheckOutcome::check).containsSubsequence("reputation", "after_check");
    assertThatThrownBy(() -> chain.screen(TestCalls.invite().build()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void analytics603NeedsAPrintableRedressUrl() {
    assertThatThrownBy(() -> Policy.analytics603("has space", Optional.empty(), Optional.empty(), "TN"))
        .hasMessageContaining("redress url");
    assertThatThrownBy(() -> Policy.analytics603("https://x/", Optional.empty(), Optional.empty(), "t n"))
        .hasMessageContaining("location");
  }
}
