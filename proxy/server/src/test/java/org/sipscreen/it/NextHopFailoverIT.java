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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.sip.SipUri;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * Two SIPp next hops behind the proxy with OPTIONS probing: calls use both; when one is killed its probes
 * time out, it goes down and every new call goes to the other; started again, it comes back up.
 */
@Timeout(180)
class NextHopFailoverIT {

  @TempDir
  Path dir;
  Sipscreen running;
  final List<Process> hops = new ArrayList<>();

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
  }

  /** A SIPp next hop on {@code port} that answers probes and calls until it is killed. */
  Process hop(int port) throws Exception {
    Process p = Sipp.hop(dir, port);
    hops.add(p);
    return p;
  }

  boolean up(String uri) {
    NextHop hop = NextHop.of(SipUri.parse(uri));
    return running.proxy().health().isUp(hop);
  }

  String adminNextHops() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + running.httpAddress().getPort() + "/admin/next-hops")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  Sipp.Result calls(int n) throws Exception {
    return Sipp.uac(dir, "uac-call.xml", sipPort, "u1", n, 20, "+13105550100",
        Map.of("caller", TestProxy.CLEAN));
  }

  int sipPort;

  @Test
  void callsShiftToTheOtherHopWhenOneIsKilledAndComeBackWhenItReturns() throws Exception {
    int portA = Ports.free();
    int portB = Ports.free();
    String a = "sip:127.0.0.1:" + portA;
    String b = "sip:127.0.0.1:" + portB;
    Process hopA = hop(portA);
    hop(portB);
    sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp]}]
          warmup_calls: 0
        routing:
          next_hops:
            - {uri: "%s", priority: 1, weight: 1}
            - {uri: "%s", priority: 1, weight: 1}
          probing: {interval: 200ms, timeout: 150ms, failures_to_down: 2, successes_to_up: 2}
          next_hop_networks: [127.0.0.0/8]
        http: {address: 127.0.0.1, port: 0}
        peers:
          local: {networks: [127.0.0.0/8]}
        """.formatted(sipPort, a, b));
    running = Sipscreen.start(Sipscreen.prepare(config));
    Await.atLeast("probes answered by A", () -> running.metrics().counterValue(
        "sipscreen_next_hop_probes", a, "ok"), 2);
    Await.atLeast("probes answered by B", () -> running.metrics().counterValue(
        "sipscreen_next_hop_probes", b, "ok"), 2);

    Sipp.Result before = calls(40);
    assertThat(before.successful()).as(before.output()).isEqualTo(40);

    hopA.destroyForcibly().waitFor();
    Await.until("A is down", () -> !up(a));
    assertThat(up(b)).isTrue();
    assertThat(running.metrics().counterValue("sipscreen_next_hop_probes", a, "timeout")).isGreaterThanOrEqualTo(2);
    JsonNode view = new ObjectMapper().readTree(adminNextHops());
    assertThat(view.path("probing").asText()).isEqualTo("on");
    assertThat(view.path("next_hops").findValuesAsText("uri")).containsExactly(a, b);
    assertThat(view.path("next_hops").findValuesAsText("state")).containsExactly("down", "up");
    assertThat(view.path("next_hops").get(0).path("last_probe").asText()).isEqualTo("timeout");

    // Half of these calls' transactions rank A first; every one completes, so every one went to B.
    Sipp.Result during = calls(40);
    assertThat(during.failed()).as(during.output()).isZero();
    assertThat(during.successful()).as(during.output()).isEqualTo(40);

    hop(portA);
    Await.until("A is up again", () -> up(a));
    Sipp.Result after = calls(40);
    assertThat(after.successful()).as(after.output()).isEqualTo(40);
  }
}
