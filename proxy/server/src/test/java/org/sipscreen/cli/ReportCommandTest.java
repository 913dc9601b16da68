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

class ReportCommandTest {

  @TempDir
  Path dir;

  Path records;

  @BeforeEach
  void generate() throws IOException {
    records = dir.resolve("records");
    DecisionJson json = new DecisionJson();
    try (DecisionLog log = new DecisionLog(records, 1 << 20, 48, 1L << 30,
        Clock.fixed(Instant.parse("2026-11-29T20:00:00Z"), ZoneOffset.UTC))) {
      for (DecisionRecord r : List.of(
          TestRecords.rejected(at("2026-11-28T19:04:05.123Z"), "call-1@peer", "+12025550123", "+13125550100",
              "carrier-a"),
          TestRecords.forwarded(at("2026-11-28T19:14:00Z"), "call-2@peer", "+12025550124", "+13125550199",
              "carrier-a"),
          TestRecords.forwarded(at("2026-11-29T10:20:00Z"), "call-3@peer", "+14155550177", "+13125550100",
              "carrier-b"))) {
        log.append(r.timeMillis(), json.bytes(), json.encode(r));
      }
    }
  }

  @Test
  void writesJsonPerPeerAndDay() throws IOException {
    CheckConfigTest.Run r = CheckConfigTest.run("report", "--from", "2026-11-28", "--to", "2026-11-30",
        "--log-dir", records.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(r.out());
    assertThat(report.get("records").asLong()).isEqualTo(3);
    JsonNode a = report.get("peers").get(0);
    assertThat(a.get("peer").asText()).isEqualTo("carrier-a");
    assertThat(a.get("calls").asLong()).isEqualTo(2);
    assertThat(a.get("blocked").asLong()).isEqualTo(1);
    assertThat(a.get("blocked_by").get("block_list:reject").asLong()).isEqualTo(1);
    assertThat(a.get("top_blocked_callers").get(0).get("caller").asText()).isEqualTo("+12025550123");
    assertThat(a.get("days").get(0).get("day").asText()).isEqualTo("2026-11-28");
    assertThat(r.err()).contains("3 records of 2 peers");
  }

  @Test
  void aSecondReportReadsTheSummariesTheFirstWrote() throws IOException {
    String[] args = {"report", "--from", "2026-11-28", "--to", "2026-11-30", "--log-dir", records.toString()};
    CheckConfigTest.Run first = CheckConfigTest.run(args);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.err()).contains("2 files (0 from summaries)");
    try (var files = Files.list(records)) {
      assertThat(files.filter(f -> f.toString().endsWith(".sum"))).hasSize(2);
    }
    CheckConfigTest.Run second = CheckConfigTest.run(args);
    assertThat(second.err()).contains("2 files (2 from summaries)");
    assertThat(withoutTiming(second.out())).isEqualTo(withoutTiming(first.out()));

    String[] off = java.util.Arrays.copyOf(args, args.length + 1);
    off[args.length] = "--no-summaries";
    CheckConfigTest.Run records = CheckConfigTest.run(off);
    assertThat(records.err()).contains("2 files (0 from summaries)");
    assertThat(withoutTiming(records.out())).isEqualTo(withoutTiming(first.out()));
  }

  private static String withoutTiming(String json) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode n =
        (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(json);
    n.remove(List.of("millis", "files_from_summaries"));
    return n.toString();
  }

  @Test
  void onePeerAsCsvThroughTheConfig() throws IOException {
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, "records:\n  directory: records\n");
    CheckConfigTest.Run r = CheckConfigTest.run("report", "--from", "2026-11-28", "--to", "2026-11-30",
        "--config", config.toString(), "--peer", "carrier-b", "--format", "csv");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("peer,day,measure,key,calls,share\n")
        .contains("carrier-b,2026-11-29,calls,,1,1.0000").doesNotContain("carrier-a");
  }

  @Test
  void withTheConfigEachPeerCarriesItsRmdStandingAndContact() throws IOException {
    Files.copy(Path.of(System.getProperty("sipscreen.repo", "../..")).resolve("config/data/rmd-current-filers.csv"),
        dir.resolve("rmd.csv"));
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        records: {directory: records}
        peers:
          carrier-a:
            networks: [198.51.100.0/24]
            contact: "NOC, noc@carrier-a.example"
            checks: {rmd: {record: RMD0099001}}
          carrier-b:
            networks: [203.0.113.0/24]
            checks: {rmd: {record: RMD0012345}}
        screening:
          rmd: {file: rmd.csv}
        """);
    CheckConfigTest.Run r = CheckConfigTest.run("report", "--from", "2026-11-28", "--to", "2026-11-30",
        "--config", config.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(r.out());
    JsonNode a = report.get("peers").get(0).get("facts");
    assertThat(a.get("rmd_record").asText()).isEqualTo("RMD0099001");
    assertThat(a.get("rmd_listed").asText()).isEqualTo("yes");
    assertThat(a.get("contact").asText()).isEqualTo("NOC, noc@carrier-a.example");
    assertThat(report.get("peers").get(1).get("facts").get("rmd_listed").asText()).isEqualTo("no");
    CheckConfigTest.Run csv = CheckConfigTest.run("report", "--from", "2026-11-28", "--to", "2026-11-30",
        "--config", config.toString(), "--format", "csv");
    assertThat(csv.out()).contains("carrier-b,all,fact,rmd_listed=no,,\n");
  }

  @Test
  void writesHtmlToAFile() throws IOException {
    Path out = dir.resolve("report.html");
    CheckConfigTest.Run r = CheckConfigTest.run("report", "--from", "2026-11-28", "--to", "2026-11-30",
        "--log-dir", records.toString(), "--format", "html", "--output", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Files.readString(out)).startsWith("<!DOCTYPE html>").contains("<svg").contains("carrier-b");
  }

  @Test
  void badInputExitsTwoWithTheReason() {
    CheckConfigTest.Run badTime = CheckConfigTest.run("report", "--from", "noon", "--to", "2026-11-29",
        "--log-dir", records.toString());
    assertThat(badTime.exitCode()).isEqualTo(2);
    assertThat(badTime.err()).contains("from 'noon' is not a time");
    CheckConfigTest.Run badFormat = CheckConfigTest.run("report", "--from", "2026-11-28", "--to",
        "2026-11-29", "--log-dir", records.toString(), "--format", "xml");
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).contains("--format must be json, csv or html");
    CheckConfigTest.Run backwards = CheckConfigTest.run("report", "--from", "2026-11-29", "--to",
        "2026-11-28", "--log-dir", records.toString());
    assertThat(backwards.exitCode()).isEqualTo(2);
    assertThat(backwards.err()).contains("is before from");
  }
}
