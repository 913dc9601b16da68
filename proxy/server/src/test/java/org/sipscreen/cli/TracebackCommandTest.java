package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.records.TestRecords.at;

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

class TracebackCommandTest {

  @TempDir
  Path dir;

  Path records;

  @BeforeEach
  void generate() throws IOException {
    records = dir.resolve("records");
    DecisionJson json = new DecisionJson();
    try (DecisionLog log = new DecisionLog(records, 1 << 20, 24, 1L << 30,
        Clock.fixed(Instant.parse("2026-11-28T20:00:00Z"), ZoneOffset.UTC))) {
      for (DecisionRecord r : List.of(
          TestRecords.rejected(at("2026-11-28T19:04:05.123Z"), "call-1@peer", "+12025550123", "+13125550100",
              "carrier-a"),
          TestRecords.forwarded(at("2026-11-28T19:14:00Z"), "call-2@peer", "+12025550123", "+13125550199",
              "carrier-a"),
          TestRecords.forwarded(at("2026-11-28T19:20:00Z"), "call-3@peer", "+14155550177", "+13125550100",
              "carrier-b"))) {
        log.append(r.timeMillis(), json.bytes(), json.encode(r));
      }
    }
  }

  @Test
  void printsMatchingRecordsAsJsonLines() throws IOException {
    CheckConfigTest.Run r = CheckConfigTest.run("traceback", "--caller", "+12025550123", "--from",
        "2026-11-28T19:00:00Z", "--to", "2026-11-28T20:00:00Z", "--log-dir", records.toString(),
        "--format", "jsonl");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(lines.get(0)).get("call_id").asText()).isEqualTo("call-1@peer");
    assertThat(json.readTree(lines.get(0)).get("peer").asText()).isEqualTo("carrier-a");
    assertThat(json.readTree(lines.get(1)).get("call_id").asText()).isEqualTo("call-2@peer");
    assertThat(r.err()).contains("2 records; 1 file");
  }

  @Test
  void printsATableWithThePeerAddressAndResponse() {
    CheckConfigTest.Run r = CheckConfigTest.run("traceback", "--caller", "(202) 555-0123", "--callee",
        "+13125550100", "--from", "2026-11-28T19:00", "--to", "2026-11-28T19:59:59", "--log-dir",
        records.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("TIME (UTC)").contains("PEER").contains("SOURCE");
    assertThat(lines.get(1)).contains("2026-11-28T19:04:05.123Z").contains("carrier-a")
        .contains("198.51.100.7:5060").contains("+12025550123").contains("+13125550100")
        .contains("rejected").contains("603 Decline").contains("call-1@peer");
  }

  @Test
  void findsTheRecordsDirectoryThroughTheConfig() throws IOException {
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, "records:\n  directory: records\n");
    CheckConfigTest.Run r = CheckConfigTest.run("traceback", "--callee", "+13125550100", "--from",
        "2026-11-28T19:00:00Z", "--to", "2026-11-28T19:30:00Z", "--config", config.toString(), "--peer",
        "carrier-b", "--format", "jsonl");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).hasSize(1).allMatch(l -> l.contains("\"call_id\":\"call-3@peer\""));
  }

  @Test
  void exitsOneWhenNothingMatches() {
    CheckConfigTest.Run r = CheckConfigTest.run("traceback", "--caller", "+12025550123", "--from",
        "2026-11-28T20:00:00Z", "--to", "2026-11-28T21:00:00Z", "--log-dir", records.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("0 records; 0 files");
  }

  @Test
  void badInputExitsTwoWithTheReason() {
    CheckConfigTest.Run noNumber = CheckConfigTest.run("traceback", "--from", "2026-11-28", "--to",
        "2026-11-29", "--log-dir", records.toString());
    assertThat(noNumber.exitCode()).isEqualTo(2);
    assertThat(noNumber.err()).contains("a caller or a callee number is required");
    CheckConfigTest.Run badTime = CheckConfigTest.run("traceback", "--caller", "+12025550123", "--from",
        "noon", "--to", "2026-11-29", "--log-dir", records.toString());
    assertThat(badTime.exitCode()).isEqualTo(2);
    assertThat(badTime.err()).contains("from 'noon' is not a time");
    CheckConfigTest.Run noSource = CheckConfigTest.run("traceback", "--caller", "+12025550123", "--from",
        "2026-11-28", "--to", "2026-11-29");
    assertThat(noSource.exitCode()).isEqualTo(2);
    assertThat(noSource.err()).contains("--log-dir").contains("--config");
    CheckConfigTest.Run badFormat = CheckConfigTest.run("traceback", "--caller", "+12025550123", "--from",
        "2026-11-28", "--to", "2026-11-29", "--log-dir", records.toString(), "--format", "xml");
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).contains("--format must be table or jsonl");
  }
}
