package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * One SIPp floods INVITEs from 127.0.0.2 (no peer's address) at 5,000/s (25 times its limit) while another places calls
 * from 127.0.0.1 (the peer "local", and the address of the default route, which is never counted): the
 * flood source is banned and dropped, the calls all complete.
 */
@Timeout(300)
class FloodControlIT {

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  @Test
  void legitimateCallsCompleteWhileOneSourceFloodsAndIsBanned(@TempDir Path dir) throws Exception {
    int uasPort = Ports.free();
    int sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp]}]
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:%d
          next_hop_networks: [127.0.0.0/8]
        http: {address: 127.0.0.1, port: 0}
        peers:
          local: {networks: [127.0.0.1/32]}
        flood:
          window: 1s
          max_requests: 200
          ban: 10m
          peers:
            local: {max_requests: 5000}
        """.formatted(sipPort, uasPort));
    Sipscreen running = Sipscreen.start(Sipscreen.prepare(config));
    Process flood = null;
    Process uas = null;
    try {
      uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", 1000);
      Path floodDir = Files.createDirectories(dir.resolve("flood"));
      flood = new ProcessBuilder(List.of("sipp", "-sf", Sipp.scenario(floodDir, "uac-flood.xml").toString(),
          "-i", "127.0.0.2", "-p", Integer.toString(Ports.free()), "-t", "u1", "-r", "5000", "-rp", "1000",
          "-m", "2000000", "-s", "+13105550100", "-nostdin", "-timeout", "120s",
          "127.0.0.1:" + sipPort)).directory(floodDir.toFile()).redirectErrorStream(true)
          .redirectOutput(floodDir.resolve("flood.out").toFile()).start();
      Await.until("the flood source banned",
          () -> running.metrics().counterValue("sipscreen_flood_bans_issued") >= 1);
      assertThat(flood.isAlive()).as("the flood goes on during the calls").isTrue();

      Sipp.Result calls = Sipp.uac(dir, "uac-call.xml", sipPort, "u1", 1000, 100, "+13105550100",
          Sipp.caller("+13125550100"));

      assertThat(flood.isAlive()).as("the flood went on during all the calls").isTrue();
      double dropped = running.metrics().counterValue("sipscreen_flood_dropped");
      assertThat(calls.successful()).as("at least 99.9 percent of the calls complete: " + calls.output())
          .isGreaterThanOrEqualTo(999);
      assertThat(running.metrics().counterValue("sipscreen_flood_bans_issued")).isEqualTo(1);
      assertThat(running.metrics().counterValue("sipscreen_flood_emergency_passed")).isZero();
      assertThat(dropped).as("flood INVITEs dropped (5,000/s for the calls' 10 s)").isGreaterThan(10_000);
      assertThat(running.metrics().counterValue("sipscreen_requests_received", "INVITE", "udp"))
          .as("of the flood only the first few hundred reached the parser: the calls' INVITEs and their"
              + " retransmissions make up the rest").isLessThan(3000);
      assertThat(running.metrics().counterValue("sipscreen_responses_sent", "403"))
          .as("the flood's INVITEs answered before the ban").isBetween(1.0, 400.0);
      String bans = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + running.httpAddress().getPort() + "/admin/bans")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertThat(bans).contains("\"address\" : \"127.0.0.2\"").doesNotContain("127.0.0.1");
    } finally {
      if (uas != null) {
        uas.destroy();
      }
      if (flood != null) {
        flood.destroy();
        if (!flood.waitFor(10, TimeUnit.SECONDS)) {
          flood.destroyForcibly();
        }
      }
      running.close();
    }
  }
}
