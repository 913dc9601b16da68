package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.PROXY;
import static org.sipscreen.proxy.StatelessProxyTest.in;
import static org.sipscreen.proxy.StatelessProxyTest.wire;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.sip.Transport;

/** OPTIONS keepalives to the next hops, on a fake clock: what is sent, what an answer or silence does. */
class NextHopProberTest {

  static final InetSocketAddress HOP_A = new InetSocketAddress("127.0.0.1", 5070);
  static final InetSocketAddress HOP_B = new InetSocketAddress("127.0.0.1", 5071);

  final AtomicLong clock = new AtomicLong(1_000_000);
  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());
  final NextHopHealth health = new NextHopHealth();
  final List<ProxyAction.Send> sent = new ArrayList<>();
  final ProxySettings settings = settings(Optional.of(new NextHopSet.Probing(1000, 400, 2, 2)));
  final NextHopProber prober = new NextHopProber(() -> settings, health, clock::get, metrics);

  static ProxySettings settings(Optional<NextHopSet.Probing> probing) {
    NextHopSet hops = new NextHopSet(List.of(
        new NextHopSet.Member("sip:127.0.0.1:5070", new NextHop(HOP_A, Transport.UDP), 1, 1),
        new NextHopSet.Member("sip:127.0.0.1:5071;transport=tcp", new NextHop(HOP_B, Transport.TCP), 1, 1)),
        probing);
    return new ProxySettings(List.of(LocalEndpoint.of(PROXY, null, EnumSet.of(Transport.UDP, Transport.TCP))),
        hops.first(), PeerTable.of(Map.of("next_hops", List.of("127.0.0.0/8"))), true)
        .withNextHops(hops);
  }

  /** The branch of a probe on the wire. */
  static String branchOf(String probe) {
    int b = probe.indexOf(";branch=") + 8;
    return probe.substring(b, probe.indexOf(';', b));
  }

  /** The answer a UAS gives to a probe: its Via, From, Call-ID and CSeq copied. */
  static String answer(String probe, int status, String reason) {
    StringBuilder s = new StringBuilder("SIP/2.0 " + status + " " + reason + "\r\n");
    for (String line : probe.split("\r\n")) {
      if (line.startsWith("Via:") || line.startsWith("From:") || line.startsWith("Call-ID:")
          || line.startsWith("CSeq:")) {
        s.append(line).append("\r\n");
      } else if (line.startsWith("To:")) {
        s.append(line).append(";tag=uas\r\n");
      }
    }
    return s.append("Content-Length: 0\r\n\r\n").toString();
  }

  String probeTo(InetSocketAddress hop) {
    for (ProxyAction.Send s : sent) {
      if (s.destination().equals(hop)) {
        return wire(s.message());
      }
    }
    throw new AssertionError("no probe to " + hop + " in " + sent);
  }

  @Test
  void probesEveryHopOverItsTransportWithItsOwnViaBranch() {
    prober.tick(sent::add);
    assertThat(sent).extracting(ProxyAction.Send::destination).containsExactly(HOP_A, HOP_B);
    assertThat(sent).extracting(ProxyAction.Send::transport).containsExactly(Transport.UDP, Transport.TCP);
    String probe = probeTo(HOP_A);
    assertThat(probe).startsWith("OPTIONS sip:127.0.0.1:5070 SIP/2.0\r\n")
        .contains("\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=" + NextHopProber.BRANCH_PREFIX)
        .contains("\r\nMax-Forwards: 70\r\n").contains("\r\nCSeq: 1 OPTIONS\r\n");
    assertThat(probeTo(HOP_B)).startsWith("OPTIONS sip:127.0.0.1:5071;transport=tcp SIP/2.0\r\n")
        .contains("\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=");
    assertThat(branchOf(probe)).isNotEqualTo(branchOf(probeTo(HOP_B)));

    sent.clear();
    clock.addAndGet(999);
    prober.tick(sent::add);
    assertThat(sent).as("nothing is due before the interval").isEmpty();
  }

  @Test
  void aHopThatStopsAnsweringGoesDownAndComesBackWhenItAnswersAgain() {
    for (int round = 0; round < 2; round++) {
      sent.clear();
      prober.tick(sent::add);
      assertThat(prober.onResponse(branchOf(probeTo(HOP_B)), 200, HOP_B)).isTrue();
      clock.addAndGet(400);
      prober.tick(sent::add); // HOP_A's probe times out
      clock.addAndGet(600);
    }
    assertThat(health.isUp(new NextHop(HOP_A, Transport.UDP))).isFalse();
    assertThat(health.isUp(new NextHop(HOP_B, Transport.TCP))).isTrue();
    assertThat(health.state(new NextHop(HOP_A, Transport.UDP)).orElseThrow().lastResult()).isEqualTo("timeout");

    for (int round = 0; round < 2; round++) {
      sent.clear();
      prober.tick(sent::add);
      assertThat(prober.onResponse(branchOf(probeTo(HOP_A)), 404, HOP_A)).as("any final answer but 503")
          .isTrue();
      clock.addAndGet(1000);
    }
    assertThat(health.isUp(new NextHop(HOP_A, Transport.UDP))).isTrue();
  }

  @Test
  void a503IsAFailureAndAProvisionalAnswerIsNoAnswerYet() {
    for (int round = 0; round < 2; round++) {
      sent.clear();
      prober.tick(sent::add);
      String branch = branchOf(probeTo(HOP_A));
      assertThat(prober.onResponse(branch, 100, HOP_A)).isTrue();
      assertThat(prober.onResponse(branch, 503, HOP_A)).isTrue();
      assertThat(prober.onResponse(branch, 200, HOP_A)).as("a second final answer is stale").isFalse();
      clock.addAndGet(1000);
    }
    assertThat(health.isUp(new NextHop(HOP_A, Transport.UDP))).isFalse();
    assertThat(health.state(new NextHop(HOP_A, Transport.UDP)).orElseThrow().lastResult())
        .isEqualTo("unavailable");
  }

  @Test
  void anAnswerFromAnotherAddressOrWithAnUnknownBranchIsNotTaken() {
    prober.tick(sent::add);
    String branch = branchOf(probeTo(HOP_A));
    assertThat(prober.onResponse(branch, 200, new InetSocketAddress("127.0.0.9", 5070))).isFalse();
    assertThat(prober.onResponse(NextHopProber.BRANCH_PREFIX + "000000000000-1", 200, HOP_A)).isFalse();
    assertThat(prober.onResponse("z9hG4bK-other", 200, HOP_A)).isFalse();
    assertThat(prober.onResponse(branch, 200, HOP_A)).isTrue();
  }

  @Test
  void withoutProbingNothingIsSentAndEveryHopIsUp() {
    NextHopProber off = new NextHopProber(() -> settings(Optional.empty()), health, clock::get, metrics);
    off.tick(sent::add);
    assertThat(sent).isEmpty();
    assertThat(health.isUp(new NextHop(HOP_A, Transport.UDP))).isTrue();
  }

  @Test
  void theProxyConsumesTheAnswerToItsProbeInsteadOfRelayingIt() {
    StatelessProxy proxy = new StatelessProxy(settings, StatelessProxyTest.chain(Optional.empty()), metrics);
    proxy.prober().tick(sent::add);
    String ok = answer(probeTo(HOP_A), 200, "OK");
    assertThat(proxy.process(in(ok, HOP_A))).isEqualTo(new ProxyAction.Drop("probe_response"));
    // The same answer again matches no probe: dropped as a response that is not ours, never relayed.
    assertThat(proxy.process(in(ok, HOP_A))).isEqualTo(new ProxyAction.Drop("response_not_ours"));
  }
}
