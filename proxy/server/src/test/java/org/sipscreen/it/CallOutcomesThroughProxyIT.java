package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.records.report.PeerReport;
import org.sipscreen.records.report.ReportFormats;
import org.sipscreen.records.report.ReportScanner;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * SIPp calls of known outcomes through a running proxy: calls the caller ends after 1 s (short) and after
 * 8 s, and calls the called side turns down with 486. The proxy's call stamps come back in the relayed
 * responses and BYEs (SIPp checks the Record-Route it sees and routes its BYE by it), and the report
 * counts the answered share, the short calls and the unanswered ones.
 */
@Timeout(300)
class CallOutcomesThroughProxyIT {

  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  @Test
  void reportCountsAnsweredShortAndUnansweredCallsRelayedByTheProxy(@TempDir Path dir) throws Exception {
    int sipPort = Ports.free();
    int uasPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Files.writeString(config, """
        sip:
          listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:%d
        http: { address: 127.0.0.1, port: 0 }
        records:
          directory: records
          flush_interval: 50ms
        screening:
          source_peer:
            peers:
              local: { networks: [127.0.0.0/8] }
        """.formatted(sipPort, uasPort));
    Sipscreen proxy = Sipscreen.start(Sipscreen.prepare(config));
    Sipp.Result shortCalls;
    Sipp.Result longCalls;
    Sipp.Result busy;
    try {
      Process uas = Sipp.uas(dir, "uas-outcomes.xml", uasPort, "u1", 10);
      shortCalls = Sipp.uacHolding(dir, "uac-held.xml", sipPort, 4, 10, "+13105550100",
          Sipp.caller("+12025550123"), 1_000);
      longCalls = Sipp.uacHolding(dir, "uac-held.xml", sipPort, 3, 10, "+13105550100",
          Sipp.caller("+12025550123"), 8_000);
      busy = Sipp.uac(dir, "uac-busy.xml", sipPort, "u1", 3, 10, "+13105550199",
          Sipp.caller("+12025550123"));
      Sipp.await(uas);
    } finally {
      proxy.close(); // writes every record still queued
    }
    assertThat(shortCalls.successful()).as(shortCalls.output()).isEqualTo(4);
    assertThat(longCalls.successful()).as(longCalls.output()).isEqualTo(3);
    assertThat(busy.successful()).as(busy.output()).isEqualTo(3);

    PeerReport report = ReportScanner.run(dir.resolve("records"), new PeerReport.Query(start,
        start.plus(2, ChronoUnit.HOURS), null, 10), 1, ReportScanner.Summaries.OFF, start.toEpochMilli());
    JsonNode local = JSON.readTree(ReportFormats.write(report, "json")).path("peers").get(0);
    JsonNode o = local.path("outcomes");

    assertThat(local.path("peer").asText()).isEqualTo("local");
    assertThat(local.path("calls").asLong()).isEqualTo(10);
    assertThat(o.path("answered").asLong()).as(o.toString()).isEqualTo(7);
    assertThat(o.path("unanswered").asLong()).isEqualTo(3);
    assertThat(o.path("unanswered_by_class").path("4xx").asLong()).isEqualTo(3);
    assertThat(o.path("share").path("answered").asDouble()).isEqualTo(0.7);
    assertThat(o.path("ended").asLong()).isEqualTo(7);
    assertThat(o.path("short").asLong()).isEqualTo(4);
    assertThat(o.path("timed_from_invite").asLong()).isZero();
    // Held 1 s and 8 s after the answer: at least (4 * 1 + 3 * 8) / 7 = 4 s on average.
    assertThat(o.path("average_duration_seconds").asDouble()).isGreaterThanOrEqualTo(4.0);
    assertThat(proxy.metrics().counterValue("sipscreen_call_stamps_ignored", "forged")).isZero();
    assertThat(proxy.metrics().counterValue("sipscreen_call_stamps_ignored", "garbled")).isZero();
  }
}
