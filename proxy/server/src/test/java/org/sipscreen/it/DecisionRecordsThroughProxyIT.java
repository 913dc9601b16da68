package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.records.DecisionFiles;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * Calls through a running proxy leave decision records: SIPp places 100 calls (an independent peer), and
 * raw INVITEs cover a blocked, a tagged and an emergency call and a retransmission. Each call's record is
 * found with the right peer, source address, result and response; /admin/traceback finds them over HTTP.
 */
@Timeout(300)
class DecisionRecordsThroughProxyIT {

  static final String CLEAN = TestProxy.CLEAN;
  static final String BLOCKED = TestProxy.BLOCKED;
  static final String SUSPECT = TestProxy.SUSPECT;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  static byte[] invite(String requestUser, String caller, String callId, int peerPort) {
    return ("INVITE sip:" + requestUser + "@127.0.0.1;user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + peerPort + ";branch=z9hG4bK-" + callId + "\r\n"
        + "From: \"Caller \\\"x\\\"\" <sip:" + caller + "@127.0.0.1;user=phone>;tag=a\r\n"
        + "To: <sip:" + requestUser + "@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void everyCallThroughTheProxyLeavesItsRecord(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("block.txt"), BLOCKED + "\n");
    Files.writeString(dir.resolve("suspect.txt"), SUSPECT + "\n");
    int sipPort = Ports.free();
    int uasPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (WireProbe probe = new WireProbe()) {
      Files.writeString(config, """
          sip:
            listen: [{ address: 127.0.0.1, port: %d, transports: [udp, tcp] }]
            warmup_calls: 500
          routing:
            default_route: sip:127.0.0.1:%d
          http: { address: 127.0.0.1, port: 0 }
          records:
            directory: decisions
            flush_interval_ms: 50
          screening:
            source_peer:
              peers:
                local: { networks: [127.0.0.0/8] }
            block_list: { file: block.txt }
            tag_list: { file: suspect.txt, label: "SPAM?" }
          """.formatted(sipPort, uasPort));
      Sipscreen proxy = Sipscreen.start(Sipscreen.prepare(config));
      int peerPort = probe.peerPort();
      try {
        Process uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", 100);
        Sipp.Result uac = Sipp.uac(dir, "uac-call.xml", sipPort, "u1", 100, 50, "+13105550100",
            Sipp.caller(CLEAN));
        // Every INVITE reached the proxy and was screened; whether each BYE made it on a loaded machine is
        // SippCallsIT's business, not this test's.
        assertThat(uac.successful() + uac.failed()).as(uac.output()).isEqualTo(100);
        uas.destroy();
        uas.waitFor();

        probe.target(sipPort);
        // The probe's default route is not the proxy's next hop here, so forwarded calls are seen by
        // their record, and answers by the probe.
        assertThat(probe.send(invite("+13105550100", BLOCKED, "blocked-1", peerPort)).status()).isEqualTo(603);
        probe.send(invite("+13105550100", SUSPECT, "tagged-1", peerPort));
        probe.send(invite("911", BLOCKED, "emergency-1", peerPort));
        byte[] again = invite("+13105550100", BLOCKED, "retransmitted-1", peerPort);
        assertThat(probe.send(again).status()).isEqualTo(603);
        assertThat(probe.send(again).status()).isEqualTo(603);

        // Over HTTP, while the proxy runs (once the writer has flushed: 50 ms).
        HttpClient http = HttpClient.newHttpClient();
        JsonNode[] last = {null};
        Await.until("/admin/traceback finds the 3 records of the blocked caller", () -> {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + proxy.httpAddress().getPort() + "/admin/traceback?caller=%2B" + BLOCKED.substring(1)
              + "&from=" + start + "&to=" + start.plusSeconds(3600))).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          last[0] = JSON.readTree(r.body());
          return last[0].get("count").asInt() == 3;
        });
        JsonNode answer = last[0];
        assertThat(answer.get("count").asInt()).as(answer.toString()).isEqualTo(3);
        assertThat(answer.get("records").get(0).get("peer").asText()).isEqualTo("local");
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + proxy.httpAddress().getPort() + "/admin/traceback?caller=x&from=now&to=now")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asText()).contains("not a phone number");
        assertThat(proxy.metrics().registry().scrape().stream()
            .anyMatch(m -> m.getMetadata().getName().equals("sipscreen_decision_records_dropped"))).isTrue();
      } finally {
        proxy.close();
      }
    }

    Map<String, JsonNode> byCallId = new HashMap<>();
    int lines = 0;
    int outcomes = 0;
    for (DecisionFiles.Segment s : DecisionFiles.list(dir.resolve("decisions"))) {
      for (String line : Files.readAllLines(s.path())) {
        JsonNode n = JSON.readTree(line);
        if (n.has("event")) {
          outcomes++; // a relayed final response or BYE of a forwarded call
          continue;
        }
        byCallId.put(n.get("call_id").asText(), n);
        lines++;
      }
    }
    // Each answered SIPp call: its 200 and, when it made it through, its BYE.
    assertThat(outcomes).isBetween(100, 200);
    assertThat(lines).as("100 SIPp calls, 4 INVITEs, a retransmission recorded once").isEqualTo(104);

    // The files the proxy closed have their report summaries: a report reads them, not the records, even
    // where it would not summarize them itself (their hour is not over).
    List<DecisionFiles.Segment> files = DecisionFiles.list(dir.resolve("decisions"));
    long firstHour = files.get(0).hourStart();
    long lastHour = files.get(files.size() - 1).hourStart();
    org.sipscreen.records.report.PeerReport report = org.sipscreen.records.report.ReportScanner.run(
        dir.resolve("decisions"), new org.sipscreen.records.report.PeerReport.Query(Instant.ofEpochMilli(firstHour),
            Instant.ofEpochMilli(lastHour + DecisionFiles.HOUR_MILLIS - 1), null, 10), 1,
        org.sipscreen.records.report.ReportScanner.Summaries.USE, firstHour);
    assertThat(report.filesFromSummaries()).isEqualTo(files.size());
    assertThat(report.records()).isEqualTo(104);

    List<JsonNode> sipp = byCallId.values().stream().filter(n -> n.get("caller").asText().equals(CLEAN))
        .toList();
    assertThat(sipp).hasSize(100).allSatisfy(n -> {
      assertThat(n.get("peer").asText()).isEqualTo("local");
      assertThat(n.get("source").asText()).startsWith("127.0.0.1:");
      assertThat(n.get("transport").asText()).isEqualTo("udp");
      assertThat(n.get("callee").asText()).isEqualTo("+13105550100");
      assertThat(n.get("result").asText()).isEqualTo("forwarded");
      assertThat(n.get("delivery").asText()).isEqualTo("forwarded");
      assertThat(n.get("next_hop").asText()).isEqualTo("127.0.0.1:" + uasPort);
      assertThat(Instant.parse(n.get("time").asText())).isAfterOrEqualTo(start);
    });

    JsonNode blocked = byCallId.get("blocked-1");
    assertThat(blocked.get("source").asText()).isEqualTo("127.0.0.1:" + probePort(byCallId));
    assertThat(blocked.get("result").asText()).isEqualTo("rejected");
    assertThat(blocked.get("status").asInt()).isEqualTo(603);
    assertThat(blocked.get("reason").asText()).isEqualTo("Decline");
    assertThat(blocked.get("caller_raw").asText())
        .isEqualTo("\"Caller \\\"x\\\"\" <sip:" + BLOCKED + "@127.0.0.1;user=phone>;tag=a");
    assertThat(byCallId.get("tagged-1").get("result").asText()).isEqualTo("tagged");
    assertThat(byCallId.get("tagged-1").get("delivery").asText()).isEqualTo("forwarded");
    assertThat(byCallId.get("emergency-1").get("result").asText()).isEqualTo("emergency");
    assertThat(byCallId.get("emergency-1").get("delivery").asText()).isEqualTo("forwarded");
    assertThat(byCallId.get("retransmitted-1").get("status").asInt()).isEqualTo(603);
  }

  /** The probe's port, as the proxy saw it in the first raw INVITE. */
  private static String probePort(Map<String, JsonNode> byCallId) {
    String source = byCallId.get("tagged-1").get("source").asText();
    return source.substring(source.lastIndexOf(':') + 1);
  }
}
