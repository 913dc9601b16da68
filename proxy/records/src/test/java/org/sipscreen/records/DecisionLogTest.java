package org.sipscreen.records;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.records.TestRecords.at;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.ManualTime;

class DecisionLogTest {

  @TempDir
  Path dir;

  final ManualTime clock = new ManualTime("2026-11-28T19:00:00Z");
  final DecisionJson json = new DecisionJson();

  void append(DecisionLog log, DecisionRecord r) {
    int n = json.encode(r);
    log.append(r.timeMillis(), json.bytes(), n);
  }

  DecisionRecord call(String time, String callId) {
    return TestRecords.forwarded(at(time), callId, "+12025550123", "+13125550100", "local");
  }

  @Test
  void recordsGoToTheFileOfTheirUtcHour() throws IOException {
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock)) {
      append(log, call("2026-11-28T19:59:59.999Z", "a"));
      append(log, call("2026-11-28T20:00:00.000Z", "b"));
      // decided just before the hour turned, written after: still the 19 o'clock file
      append(log, call("2026-11-28T19:59:59.500Z", "c"));
      append(log, call("2026-11-28T21:10:00Z", "d"));
      // an hour no file is open for any more: opened again and appended to
      append(log, call("2026-11-28T19:30:00Z", "e"));
    }
    assertThat(TestRecords.names(dir)).containsExactly("decisions-2026-11-28T19.jsonl",
        "decisions-2026-11-28T20.jsonl", "decisions-2026-11-28T21.jsonl");
    assertThat(callIds(dir.resolve("decisions-2026-11-28T19.jsonl"))).containsExactly("a", "c", "e");
    assertThat(callIds(dir.resolve("decisions-2026-11-28T20.jsonl"))).containsExactly("b");
    assertThat(callIds(dir.resolve("decisions-2026-11-28T21.jsonl"))).containsExactly("d");
  }

  @Test
  void aFullFileContinuesInTheHoursNextFile() throws IOException {
    int line = json.encode(call("2026-11-28T19:00:00Z", "x"));
    try (DecisionLog log = new DecisionLog(dir, 3L * line, 24, 1L << 30, clock)) {
      for (int i = 0; i < 7; i++) {
        append(log, call("2026-11-28T19:00:0" + i + "Z", "x"));
      }
      assertThat(log.written()).as("the two full files were written, the last line is buffered")
          .isEqualTo(6);
      log.flush();
      assertThat(log.written()).isEqualTo(7);
    }
    assertThat(TestRecords.names(dir)).containsExactly("decisions-2026-11-28T19.jsonl",
        "decisions-2026-11-28T19.1.jsonl", "decisions-2026-11-28T19.2.jsonl");
    assertThat(Files.size(dir.resolve("decisions-2026-11-28T19.jsonl"))).isEqualTo(3L * line);
    assertThat(Files.size(dir.resolve("decisions-2026-11-28T19.2.jsonl"))).isEqualTo(line);
    assertThat(TestRecords.readAll(dir)).hasSize(7);
  }

  @Test
  void aRestartAppendsToTheHoursLastFile() throws IOException {
    int line = json.encode(call("2026-11-28T19:00:00Z", "x"));
    try (DecisionLog log = new DecisionLog(dir, 2L * line, 24, 1L << 30, clock)) {
      for (int i = 0; i < 3; i++) {
        append(log, call("2026-11-28T19:00:0" + i + "Z", "x"));
      }
    }
    try (DecisionLog log = new DecisionLog(dir, 2L * line, 24, 1L << 30, clock)) {
      append(log, call("2026-11-28T19:00:05Z", "y"));
      append(log, call("2026-11-28T19:00:06Z", "z"));
    }
    assertThat(TestRecords.names(dir)).containsExactly("decisions-2026-11-28T19.jsonl",
        "decisions-2026-11-28T19.1.jsonl", "decisions-2026-11-28T19.2.jsonl");
    assertThat(callIds(dir.resolve("decisions-2026-11-28T19.1.jsonl"))).containsExactly("x", "y");
    assertThat(callIds(dir.resolve("decisions-2026-11-28T19.2.jsonl"))).containsExactly("z");
  }

  @Test
  void aLineACrashCutShortIsEndedBeforeNewLines() throws IOException {
    Path file = dir.resolve("decisions-2026-11-28T19.jsonl");
    Files.writeString(file, "{\"time\":\"2026-11-28T19:00:00.000Z\",\"call_id\":\"cut");
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock)) {
      append(log, call("2026-11-28T19:00:01Z", "after"));
    }
    List<String> lines = Files.readAllLines(file, UTF_8);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).endsWith("\"cut");
    assertThat(TestRecords.JSON.readTree(lines.get(1)).get("call_id").asText()).isEqualTo("after");
  }

  @Test
  void retentionDeletesFilesOlderThanTheRetentionAge() throws IOException {
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 2, 1L << 30, clock)) {
      append(log, call("2026-11-28T16:10:00Z", "a"));
      append(log, call("2026-11-28T17:10:00Z", "b"));
      append(log, call("2026-11-28T18:10:00Z", "c"));
      append(log, call("2026-11-28T19:10:00Z", "d"));
      log.flush();
      clock.set("2026-11-28T19:30:00Z");
      log.enforceRetention();
      // 16:00-17:00 ended 2.5 h ago; 17:00-18:00 ended 1.5 h ago and is within the 2 hours.
      assertThat(TestRecords.names(dir)).containsExactly("decisions-2026-11-28T17.jsonl",
          "decisions-2026-11-28T18.jsonl", "decisions-2026-11-28T19.jsonl");
      clock.set("2026-11-28T21:00:00Z");
      append(log, call("2026-11-28T21:00:00Z", "e")); // a new file: retention runs
      assertThat(TestRecords.names(dir)).containsExactly("decisions-2026-11-28T19.jsonl",
          "decisions-2026-11-28T21.jsonl");
    }
  }

  @Test
  void retentionDeletesTheOldestFilesBeyondTheTotalSize() throws IOException {
    int line = json.encode(call("2026-11-28T19:00:00Z", "x"));
    try (DecisionLog log = new DecisionLog(dir, 2L * line, 24 * 365, 5L * line, clock)) {
      for (int i = 0; i < 9; i++) {
        append(log, call("2026-11-28T19:00:0" + i + "Z", "n" + i));
      }
      log.flush();
      log.enforceRetention();
      long total = 0;
      for (DecisionFiles.Segment s : DecisionFiles.list(dir)) {
        total += Files.size(s.path());
      }
      assertThat(total).isLessThanOrEqualTo(5L * line);
      // the newest records survive, the oldest went first
      assertThat(TestRecords.readAll(dir).stream().map(n -> n.get("call_id").asText()))
          .containsExactly("n5", "n6", "n7", "n8");
    }
  }

  @Test
  void aFileThatCannotBeOpenedLosesItsRecordsCountedAndTheLogGoesOn() throws IOException {
    // A directory where the hour's file should be: opening it fails.
    Files.createDirectories(dir.resolve("decisions-2026-11-28T19.jsonl"));
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock)) {
      append(log, call("2026-11-28T19:00:00Z", "lost"));
      append(log, call("2026-11-28T20:00:00Z", "kept"));
      log.flush();
      assertThat(log.lost()).isEqualTo(1);
      assertThat(log.written()).isEqualTo(1);
    }
    assertThat(callIds(dir.resolve("decisions-2026-11-28T20.jsonl"))).containsExactly("kept");
  }

  static List<String> callIds(Path file) throws IOException {
    return Files.readAllLines(file, UTF_8).stream()
        .map(l -> {
          try {
            return TestRecords.JSON.readTree(l).get("call_id").asText();
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }).toList();
  }
}
