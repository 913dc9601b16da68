package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.UAC;
import static org.sipscreen.proxy.StatelessProxyTest.UAS;
import static org.sipscreen.proxy.StatelessProxyTest.in;
import static org.sipscreen.proxy.StatelessProxyTest.invite;
import static org.sipscreen.proxy.StatelessProxyTest.sentTo;
import static org.sipscreen.proxy.StatelessProxyTest.settings;
import static org.sipscreen.proxy.StatelessProxyTest.topBranch;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.calling_number.CallingNumberCheck;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.screening.check.velocity.VelocityCheck;
import org.sipscreen.screening.check.velocity.VelocityLimits;
import org.sipscreen.sip.Transport;
import org.sipscreen.testkit.ManualTime;

/**
 * A retransmitted initial INVITE is the same call: it gets the first copy's decision from the transaction
 * memory and is neither screened nor counted again (RFC 3261 §17.1.1.2 Timer A/B).
 */
class RetransmissionTest {

  static final String CALLER = "+13035550100";

  final PrometheusRegistry registry = new PrometheusRegistry();
  final ProxyMetrics metrics = new ProxyMetrics(registry);
  final ManualTime time = new ManualTime();
  final AtomicLong millis = new AtomicLong(1_000_000L);

  /** A chain whose velocity check allows two calls per second per caller and rejects the third (603+). */
  ScreeningChain velocityChain(Check... more) {
    PeerTable peers = PeerTable.of(Map.of("local", List.of("127.0.0.0/8")));
    List<Check> checks = new ArrayList<>(List.of(new SourcePeerCheck(peers), new CallingNumberCheck(),
        new VelocityCheck(VelocityLimits.NONE.withCallerPerSecond(2), Map.of(), 80, 1000, time)));
    checks.addAll(List.of(more));
    Policy policy = new Policy(false, 101, 101, List.of(new CallTag.DisplayLabel("SPAM?")),
        Policy.analytics603("https://redress.example/", Optional.empty(), Optional.empty(), "TN"),
        new Verdict.Reject(608, "Rejected", List.of()), new Verdict.Reject(403, "Peer Blocked", List.of()),
        Map.of("velocity", new Policy.CheckPolicy(PolicyAction.REJECT_ANALYTICS, false)), Map.of());
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY, checks, policy);
  }

  StatelessProxy proxy(ScreeningChain chain, int memory) {
    return new StatelessProxy(settings("127.0.0.0/8"), chain, metrics, DecisionSink.NONE,
        new TransactionDecisions(memory, TransactionDecisions.TIMER_B_MILLIS, millis::get));
  }

  static String call(int n) {
    return invite("sip:+12025550100@127.0.0.1;user=phone",
        "<sip:" + CALLER + "@uac.example;user=phone>;tag=f" + n)
        .replace("call-1@uac.example", "call-" + n + "@uac.example")
        .replace("z9hG4bK-uac-1", "z9hG4bK-uac-" + n);
  }

  double counter(String name, String... labels) {
    return metrics.counterValue(name, labels);
  }

  @Test
  void fourCopiesOfOneInviteGetOneDecisionAndAreCountedOnce() {
    StatelessProxy proxy = proxy(velocityChain(), 1024);
    // Two earlier calls of the caller use up its per-second limit...
    sentTo(proxy.process(in(call(1), UAC)), UAS, Transport.UDP);
    sentTo(proxy.process(in(call(2), UAC)), UAS, Transport.UDP);
    // ...but a copy of the second, 100 ms later, is that call again, not a third.
    List<String> copies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      millis.addAndGet(100);
      time.advanceMillis(100);
      copies.add(sentTo(proxy.process(in(call(2), UAC)), UAS, Transport.UDP));
    }
    assertThat(copies).allSatisfy(c -> assertThat(topBranch(c)).isEqualTo(topBranch(copies.get(0))));
    assertThat(counter("sipscreen_peer_invites", "local", "forwarded")).isEqualTo(2);
    assertThat(counter("sipscreen_screening_outcomes", "velocity", "continue")).isEqualTo(2);
    assertThat(counter("sipscreen_retransmissions", "forwarded")).isEqualTo(4);

    // A third call really is over the limit and gets 603+, and so do all its copies.
    String third = sentTo(proxy.process(in(call(3), UAC)), UAC, Transport.UDP);
    assertThat(third).startsWith("SIP/2.0 603 Network Blocked\r\n");
    for (int i = 0; i < 3; i++) {
      millis.addAndGet(500);
      assertThat(sentTo(proxy.process(in(call(3), UAC)), UAC, Transport.UDP)).isEqualTo(third);
    }
    assertThat(counter("sipscreen_peer_invites", "local", "rejected_analytics")).isEqualTo(1);
    assertThat(counter("sipscreen_retransmissions", "answered")).isEqualTo(3);
  }

  @Test
  void aCopyIsForwardedWithTheFirstCopysTagsEvenAfterTheListChanged() {
    NumberListCheck tagList = new NumberListCheck("tag_list", NumberList.of("t", CALLER),
        NumberListCheck.tag(Optional.of("SPAM?"), Optional.of(CallTag.Verstat.FAILED)));
    StatelessProxy proxy = proxy(velocityChain(tagList), 1024);
    String first = sentTo(proxy.process(in(call(1), UAC)), UAS, Transport.UDP);
    assertThat(first).contains("\"SPAM?\"").contains("verstat=TN-Validation-Failed");
    // A reload takes the caller off the list; the call in flight keeps its decision.
    proxy.replaceChain(velocityChain());
    millis.addAndGet(500);
    assertThat(sentTo(proxy.process(in(call(1), UAC)), UAS, Transport.UDP)).isEqualTo(first);
  }

  @Test
  void aCopyIsForwardedWithTheCallStampOfTheFirstCopy() {
    StatelessProxy proxy = new StatelessProxy(settings("127.0.0.0/8"), velocityChain(), metrics,
        new CallOutcomeStampTest.Outcomes(),
        new TransactionDecisions(1024, TransactionDecisions.TIMER_B_MILLIS, millis::get));
    // The first copy arrived 5 s ago (its stamp carries that time), the copy arrives now.
    byte[] first = call(1).getBytes(StandardCharsets.ISO_8859_1);
    String forwarded = sentTo(proxy.process(new InboundMessage(first, 0, first.length, Transport.UDP, UAC,
        StatelessProxyTest.PROXY, System.nanoTime() - TimeUnit.SECONDS.toNanos(5))), UAS, Transport.UDP);
    millis.addAndGet(5000);
    String copy = sentTo(proxy.process(in(call(1), UAC)), UAS, Transport.UDP);
    String fresh = sentTo(proxy.process(in(call(2), UAC)), UAS, Transport.UDP);

    assertThat(CallOutcomeStampTest.ourVia(copy)).isEqualTo(CallOutcomeStampTest.ourVia(forwarded));
    assertThat(CallOutcomeStampTest.ourRecordRoute(copy))
        .isEqualTo(CallOutcomeStampTest.ourRecordRoute(forwarded));
    assertThat(counter("sipscreen_retransmissions", "forwarded")).isEqualTo(1);
    // A stamp made now would say so: the copy's is the first copy's, not one made on its arrival.
    assertThat(stampMillis(fresh) - stampMillis(forwarded)).isBetween(4_000L, 60_000L);
    assertThat(stampMillis(copy)).isEqualTo(stampMillis(forwarded));
  }

  /** The time in the call stamp of our Via in a forwarded INVITE. */
  private static long stampMillis(String forwarded) {
    Matcher m = Pattern.compile(";" + CallStamps.PARAM + "=([0-9a-z]+)\\.")
        .matcher(CallOutcomeStampTest.ourVia(forwarded));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1), 36);
  }

  @Test
  void aCopyArrivingWhileTheFirstWaitsForACheckIsAbsorbedThenGetsTheDecision() throws Exception {
    CompletableFuture<Verdict> answer = new CompletableFuture<>();
    List<String> asked = new ArrayList<>();
    Check slow = new Check() {
      @Override
      public String name() {
        return "slow_remote";
      }

      @Override
      public Verdict check(ScreenedCall call) {
        asked.add(call.attempt().callId());
        return new Verdict.Later(answer);
      }
    };
    StatelessProxy proxy = proxy(velocityChain(slow), 1024);
    ProxyAction first = proxy.process(in(call(1), UAC));
    assertThat(first).isInstanceOf(ProxyAction.Pending.class);
    assertThat(proxy.process(in(call(1), UAC))).isEqualTo(new ProxyAction.Drop("retransmission_pending"));
    answer.complete(Verdict.CONTINUE);
    String forwarded = sentTo(((ProxyAction.Pending) first).action().toCompletableFuture()
        .get(5, TimeUnit.SECONDS), UAS, Transport.UDP);
    assertThat(sentTo(proxy.process(in(call(1), UAC)), UAS, Transport.UDP)).isEqualTo(forwarded);
    assertThat(asked).containsExactly("call-1@uac.example");
    assertThat(counter("sipscreen_retransmissions", "pending")).isEqualTo(1);
    assertThat(counter("sipscreen_retransmissions", "forwarded")).isEqualTo(1);
  }

  @Test
  void aDecisionIsKeptForTimerBAndForgottenAfterTwice() {
    StatelessProxy proxy = proxy(velocityChain(), 1024);
    sentTo(proxy.process(in(call(1), UAC)), UAS, Transport.UDP);
    millis.addAndGet(Duration.ofSeconds(31).toMillis());
    sentTo(proxy.process(in(call(1), UAC)), UAS, Transport.UDP);
    assertThat(counter("sipscreen_retransmissions", "forwarded")).isEqualTo(1);
    millis.addAndGet(Duration.ofSeconds(65).toMillis());
    sentTo(proxy.process(in(call(1), UAC)), UAS, Transport.UDP);
    assertThat(counter("sipscreen_peer_invites", "local", "forwarded")).isEqualTo(2);
    assertThat(counter("sipscreen_retransmissions", "forwarded")).isEqualTo(1);
  }

  @Test
  void aUserAgentThatReusesItsBranchForANewCallGetsTheNewCallScreened() {
    StatelessProxy proxy = proxy(velocityChain(), 1024);
    String one = call(1);
    sentTo(proxy.process(in(one, UAC)), UAS, Transport.UDP);
    sentTo(proxy.process(in(one.replace("call-1@", "call-9@"), UAC)), UAS, Transport.UDP);
    assertThat(counter("sipscreen_peer_invites", "local", "forwarded")).isEqualTo(2);
  }

  @Test
  void theSameBranchFromAnotherSourceDoesNotGetTheFirstSourcesDecision() {
    StatelessProxy proxy = proxy(velocityChain(), 1024);
    sentTo(proxy.process(in(call(1), UAC)), UAS, Transport.UDP);
    java.net.InetSocketAddress other = new java.net.InetSocketAddress("127.0.0.3", 40000);
    sentTo(proxy.process(in(call(1), other)), UAS, Transport.UDP);
    assertThat(counter("sipscreen_peer_invites", "local", "forwarded")).isEqualTo(2);
  }

  @Test
  void aFullTransactionMemoryForgetsTheOldestAndScreensTheirCopiesAgain() {
    StatelessProxy proxy = proxy(new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT,
        NumberList.EMPTY, List.of(new CallingNumberCheck())), 16);
    for (int i = 1; i <= 200; i++) {
      sentTo(proxy.process(in(call(i), UAC)), UAS, Transport.UDP);
    }
    // The memory holds 16 per generation (one per stripe): most early calls are forgotten, and their
    // copies are screened again instead of failing.
    for (int i = 1; i <= 200; i++) {
      sentTo(proxy.process(in(call(i), UAC)), UAS, Transport.UDP);
    }
    assertThat(counter("sipscreen_peer_invites", "unknown", "forwarded")
        + counter("sipscreen_retransmissions", "forwarded")).isEqualTo(400);
    assertThat(counter("sipscreen_peer_invites", "unknown", "forwarded")).isGreaterThan(200);
    assertThat(registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("sipscreen_transaction_memory_overflows"))
        .flatMap(m -> m.getDataPoints().stream())
        .mapToDouble(dp -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) dp)
            .getValue())
        .sum()).isPositive();
  }
}
