package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.cli.CheckConfigTest.run;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;

/**
 * Flood control's bans through a running proxy: a burst from one loopback address is banned, {@code GET
 * /admin/bans} and {@code sipscreen bans} list it (with the bearer token), a reload keeps it, {@code sipscreen
 * unban} lifts it, and the metrics count it.
 */
@Timeout(60)
class FloodBansIT {

  /** Test-only token, not a secret. */
  private static final String TEST_TOKEN = "test-token-0123456789abcdef";

  @TempDir
  Path dir;
  Sipscreen running;
  int sipPort;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  private Path start() throws Exception {
    Files.writeString(dir.resolve("admin.token"), TEST_TOKEN + "\n");
    sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp]}]
          warmup_calls: 0
        http: {address: 127.0.0.1, port: %d, admin: {token_file: admin.token}}
        peers:
          local: {networks: [127.0.0.1/32]}
        flood:
          window: 10s
          max_requests: 5
          ban: 1h
        """.formatted(sipPort, Ports.free()));
    running = Sipscreen.start(Sipscreen.prepare(config));
    return config;
  }

  /** Sends {@code n} OPTIONS from 127.0.0.2, no peer's address. */
  private void burst(int n) throws Exception {
    burst(n, "127.0.0.2");
  }

  private void burst(int n, String from) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(from, 0))) {
      for (int i = 0; i < n; i++) {
        byte[] b = ("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:" + socket.getLocalPort()
            + ";branch=z9hG4bK-f" + i + "\r\nMax-Forwards: 70\r\nFrom: <sip:f@127.0.0.2>;tag=" + i
            + "\r\nTo: <sip:127.0.0.1>\r\nCall-ID: flood-" + i + "\r\nCSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(b, b.length, InetAddress.getByName("127.0.0.1"), sipPort));
      }
    }
  }

  private double metric(String name, String... labels) {
    return running.metrics().counterValue(name, labels);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + running.httpAddress().getPort() + path));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aFloodingSourceIsBannedListedKeptOverAReloadAndUnbanned() throws Exception {
    Path config = start();
    assertThat(get("/metrics", null).body()).as("every series exists at 0 from start-up")
        .containsPattern("(?m)^sipscreen_flood_dropped_total 0(\\.0)?$")
        .containsPattern("(?m)^sipscreen_flood_bans_issued_total 0(\\.0)?$")
        .containsPattern("(?m)^sipscreen_flood_emergency_passed_total 0(\\.0)?$")
        .containsPattern("(?m)^sipscreen_flood_bans_active 0(\\.0)?$")
        .containsPattern("(?m)^sipscreen_flood_sources_tracked 0(\\.0)?$");

    burst(50);
    Await.until("127.0.0.2 banned", () -> metric("sipscreen_flood_bans_issued") == 1);

    assertThat(get("/admin/bans", null).statusCode()).isEqualTo(401);
    HttpResponse<String> listed = get("/admin/bans", TEST_TOKEN);
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.body()).contains("\"flood_control\" : \"on\"").contains("\"address\" : \"127.0.0.2\"");

    CheckConfigTest.Run bans = run("bans", "--config", config.toString());
    assertThat(bans.exitCode()).as(bans.err()).isZero();
    assertThat(bans.out()).startsWith("1 banned; flood control on").containsPattern("127\\.0\\.0\\.2 +- +20");

    CheckConfigTest.Run reload = run("reload", "--config", config.toString());
    assertThat(reload.exitCode()).as(reload.err()).isZero();
    assertThat(run("bans", "--config", config.toString()).out()).as("kept over the reload")
        .startsWith("1 banned");
    assertThat(get("/metrics", null).body()).containsPattern("(?m)^sipscreen_flood_bans_active 1(\\.0)?$");

    CheckConfigTest.Run unban = run("unban", "127.0.0.2", "--config", config.toString());
    assertThat(unban.exitCode()).as(unban.err()).isZero();
    assertThat(unban.out()).isEqualTo("unbanned 127.0.0.2\n");
    CheckConfigTest.Run again = run("unban", "127.0.0.2", "--config", config.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("127.0.0.2 is not banned");
    CheckConfigTest.Run nonsense = run("unban", "example.net", "--config", config.toString());
    assertThat(nonsense.exitCode()).isEqualTo(2);
    assertThat(nonsense.err()).contains("'example.net' is not an IPv4 or IPv6 address");
    assertThat(run("bans", "--config", config.toString()).out()).startsWith("0 banned; flood control on");
    assertThat(metric("sipscreen_flood_dropped")).isPositive();
  }

  @Test
  void aReloadAppliesNewLimitsKeepsTheBansAndCanTurnItOff() throws Exception {
    Path config = start();
    burst(50);
    Await.until("127.0.0.2 banned", () -> metric("sipscreen_flood_bans_issued") == 1);

    Files.writeString(config, Files.readString(config).replace("max_requests: 5", "max_requests: 1000"));
    assertThat(run("reload", "--config", config.toString()).exitCode()).isZero();
    burst(50, "127.0.0.3");
    burst(1, "127.0.0.2");
    Await.until("the burst from 127.0.0.3 handled", () -> metric("sipscreen_requests_received", "OPTIONS", "udp") >= 55);
    assertThat(metric("sipscreen_flood_bans_issued")).as("50 is under the new limit").isEqualTo(1);
    assertThat(get("/admin/bans", TEST_TOKEN).body()).as("the ban stays").contains("\"address\" : \"127.0.0.2\"");

    String text = Files.readString(config);
    Files.writeString(config, text.substring(0, text.indexOf("flood:")));
    assertThat(run("reload", "--config", config.toString()).exitCode()).isZero();
    assertThat(get("/admin/bans", TEST_TOKEN).body()).contains("\"flood_control\" : \"off\"")
        .contains("\"address\" : \"127.0.0.2\"");
    double before = metric("sipscreen_requests_received", "OPTIONS", "udp");
    burst(1, "127.0.0.2");
    Await.until("the banned source's request handled with flood control off",
        () -> metric("sipscreen_requests_received", "OPTIONS", "udp") > before);
  }

  @Test
  void helpShowsExamples() {
    assertThat(run("bans", "--help").out()).contains("Examples:").contains("sipscreen bans --config");
    assertThat(run("unban", "--help").out()).contains("Examples:").contains("sipscreen unban 192.0.2.7");
  }
}
