package org.sipscreen.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.NextHopName;
import org.sipscreen.proxy.NextHopSet;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.testkit.Dnsmasq;

/**
 * The resolver against a real dnsmasq on a loopback port: RFC 3263 §4 (SRV per transport with their
 * priorities, weights and ports; A records on the URI's port; A on 5060 without SRV), the TTL clamps on a
 * fake clock, addresses outside the next-hop networks refused and counted, and the last good answer kept
 * while the name server is down.
 */
@Timeout(60)
class NextHopResolverIT {

  @TempDir
  Path dir;
  Dnsmasq dns;
  NextHopResolver resolver;
  final AtomicLong now = new AtomicLong(1_000_000);
  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  static final List<String> RECORDS = List.of(
      "--local=/test/", // answers NXDOMAIN or no records for the rest of .test, never REFUSED
      "--srv-host=_sip._udp.core.test,a.core.test,5070,10,5",
      "--srv-host=_sip._udp.core.test,b.core.test,5071,20,0",
      "--srv-host=_sip._tcp.tcp.test,a.core.test,5080,1,1",
      "--host-record=a.core.test,127.0.0.2",
      "--host-record=b.core.test,127.0.0.3",
      "--host-record=plain.test,127.0.0.4",
      "--host-record=mixed.test,127.0.0.5",
      "--host-record=mixed.test,10.9.9.9",
      "--host-record=outside.test,10.9.9.9",
      "--host-record=dual.test,127.0.0.6,::1");

  @AfterEach
  void stop() {
    if (resolver != null) {
      resolver.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  void start(List<String> records) throws Exception {
    dns = Dnsmasq.start(dir.resolve("dns"), 30, records);
    resolver = new NextHopResolver(new NextHopResolver.Settings(
        List.of(new InetSocketAddress("127.0.0.1", dns.port())), 5_000, 60_000, 500), metrics, now::get);
  }

  static NextHopSet plan(String... uris) {
    List<NextHopName> names = java.util.Arrays.stream(uris)
        .map(u -> NextHopName.of(u, 3, 7).orElseThrow()).toList();
    return new NextHopSet(List.of(), Optional.empty(), names,
        PeerTable.of(Map.of("next_hop_networks", List.of("127.0.0.0/8", "::1/128"))));
  }

  static List<String> hops(NextHopSet set) {
    return set.members().stream().map(m -> m.uri() + " " + m.priority() + "/" + m.weight() + " from "
        + m.source()).toList();
  }

  @Test
  void srvTargetsBecomeHopsWithTheirPriorityWeightAndPort() throws Exception {
    start(RECORDS);
    NextHopSet plan = plan("sip:core.test");
    NextHopSet set = plan.withAnswers(resolver.prime(plan));
    assertThat(hops(set)).containsExactly(
        "sip:127.0.0.2:5070;transport=udp 10/5 from sip:core.test",
        "sip:127.0.0.3:5071;transport=udp 20/1 from sip:core.test"); // SRV weight 0 counts as 1
    assertThat(set.first().address()).isEqualTo(new InetSocketAddress("127.0.0.2", 5070));
    assertThat(metrics.counterValue("sipscreen_next_hop_dns_resolutions", "sip:core.test", "ok")).isEqualTo(1);
  }

  @Test
  void transportTcpAsksTheTcpSrvRecords() throws Exception {
    start(RECORDS);
    NextHopSet plan = plan("sip:tcp.test;transport=tcp");
    assertThat(hops(plan.withAnswers(resolver.prime(plan)))).containsExactly(
        "sip:127.0.0.2:5080;transport=tcp 1/1 from sip:tcp.test;transport=tcp");
  }

  @Test
  void noTransportFallsBackToTcpSrvWhenUdpHasNone() throws Exception {
    start(RECORDS);
    NextHopSet plan = plan("sip:tcp.test");
    assertThat(hops(plan.withAnswers(resolver.prime(plan)))).containsExactly(
        "sip:127.0.0.2:5080;transport=tcp 1/1 from sip:tcp.test");
  }

  @Test
  void aNameWithAPortIsResolvedByItsAddressRecordsOnly() throws Exception {
    start(RECORDS);
    // core.test has SRV records but no address: with a port, SRV is not asked, so it resolves to nothing.
    NextHopSet plan = plan("sip:plain.test:5090", "sip:core.test:5090");
    NextHopSet set = plan.withAnswers(resolver.prime(plan));
    assertThat(hops(set)).containsExactly("sip:127.0.0.4:5090;transport=udp 3/7 from sip:plain.test:5090");
    assertThat(resolver.failing(plan.names().get(1))).contains("no SRV, A or AAAA record");
  }

  @Test
  void aNameWithoutSrvRecordsTakesItsAddressOnPort5060() throws Exception {
    start(RECORDS);
    NextHopSet plan = plan("sip:plain.test");
    assertThat(hops(plan.withAnswers(resolver.prime(plan)))).containsExactly(
        "sip:127.0.0.4:5060;transport=udp 3/7 from sip:plain.test");
  }

  @Test
  void aAndAaaaRecordsBothBecomeHops() throws Exception {
    start(RECORDS);
    NextHopSet plan = plan("sip:dual.test:5070;transport=tcp");
    assertThat(hops(plan.withAnswers(resolver.prime(plan)))).containsExactlyInAnyOrder(
        "sip:127.0.0.6:5070;transport=tcp 3/7 from sip:dual.test:5070;transport=tcp",
        "sip:[::1]:5070;transport=tcp 3/7 from sip:dual.test:5070;transport=tcp");
  }

  @Test
  void addressesOutsideTheNextHopNetworksAreRefusedAndCounted() throws Exception {
    start(RECORDS);
    NextHopSet plan = plan("sip:mixed.test:5060", "sip:outside.test:5060");
    NextHopSet set = plan.withAnswers(resolver.prime(plan));
    assertThat(hops(set)).containsExactly("sip:127.0.0.5:5060;transport=udp 3/7 from sip:mixed.test:5060");
    assertThat(metrics.counterValue("sipscreen_next_hop_dns_refused", "sip:mixed.test:5060")).isEqualTo(1);
    assertThat(metrics.counterValue("sipscreen_next_hop_dns_refused", "sip:outside.test:5060")).isEqualTo(1);
    assertThat(resolver.failing(plan.names().get(1))).contains("every address is outside"
        + " routing.next_hop_networks");
    assertThat(metrics.counterValue("sipscreen_next_hop_dns_resolutions", "sip:outside.test:5060", "failed"))
        .isEqualTo(1);
  }

  @Test
  void aFailedReresolutionKeepsTheLastGoodAnswerAndChangedRecordsReplaceIt() throws Exception {
    start(RECORDS);
    NextHopSet plan = plan("sip:core.test");
    resolver.prime(plan);
    List<String> first = hops(plan.withAnswers(resolver));

    dns.kill();
    now.addAndGet(30_000); // past the TTL (30 s, inside the clamps)
    int[] changes = {0};
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    resolver.refresh(plan, () -> changes[0]++);
    org.sipscreen.testkit.Await.atLeast("a failed resolution", () -> metrics.counterValue(
        "sipscreen_next_hop_dns_resolutions", "sip:core.test", "failed"), 1);
    assertThat(hops(plan.withAnswers(resolver))).isEqualTo(first);
    assertThat(resolver.failing(plan.names().get(0)).orElseThrow()).contains("timeout");
    assertThat(changes[0]).isZero();

    // Not asked again before min_ttl (5 s) has passed since the failure.
    resolver.refresh(plan, () -> changes[0]++);
    now.addAndGet(5_000);
    dns.restart(30, List.of("--local=/test/",
        "--srv-host=_sip._udp.core.test,b.core.test,5071,5,1",
        "--host-record=b.core.test,127.0.0.3"));
    resolver.refresh(plan, () -> {
      threads.add(Thread.currentThread().getName());
      changes[0]++;
    });
    org.sipscreen.testkit.Await.until("the new records are taken", () -> changes[0] == 1);
    // The answer is taken on the resolver's own thread, never an event loop of the proxy.
    assertThat(threads).singleElement().asString().startsWith("sipscreen-dns");
    assertThat(hops(plan.withAnswers(resolver))).containsExactly(
        "sip:127.0.0.3:5071;transport=udp 5/1 from sip:core.test");
    assertThat(resolver.failing(plan.names().get(0))).isEmpty();
    assertThat(metrics.counterValue("sipscreen_next_hop_dns_resolutions", "sip:core.test", "failed"))
        .isEqualTo(1);
  }
}
