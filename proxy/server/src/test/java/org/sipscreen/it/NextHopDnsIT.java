package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.proxy.NextHopSet;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Dnsmasq;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * A next hop named by DNS, with a real dnsmasq as its name server and SIPp next hops: calls go to the best
 * SRV target; when the records change the hop set follows while calls go on; a name that resolves outside
 * the next-hop networks is refused and counted; with the name server gone the last good answer stays and
 * calls still complete.
 */
@Timeout(180)
class NextHopDnsIT {

  @TempDir
  Path dir;
  Sipscreen running;
  Dnsmasq dns;
  final List<Process> hops = new ArrayList<>();
  int sipPort;

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  @AfterEach
  void stop() {
    hops.forEach(Process::destroyForcibly);
    if (running != null) {
      running.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  /** A SIPp next hop on {@code port} that answers calls until it is killed. */
  Process hop(int port) throws Exception {
    Process p = Sipp.hop(dir, port);
    hops.add(p);
    return p;
  }

  Sipp.Result calls(int n) throws Exception {
    return Sipp.uac(dir, "uac-call.xml", sipPort, "u1", n, 20, "+13105550100",
        Map.of("caller", TestProxy.CLEAN));
  }

  /** The SRV records of core.test: a target per port, each with its priority. */
  static List<String> records(int portA, int priorityA, int portB, int priorityB) {
    return List.of("--local=/test/",
        "--srv-host=_sip._udp.core.test,a.core.test," + portA + "," + priorityA + ",1",
        "--srv-host=_sip._udp.core.test,b.core.test," + portB + "," + priorityB + ",1",
        "--host-record=a.core.test,127.0.0.1",
        "--host-record=b.core.test,127.0.0.1",
        "--host-record=outside.test,192.0.2.66");
  }

  NextHopSet nextHops() {
    return running.proxy().settings().nextHops();
  }

  double dnsResolutions(String name, String result) {
    return running.metrics().counterValue("sipscreen_next_hop_dns_resolutions", name, result);
  }

  @Test
  void callsFollowTheSrvRecordsAndTheLastGoodAnswerStaysWhileTheNameServerIsDown() throws Exception {
    int portA = Ports.free();
    int portB = Ports.free();
    Process hopA = hop(portA);
    dns = Dnsmasq.start(dir.resolve("dns"), 1, records(portA, 10, portB, 20));
    sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp]}]
          warmup_calls: 0
        routing:
          next_hops:
            - {uri: "sip:core.test"}
            - {uri: "sip:outside.test:5060", priority: 5}
          next_hop_networks: [127.0.0.0/8]
          dns: {servers: ["%s"], min_ttl: 1s, max_ttl: 2s, timeout: 300ms}
        http: {address: 127.0.0.1, port: 0}
        peers:
          local: {networks: [127.0.0.0/8]}
        """.formatted(sipPort, dns.server()));
    running = Sipscreen.start(Sipscreen.prepare(config));

    // Both SRV targets are hops with their priorities; outside.test's address is refused, never a hop.
    assertThat(nextHops().members()).extracting(m -> m.hop().address().getPort() + "/" + m.priority())
        .containsExactly(portA + "/10", portB + "/20");
    assertThat(nextHops().members()).allSatisfy(m -> assertThat(m.source()).isEqualTo("sip:core.test"));
    Await.atLeast("outside.test refused", () -> running.metrics().counterValue(
        "sipscreen_next_hop_dns_refused", "sip:outside.test:5060"), 1);

    // Only A runs: every call completes, so every call went to the best target.
    Sipp.Result first = calls(20);
    assertThat(first.successful()).as(first.output()).isEqualTo(20);

    // B becomes the best target while calls go on (both hops answer meanwhile), then A dies.
    hop(portB);
    CompletableFuture<Sipp.Result> during = CompletableFuture.supplyAsync(() -> {
      try {
        return calls(40);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    dns.restart(1, records(portA, 20, portB, 10));
    Await.until("B is the best hop", () -> nextHops().first().address().getPort() == portB);
    assertThat(during.get().failed()).as(during.get().output()).isZero();
    hopA.destroyForcibly().waitFor();
    Sipp.Result afterChange = calls(20);
    assertThat(afterChange.successful()).as(afterChange.output()).isEqualTo(20);

    // The name server dies: resolutions fail, the last good answer stays, calls still reach B.
    List<NextHopSet.Member> lastGood = nextHops().members();
    double failedBefore = dnsResolutions("sip:core.test", "failed");
    dns.kill();
    Await.atLeast("two failed resolutions", () -> dnsResolutions("sip:core.test", "failed"),
        failedBefore + 2);
    assertThat(nextHops().members()).isEqualTo(lastGood);
    Sipp.Result dnsDown = calls(20);
    assertThat(dnsDown.successful()).as(dnsDown.output()).isEqualTo(20);

    JsonNode view = new ObjectMapper().readTree(adminNextHops());
    assertThat(view.path("next_hops").findValuesAsText("name")).containsOnly("sip:core.test").hasSize(2);
    assertThat(view.path("names").toString()).contains("sip:core.test", "sip:outside.test:5060");
  }

  @Test
  void aReloadResolvesNewNamesAndIsRefusedWhenNoNextHopResolves() throws Exception {
    int portA = Ports.free();
    int portB = Ports.free();
    hop(portB);
    dns = Dnsmasq.start(dir.resolve("dns"), 60, records(portA, 20, portB, 10));
    sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    String yaml = """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp]}]
          warmup_calls: 0
        routing:
          next_hops:
            - {uri: "%s"}
          next_hop_networks: [127.0.0.0/8]
          dns: {servers: ["%s"], timeout: 300ms}
        http: {address: 127.0.0.1, port: 0}
        peers:
          local: {networks: [127.0.0.0/8]}
        """;
    Files.writeString(config, yaml.formatted(sipPort, "sip:127.0.0.1:" + portA, dns.server()));
    running = Sipscreen.start(Sipscreen.prepare(config));
    assertThat(nextHops().names()).isEmpty();

    // A reload to a name: resolved before it applies, so the first call after it already goes to B.
    Files.writeString(config, yaml.formatted(sipPort, "sip:core.test", dns.server()));
    assertThat(running.reloader().reload("test").get(30, java.util.concurrent.TimeUnit.SECONDS).error())
        .isEmpty();
    assertThat(nextHops().first().address().getPort()).isEqualTo(portB);
    Sipp.Result calls = calls(10);
    assertThat(calls.successful()).as(calls.output()).isEqualTo(10);

    // A reload to a name that does not exist has no next hop at all: refused, the running hops stay.
    Files.writeString(config, yaml.formatted(sipPort, "sip:nowhere.test", dns.server()));
    var refused = running.reloader().reload("test").get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(refused.error()).hasValueSatisfying(e -> assertThat(e)
        .contains("routing.next_hops: no next hop has an address (sip:nowhere.test: no SRV, A or AAAA record)"));
    assertThat(nextHops().first().address().getPort()).isEqualTo(portB);
    assertThat(nextHops().names()).extracting(n -> n.uri()).containsExactly("sip:core.test");
  }

  String adminNextHops() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + running.httpAddress().getPort() + "/admin/next-hops")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
