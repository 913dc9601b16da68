package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.PROXY;
import static org.sipscreen.proxy.StatelessProxyTest.UAC;
import static org.sipscreen.proxy.StatelessProxyTest.in;
import static org.sipscreen.proxy.StatelessProxyTest.msg;
import static org.sipscreen.proxy.StatelessProxyTest.send;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.sip.Transport;

/**
 * Initial requests over a set of next hops: an INVITE, its retransmission, its CANCEL and the ACK of its
 * non-2xx answer reach the same hop (chosen by the transaction's key, and remembered with the transaction's
 * decision for when the hops that are up change); a hop its probes took down gets nothing new.
 */
class NextHopRoutingTest {

  static final NextHop A = new NextHop(new InetSocketAddress("127.0.0.1", 5070), Transport.UDP);
  static final NextHop B = new NextHop(new InetSocketAddress("127.0.0.1", 5071), Transport.UDP);
  static final NextHop BACKUP = new NextHop(new InetSocketAddress("127.0.0.1", 5080), Transport.UDP);
  static final NextHopSet.Probing PROBING = new NextHopSet.Probing(1000, 500, 1, 1);

  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());
  final StatelessProxy proxy = new StatelessProxy(settings(), StatelessProxyTest.chain(Optional.empty()),
      metrics);

  static ProxySettings settings() {
    NextHopSet hops = new NextHopSet(List.of(
        new NextHopSet.Member("sip:127.0.0.1:5070", A, 1, 1),
        new NextHopSet.Member("sip:127.0.0.1:5071", B, 1, 1),
        new NextHopSet.Member("sip:127.0.0.1:5080", BACKUP, 2, 1)), Optional.of(PROBING));
    return new ProxySettings(List.of(LocalEndpoint.of(PROXY, null, EnumSet.of(Transport.UDP, Transport.TCP))),
        hops.first(), PeerTable.of(Map.of("next_hops", List.of("127.0.0.0/8"))), true).withNextHops(hops);
  }

  static String request(String method, int call, String toTag) {
    return msg(method.equals("INVITE") ? "v=0\r\n" : "",
        method + " sip:+12025550100@127.0.0.1;user=phone SIP/2.0",
        "Via: SIP/2.0/UDP uac.example:5062;branch=z9hG4bK-uac-" + call + ";rport",
        "Max-Forwards: 70",
        "From: <sip:+13035550100@uac.example;user=phone>;tag=f" + call,
        "To: <sip:+12025550100@127.0.0.1;user=phone>" + toTag,
        "Call-ID: call-" + call + "@uac.example",
        "CSeq: 1 " + method,
        "Contact: <sip:alice@127.0.0.2:40000>",
        "Content-Length: " + (method.equals("INVITE") ? 5 : 0));
  }

  InetSocketAddress destination(ProxyAction action) {
    return send(action).destination();
  }

  void down(NextHop hop) {
    proxy.health().record(hop, false, "timeout", PROBING, 0);
  }

  @Test
  void anInviteItsRetransmissionItsCancelAndItsAckGoToOneHop() {
    Map<InetSocketAddress, Integer> used = new HashMap<>();
    for (int call = 0; call < 60; call++) {
      InetSocketAddress hop = destination(proxy.process(in(request("INVITE", call, ""), UAC)));
      used.merge(hop, 1, Integer::sum);
      assertThat(destination(proxy.process(in(request("INVITE", call, ""), UAC)))).isEqualTo(hop);
      assertThat(destination(proxy.process(in(request("CANCEL", call, ""), UAC)))).isEqualTo(hop);
      assertThat(destination(proxy.process(in(request("ACK", call, ";tag=uas" + call), UAC))))
          .isEqualTo(hop);
    }
    assertThat(used).as("both hops of the best priority share the calls, the backup none")
        .containsOnlyKeys(A.address(), B.address());
  }

  @Test
  void aHopThatIsDownGetsNoNewCallsAndTheBackupTakesOverWhenAllAreDown() {
    down(A);
    for (int call = 0; call < 30; call++) {
      assertThat(destination(proxy.process(in(request("INVITE", call, ""), UAC)))).isEqualTo(B.address());
    }
    down(B);
    for (int call = 30; call < 40; call++) {
      InetSocketAddress hop = destination(proxy.process(in(request("INVITE", call, ""), UAC)));
      assertThat(hop).isEqualTo(BACKUP.address());
      assertThat(destination(proxy.process(in(request("CANCEL", call, ""), UAC)))).isEqualTo(hop);
    }
    assertThat(proxy.nextHopsUp()).containsExactly(Map.entry("sip:127.0.0.1:5070", 0.0),
        Map.entry("sip:127.0.0.1:5071", 0.0), Map.entry("sip:127.0.0.1:5080", 1.0));
  }

  @Test
  void aCancelAndAnAckFollowTheirInviteEvenWhenItsHopWentDownMeanwhile() {
    Map<NextHop, Integer> firstCallOn = new HashMap<>();
    for (int call = 0; call < 40 && firstCallOn.size() < 2; call++) {
      InetSocketAddress hop = destination(proxy.process(in(request("INVITE", call, ""), UAC)));
      firstCallOn.putIfAbsent(hop.equals(A.address()) ? A : B, call);
    }
    assertThat(firstCallOn).containsOnlyKeys(A, B);

    down(A); // a probe timed out while A's call rings: new calls go to B, A's CANCEL must still reach A
    int onA = firstCallOn.get(A);
    assertThat(destination(proxy.process(in(request("CANCEL", onA, ""), UAC)))).isEqualTo(A.address());
    assertThat(destination(proxy.process(in(request("ACK", onA, ";tag=uas" + onA), UAC))))
        .isEqualTo(A.address());
    assertThat(destination(proxy.process(in(request("INVITE", 1000, ""), UAC)))).isEqualTo(B.address());
  }

  @Test
  void anInviteRetransmittedAfterItsHopWentDownMovesAndItsCancelFollowsTheMove() {
    int call = 0;
    while (!destination(proxy.process(in(request("INVITE", call, ""), UAC))).equals(A.address())) {
      call++;
    }

    down(A); // no answer from A: the caller retransmits, the copy goes to B, which takes the call as new
    assertThat(destination(proxy.process(in(request("INVITE", call, ""), UAC)))).isEqualTo(B.address());
    assertThat(destination(proxy.process(in(request("CANCEL", call, ""), UAC)))).isEqualTo(B.address());
  }

  @Test
  void withEveryHopDownCallsStillGoToTheBestPriority() {
    down(A);
    down(B);
    down(BACKUP);
    for (int call = 0; call < 20; call++) {
      assertThat(destination(proxy.process(in(request("INVITE", call, ""), UAC))))
          .isIn(A.address(), B.address());
    }
  }

  @Test
  void anEmergencyCallIsForwardedWhenEveryHopIsDown() {
    down(A);
    down(B);
    down(BACKUP);
    String emergency = request("INVITE", 7, "")
        .replace("sip:+12025550100@127.0.0.1;user=phone", "sip:911@127.0.0.1");
    assertThat(emergency).startsWith("INVITE sip:911@127.0.0.1 SIP/2.0\r\n");
    ProxyAction action = proxy.process(in(emergency, UAC));
    assertThat(destination(action)).isIn(A.address(), B.address());
    assertThat(metrics.counterValue("sipscreen_next_hops_all_down")).isEqualTo(1);
  }
}
