package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.cli.CheckConfigTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.sip.SipUri;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;

/**
 * {@code sipscreen next-hops} against a running proxy whose probed next hops do not exist: both go down and
 * the command lists them with their priority, weight, state and last probe.
 */
@Timeout(60)
class NextHopsCommandIT {

  @TempDir
  Path dir;
  Sipscreen running;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  @Test
  void listsTheNextHopsWithTheirStateAndLastProbe() throws Exception {
    String a = "sip:127.0.0.1:" + Ports.free();
    String b = "sip:127.0.0.1:" + Ports.free() + ";transport=tcp";
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp, tcp]}]
          warmup_calls: 0
        routing:
          next_hops:
            - {uri: "%s", priority: 1, weight: 3}
            - {uri: "%s", priority: 2}
          probing: {interval: 200ms, timeout: 100ms, failures_to_down: 1, successes_to_up: 1}
          next_hop_networks: [127.0.0.0/8]
        http: {address: 127.0.0.1, port: 0}
        """.formatted(Ports.free(), a, b));
    running = Sipscreen.start(Sipscreen.prepare(config));
    for (String hop : new String[] {a, b}) {
      NextHop h = NextHop.of(SipUri.parse(hop));
      Await.until(hop + " is down", () -> !running.proxy().health().isUp(h));
    }
    String url = "http://127.0.0.1:" + running.httpAddress().getPort();

    CheckConfigTest.Run table = run("next-hops", "--admin-url", url);
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).startsWith("probing on\n");
    assertThat(table.out().lines().filter(l -> l.startsWith(a)).findFirst().orElseThrow())
        .matches("\\Q" + a + "\\E +1 +3 down +timeout +-");
    assertThat(table.out().lines().filter(l -> l.startsWith(b)).findFirst().orElseThrow())
        .matches("\\Q" + b + "\\E +2 +1 down +timeout +-");

    CheckConfigTest.Run json = run("next-hops", "--json", "--admin-url", url);
    assertThat(json.exitCode()).isZero();
    com.fasterxml.jackson.databind.JsonNode view = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(json.out());
    assertThat(view.path("next_hops").findValuesAsText("uri")).containsExactly(a, b);
    assertThat(view.path("next_hops").findValuesAsText("state")).containsExactly("down", "down");
  }

  @Test
  void namesTheHostNameEachResolvedHopCameFrom() throws Exception {
    try (org.sipscreen.testkit.Dnsmasq dns = org.sipscreen.testkit.Dnsmasq.start(dir.resolve("dns"), 60,
        java.util.List.of("--local=/test/", "--srv-host=_sip._udp.core.test,a.core.test,5999,7,3",
            "--host-record=a.core.test,127.0.0.9"))) {
      Path config = dir.resolve("sipscreen.yaml");
      Files.writeString(config, """
          sip:
            listen: [{address: 127.0.0.1, port: %d, transports: [udp]}]
            warmup_calls: 0
          routing:
            next_hops:
              - {uri: "sip:core.test"}
            next_hop_networks: [127.0.0.0/8]
            dns: {servers: ["%s"]}
          http: {address: 127.0.0.1, port: 0}
          """.formatted(Ports.free(), dns.server()));
      running = Sipscreen.start(Sipscreen.prepare(config));
      CheckConfigTest.Run table = run("next-hops", "--admin-url",
          "http://127.0.0.1:" + running.httpAddress().getPort());
      assertThat(table.exitCode()).as(table.err()).isZero();
      assertThat(table.out()).startsWith("probing off\n");
      assertThat(table.out().lines().filter(l -> l.startsWith("sip:127.0.0.9")).findFirst().orElseThrow())
          .matches("\\Qsip:127.0.0.9:5999;transport=udp\\E +7 +3 up +- +sip:core.test");
    }
  }

  @Test
  void saysWhenTheProxyCannotBeReached() {
    CheckConfigTest.Run r = run("next-hops", "--admin-url", "http://127.0.0.1:" + Ports.free());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).startsWith("next-hops: ");
  }
}
