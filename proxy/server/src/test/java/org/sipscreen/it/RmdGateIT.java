package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * The Robocall Mitigation Database gate on the wire: SIPp calls from two loopback addresses, one a peer
 * whose filing is in the shipped sample export, one a peer whose filing is not. With
 * {@code action: reject_deterministic} the unlisted peer's calls get 403 and never reach the uas, its
 * emergency call does, and the listed peer's calls pass.
 */
@Timeout(300)
class RmdGateIT {

  private static final String CLEAN = "+13125550100";

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  private static Path repo() {
    String repo = System.getProperty("sipscreen.repo");
    return repo != null ? Path.of(repo) : Path.of("../..");
  }

  private static Sipscreen start(Path dir, int sipPort, int uasPort) throws Exception {
    Files.copy(repo().resolve("config/data/rmd-current-filers.csv"), dir.resolve("rmd.csv"));
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen:
            - address: 127.0.0.1
              port: %d
              transports: [udp]
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:%d
          next_hop_networks: [127.0.0.0/8]
        http:
          address: 127.0.0.1
          port: 0
        records: {directory: records, flush_interval: 100ms}
        peers:
          delisted:
            networks: [127.0.0.1/32]
            checks: {rmd: {record: RMD0012345}}
          listed:
            networks: [127.0.0.2/32]
            checks: {rmd: {record: RMD0099001}}
        screening:
          rmd:
            file: rmd.csv
            action: reject_deterministic
        """.formatted(sipPort, uasPort));
    return Sipscreen.start(Sipscreen.prepare(config));
  }

  private static String scrape(Sipscreen running) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + running.httpAddress().getPort() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void anUnlistedPeersCallsGet403AndAListedPeersCallsPass(@TempDir Path dir) throws Exception {
    int uasPort = Ports.free();
    int sipPort = Ports.free();
    try (Sipscreen running = start(dir, sipPort, uasPort)) {
      Process uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", 6);
      Sipp.Result blocked = Sipp.uacFrom("127.0.0.1", dir, "uac-rmd-rejected.xml", sipPort, "u1", 5, 50,
          "+13105550100", Sipp.caller(CLEAN));
      assertThat(blocked.successful()).as(blocked.output()).isEqualTo(5);
      assertThat(blocked.failed()).as(blocked.output()).isZero();
      Sipp.Result emergency = Sipp.uacFrom("127.0.0.1", dir, "uac-call.xml", sipPort, "u1", 1, 10, "911",
          Sipp.caller(CLEAN));
      assertThat(emergency.successful()).as("emergency calls pass the gate: " + emergency.output())
          .isEqualTo(1);
      Sipp.Result listed = Sipp.uacFrom("127.0.0.2", dir, "uac-call.xml", sipPort, "u1", 5, 50,
          "+13105550100", Sipp.caller(CLEAN));
      assertThat(listed.successful()).as(listed.output()).isEqualTo(5);
      assertThat(listed.failed()).as(listed.output()).isZero();
      assertThat(Sipp.await(uas)).as("the uas got the listed peer's calls and the emergency call").isZero();

      assertThat(running.metrics().counterValue("sipscreen_screening_outcomes", "rmd", "not_listed"))
          .isEqualTo(5);
      assertThat(running.metrics().counterValue("sipscreen_screening_outcomes", "rmd", "continue"))
          .isEqualTo(5);
      String metrics = scrape(running);
      assertThat(metrics).contains("sipscreen_rmd_peer_listed{peer=\"delisted\"} 0.0")
          .contains("sipscreen_rmd_peer_listed{peer=\"listed\"} 1.0")
          .contains("sipscreen_rmd_records 5.0");
    }
    String records;
    try (var files = Files.list(dir.resolve("records"))) {
      StringBuilder all = new StringBuilder();
      for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
        all.append(Files.readString(f));
      }
      records = all.toString();
    }
    assertThat(records.lines().filter(l -> l.contains("\"peer\":\"delisted\"")
        && l.contains("\"decided_by\":\"rmd\"") && l.contains("\"check\":\"rmd\",\"category\":\"not_listed\"")
        && l.contains("\"status\":403"))).as(records).hasSize(5);
  }
}
