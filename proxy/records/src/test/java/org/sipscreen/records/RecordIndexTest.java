package org.sipscreen.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.records.TestRecords.at;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.ManualTime;

/**
 * The per-file index: traceback skips the finished files whose callers (callees) do not include the
 * number, and finds exactly what a full scan finds, including in files without an index or appended to
 * after their index was written.
 */
class RecordIndexTest {

  static final String ROBO = "+12025550123";
  static final String VICTIM = "+13125550100";

  @TempDir
  Path dir;

  final ManualTime clock = new ManualTime("2026-11-28T23:00:00Z");
  final DecisionJson json = new DecisionJson();

  void append(DecisionLog log, DecisionRecord r) {
    String caller = r.screening().caller() instanceof org.sipscreen.screening.PhoneNumber.E164 e
        ? e.value() : null;
    String callee = r.screening().callee() instanceof org.sipscreen.screening.PhoneNumber.E164 e
        ? e.value() : null;
    int n = json.encode(r);
    log.append(r.timeMillis(), json.bytes(), n, caller == null ? 0 : RecordIndex.key(caller),
        callee == null ? 0 : RecordIndex.key(callee));
  }

  /** 17:00-21:59: other callers every hour; the robocaller at 17 and 19 only. */
  void generate() throws IOException {
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock)) {
      for (int h = 17; h <= 21; h++) {
        for (int m = 0; m < 60; m += 5) {
          String t = "2026-11-28T" + h + ":" + (m < 10 ? "0" : "") + m + ":00Z";
          append(log, TestRecords.forwarded(at(t), "other-" + h + m, "+1202555" + (1000 + m), VICTIM,
              "carrier-b"));
          if (h == 17 || h == 19) {
            append(log, TestRecords.rejected(at(t) + 1, "robo-" + h + m, ROBO, "+1312555" + (2000 + m),
                "carrier-a"));
          }
        }
      }
    }
  }

  Traceback.Result run(String caller, String callee) throws IOException {
    return Traceback.run(dir, new Traceback.Query(caller, callee, Instant.parse("2026-11-28T17:00:00Z"),
        Instant.parse("2026-11-28T21:59:59.999Z"), null, 10_000));
  }

  static List<String> callIds(Traceback.Result r) {
    return r.records().stream().map(n -> n.get("call_id").asText()).toList();
  }

  void deleteIndexes() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".idx")).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void closedFilesGetAnIndexAndTracebackSkipsTheFilesWithoutTheNumber() throws IOException {
    generate();
    assertThat(DecisionFiles.list(dir)).hasSize(5)
        .allSatisfy(s -> assertThat(RecordIndex.sidecar(s.path())).exists());

    Traceback.Result indexed = run(ROBO, null);
    assertThat(indexed.filesScanned()).isEqualTo(2);
    assertThat(indexed.filesSkipped()).isEqualTo(3);
    assertThat(indexed.records()).hasSize(24);

    deleteIndexes();
    Traceback.Result scanned = run(ROBO, null);
    assertThat(scanned.filesScanned()).isEqualTo(5);
    assertThat(scanned.filesSkipped()).isZero();
    assertThat(callIds(indexed)).isEqualTo(callIds(scanned));
  }

  @Test
  void calleeAndCallerPlusCalleeQueriesUseTheIndexToo() throws IOException {
    generate();
    Traceback.Result callee = run(null, "+13125552005");
    assertThat(callIds(callee)).containsExactly("robo-175", "robo-195");
    assertThat(callee.filesScanned()).isEqualTo(2);
    Traceback.Result both = run("+12025551005", VICTIM);
    assertThat(both.records()).hasSize(5);
    assertThat(both.filesScanned()).isEqualTo(5);
    Traceback.Result none = run(ROBO, VICTIM);
    assertThat(none.records()).isEmpty();
    // The index is per file and per field: 17 and 19 hold the robocaller and the victim (as someone's
    // callee), so they are read; the other three are skipped.
    assertThat(none.filesScanned()).isEqualTo(2);
  }

  @Test
  void aFileAppendedToAfterARestartLosesItsIndexAndIsScanned() throws IOException {
    generate();
    Path hour21 = DecisionFiles.list(dir).get(4).path();
    assertThat(RecordIndex.sidecar(hour21)).exists();
    // A restart in the same hour: the robocaller now calls at 21:50.
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock)) {
      append(log, TestRecords.rejected(at("2026-11-28T21:50:00.500Z"), "robo-late", ROBO, VICTIM,
          "carrier-a"));
      assertThat(RecordIndex.sidecar(hour21)).doesNotExist();
    }
    assertThat(RecordIndex.sidecar(hour21)).as("not written from its first line: no index")
        .doesNotExist();
    assertThat(callIds(run(ROBO, null))).contains("robo-late").hasSize(25);
  }

  @Test
  void anIndexThatNoLongerCoversItsFileIsIgnored() throws IOException {
    generate();
    Path hour18 = DecisionFiles.list(dir).get(1).path();
    assertThat(RecordIndex.mayContain(hour18, RecordIndex.key(ROBO), 0)).isFalse();
    DecisionRecord r = TestRecords.rejected(at("2026-11-28T18:59:00Z"), "robo-appended", ROBO, VICTIM,
        "carrier-a");
    Files.write(hour18, java.util.Arrays.copyOf(json.bytes(), json.encode(r)), StandardOpenOption.APPEND);
    assertThat(RecordIndex.mayContain(hour18, RecordIndex.key(ROBO), 0)).isTrue();
    assertThat(callIds(run(ROBO, null))).contains("robo-appended");
  }

  @Test
  void linesWrittenWithoutKeysLeaveTheirFileUnindexed() throws IOException {
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock)) {
      DecisionRecord r = TestRecords.rejected(at("2026-11-28T18:00:00Z"), "robo-1", ROBO, VICTIM, "carrier-a");
      log.append(r.timeMillis(), json.bytes(), json.encode(r));
    }
    assertThat(RecordIndex.sidecar(DecisionFiles.list(dir).get(0).path())).doesNotExist();
  }

  @Test
  void theRecorderIndexesWhatItWritesAndRetentionDeletesIndexesWithTheirFiles() throws IOException {
    DecisionRecorder recorder = new DecisionRecorder(new DecisionLog(dir, 1 << 20, 2, 1L << 30, clock), 1000,
        1000, clock);
    recorder.record(TestRecords.rejected(at("2026-11-28T22:10:00Z"), "robo-1", ROBO, VICTIM, "carrier-a"));
    recorder.record(TestRecords.forwarded(at("2026-11-28T22:20:00Z"), "o-1", "+12025559999", VICTIM,
        "carrier-b"));
    recorder.close();
    Path file = DecisionFiles.list(dir).get(0).path();
    assertThat(RecordIndex.mayContain(file, RecordIndex.key(ROBO), RecordIndex.key(VICTIM))).isTrue();
    assertThat(RecordIndex.mayContain(file, RecordIndex.key("+12025550999"), 0)).isFalse();

    clock.advanceMillis(3 * 3_600_000L);
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 2, 1L << 30, clock)) {
      log.enforceRetention();
    }
    assertThat(file).doesNotExist();
    assertThat(RecordIndex.sidecar(file)).doesNotExist();
  }
}
