package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.in;
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
 * Next hops that name hosts, without DNS: the hop set an answer gives (addresses inside the next-hop
 * networks only, configured addresses first, no duplicates) and the proxy swapping it in for new requests.
 */
class NextHopAnswersTest {

  static final NextHopName CORE = NextHopName.of("sip:core.example", 1, 1).orElseThrow();
  static final NextHop LITERAL = hop("127.0.0.1", 5070);
  static final PeerTable NETWORKS = PeerTable.of(Map.of("next_hop_networks", List.of("127.0.0.0/8")));

  static NextHop hop(String ip, int port) {
    return new NextHop(new InetSocketAddress(ip, port), Transport.UDP);
  }

  static NextHopSet.Member resolved(NextHop hop, int priority) {
    return new NextHopSet.Member(ProxySettings.uriOf(hop), hop, priority, 1, CORE.uri());
  }

  /** Answers a test sets by hand. */
  static final class Answers implements NextHopAnswers {
    final Map<NextHopName, List<NextHopSet.Member>> hops = new HashMap<>();

    @Override
    public List<NextHopSet.Member> hops(NextHopName name) {
      return hops.getOrDefault(name, List.of());
    }
  }

  static NextHopSet plan() {
    return new NextHopSet(List.of(new NextHopSet.Member("sip:127.0.0.1:5070", LITERAL, 5, 1)),
        Optional.empty(), List.of(CORE), NETWORKS);
  }

  @Test
  void anAnswerAddsItsHopsInsideTheNetworksAfterTheConfiguredOnes() {
    Answers answers = new Answers();
    answers.hops.put(CORE, List.of(resolved(hop("127.0.0.2", 5060), 1), resolved(hop("192.0.2.1", 5060), 1),
        resolved(LITERAL, 1), resolved(hop("127.255.255.255", 5060), 1)));
    NextHopSet set = plan().withAnswers(answers);
    assertThat(set.members()).extracting(NextHopSet.Member::uri)
        .containsExactly("sip:127.0.0.2:5060;transport=udp", "sip:127.0.0.1:5070");
    assertThat(set.members().get(0).resolved()).isTrue();
    assertThat(set.members().get(1).resolved()).isFalse();
    assertThat(set.first()).isEqualTo(hop("127.0.0.2", 5060));
  }

  @Test
  void aNameWithoutAnswerHasNoHopAndANewAnswerReplacesTheOld() {
    Answers answers = new Answers();
    NextHopSet none = plan().withAnswers(answers);
    assertThat(none.members()).extracting(NextHopSet.Member::hop).containsExactly(LITERAL);
    answers.hops.put(CORE, List.of(resolved(hop("127.0.0.2", 5060), 1)));
    NextHopSet first = none.withAnswers(answers);
    answers.hops.put(CORE, List.of(resolved(hop("127.0.0.3", 5060), 1)));
    assertThat(first.withAnswers(answers).members()).extracting(NextHopSet.Member::hop)
        .containsExactly(hop("127.0.0.3", 5060), LITERAL);
  }

  @Test
  void theProxySwapsInTheHopSetOfANewAnswerForNewRequests() {
    NextHopSet plan = new NextHopSet(List.of(), Optional.empty(), List.of(CORE), NETWORKS);
    Answers answers = new Answers();
    answers.hops.put(CORE, List.of(resolved(hop("127.0.0.2", 5060), 1)));
    NextHopSet first = plan.withAnswers(answers);
    ProxySettings settings = new ProxySettings(List.of(LocalEndpoint.of(new InetSocketAddress("127.0.0.1",
        5060), null, EnumSet.of(Transport.UDP))), first.first(), NETWORKS, true).withNextHops(first);
    StatelessProxy proxy = new StatelessProxy(settings, StatelessProxyTest.chain(Optional.empty()),
        new ProxyMetrics(new PrometheusRegistry()));
    proxy.resolveNamesWith(answers);
    InetSocketAddress uac = new InetSocketAddress("127.0.0.9", 5062);
    assertThat(send(proxy.process(in(NextHopRoutingTest.request("INVITE", 1, ""), uac))).destination())
        .isEqualTo(new InetSocketAddress("127.0.0.2", 5060));

    answers.hops.put(CORE, List.of(resolved(hop("127.0.0.3", 5060), 1)));
    proxy.nextHopsResolved();
    assertThat(send(proxy.process(in(NextHopRoutingTest.request("INVITE", 2, ""), uac))).destination())
        .isEqualTo(new InetSocketAddress("127.0.0.3", 5060));

    // An answer that leaves no hop (it never happens: the resolver keeps the last good one) changes nothing.
    answers.hops.put(CORE, List.of());
    proxy.nextHopsResolved();
    assertThat(proxy.settings().nextHops().first()).isEqualTo(hop("127.0.0.3", 5060));

    // A reload's settings take the names' current answers too.
    answers.hops.put(CORE, List.of(resolved(hop("127.0.0.4", 5060), 1)));
    proxy.replace(new ProxySnapshot(settings, proxy.snapshot().chain()));
    assertThat(proxy.settings().nextHops().first()).isEqualTo(hop("127.0.0.4", 5060));
    assertThat(proxy.settings().defaultRoute()).isEqualTo(hop("127.0.0.4", 5060));
  }
}
