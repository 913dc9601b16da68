package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.records.TestRecords.at;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.records.DecisionJson;
import org.sipscreen.records.DecisionLog;
import org.sipscreen.records.DecisionRecord;
import org.sipscreen.records.TestRecords;

/** {@code traceback --answer}: what a traceback request asks for, per call, with the peer's RMD record. */
class TracebackAnswerTest {

  @TempDir
  Path dir;

  Path config;

  private static Path repo() {
    String repo = System.getProperty("sipscreen.repo");
    return repo != null ? Path.of(repo) : Path.of("../..");
  }

  @BeforeEach
  void generate() throws IOException {
    DecisionJson json = new DecisionJson();
    try (DecisionLog log = new DecisionLog(dir.resolve("records"), 1 << 20, 24, 1L << 30,
        Clock.fixed(Instant.parse("2026-11-28T20:00:00Z"), ZoneOffset.UTC))) {
      for (DecisionRecord r : List.of(
          TestRecords.rejected(at("2026-11-28T19:04:05.123Z"), "call-1@peer", "+12025550123", "+13125550100",
              "carrier-a"),
          TestRecords.forwarded(at("2026-11-28T19:30:00Z"), "call-2@peer", "+12025550123", "+13125550100",
              "carrier-a"))) {
        log.append(r.timeMillis(), json.bytes(), json.encode(r));
      }
    }
    Files.copy(repo().resolve("config/data/rmd-current-filers.csv"), dir.resolve("rmd.csv"));
    config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        records: {directory: records}
        peers:
          carrier-a:
            networks: [198.51.100.0/24]
            contact: "Interconnect NOC, +1-217-555-0199, noc@carrier-a.example"
            checks: {rmd: {record: RMD0099001}}
        screening:
          rmd: {file: rmd.csv}
        """);
  }

  @Test
  void answersAsTextWithThePeersRecordAndContact() {
    CheckConfigTest.Run r = CheckConfigTest.run("traceback", "--answer", "--caller", "+12025550123",
        "--callee", "+13125550100", "--time", "2026-11-28T19:04:00Z", "--window", "5m", "--config",
        config.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().replaceAll("(\\S:) +", "$1 ")).contains("Traceback answer: caller +12025550123, callee +13125550100,"
            + " 2026-11-28T18:59:00Z to 2026-11-28T19:09:00Z")
        .contains("1 call found")
        .contains("received (UTC): 2026-11-28T19:04:05.123Z")
        .contains("upstream peer: carrier-a")
        .contains("RMD record: RMD0099001 (listed: Example Carrier A, LLC, OCN 9A01, FRN 0099000101)")
        .contains("peer contact: Interconnect NOC, +1-217-555-0199, noc@carrier-a.example")
        .contains("RMD contact: Pat Example, 217-555-0101, rmd-contact@carrier-a.example")
        .contains("source address: 198.51.100.7:5060 (udp)")
        .contains("Call-ID: call-1@peer")
        .contains("caller ID as received: <sip:+12025550123@peer.example>;tag=1")
        .contains("decision: rejected, answered 603 Decline, by block_list")
        .doesNotContain("call-2@peer");
  }

  @Test
  void answersAsJson() throws IOException {
    CheckConfigTest.Run r = CheckConfigTest.run("traceback", "--answer", "--format", "json", "--caller",
        "2025550123", "--from", "2026-11-28T19:00:00Z", "--to", "2026-11-28T20:00:00Z", "--config",
        config.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode answer = new ObjectMapper().readTree(r.out());
    assertThat(answer.get("calls_found").asInt()).isEqualTo(2);
    JsonNode first = answer.get("calls").get(0);
    assertThat(first.get("upstream_peer").get("name").asText()).isEqualTo("carrier-a");
    assertThat(first.get("upstream_peer").get("rmd_record").asText()).isEqualTo("RMD0099001");
    assertThat(first.get("upstream_peer").get("rmd_listed").asText()).isEqualTo("yes");
    assertThat(first.get("upstream_peer").get("contact").asText()).startsWith("Interconnect NOC");
    assertThat(first.get("source_address").asText()).isEqualTo("198.51.100.7:5060");
    assertThat(first.get("call_id").asText()).isEqualTo("call-1@peer");
    assertThat(first.get("decision").get("response").asText()).isEqualTo("603 Decline");
    assertThat(answer.get("calls").get(1).get("decision").get("result").asText()).isEqualTo("forwarded");
  }

  @Test
  void withoutAConfigThePeerIsNamedOnly() {
    CheckConfigTest.Run r = CheckConfigTest.run("traceback", "--answer", "--caller", "+12025550123", "--time",
        "2026-11-28T19:30:00Z", "--window", "1m", "--log-dir", dir.resolve("records").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().replaceAll("(\\S:) +", "$1 ")).contains("upstream peer: carrier-a").contains("call-2@peer")
        .doesNotContain("RMD record");
  }

  @Test
  void theWindowIsTimeAndWindowOrFromAndTo() {
    CheckConfigTest.Run both = CheckConfigTest.run("traceback", "--answer", "--caller", "+12025550123",
        "--time", "2026-11-28T19:30:00Z", "--from", "2026-11-28", "--log-dir", dir.toString());
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
    CheckConfigTest.Run none = CheckConfigTest.run("traceback", "--caller", "+12025550123", "--log-dir",
        dir.toString());
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("give --from and --to, or --time");
    CheckConfigTest.Run badWindow = CheckConfigTest.run("traceback", "--answer", "--caller", "+12025550123",
        "--time", "2026-11-28T19:30:00Z", "--window", "soon", "--log-dir", dir.toString());
    assertThat(badWindow.exitCode()).isEqualTo(2);
    assertThat(badWindow.err()).contains("window 'soon' is not a duration");
    CheckConfigTest.Run badFormat = CheckConfigTest.run("traceback", "--answer", "--format", "jsonl",
        "--caller", "+12025550123", "--time", "2026-11-28T19:30:00Z", "--log-dir", dir.toString());
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).contains("text or json with --answer");
  }
}
