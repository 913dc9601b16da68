package org.sipscreen.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.records.TestRecords.at;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.ManualTime;

class DecisionRecorderTest {

  @TempDir
  Path dir;

  final ManualTime clock = new ManualTime("2026-11-28T19:00:00Z");

  DecisionLog log() throws IOException {
    return new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock);
  }

  DecisionRecord call(int i) {
    return TestRecords.forwarded(clock.millis() + i, "call-" + i, "+12025550123", "+13125550100", "local");
  }

  @Test
  void closeWritesEveryQueuedRecord() throws IOException {
    DecisionRecorder recorder = new DecisionRecorder(log(), 100_000, 60_000, clock);
    for (int i = 0; i < 20_000; i++) {
      assertThat(recorder.record(call(i))).isTrue();
    }
    recorder.close();
    List<JsonNode> written = TestRecords.readAll(dir);
    assertThat(written).hasSize(20_000);
    assertThat(written.get(19_999).get("call_id").asText()).isEqualTo("call-19999");
    assertThat(recorder.written()).isEqualTo(20_000);
    assertThat(recorder.droppedQueueFull()).isZero();
  }

  @Test
  void aFullQueueDropsAndCountsWithoutBlockingTheCaller() throws IOException {
    // The writer is not running: nothing leaves the queue, as when the disk cannot keep up.
    DecisionRecorder recorder = new DecisionRecorder(log(), 10, 1000, clock, false);
    PrometheusRegistry registry = new PrometheusRegistry();
    recorder.register(registry);
    int accepted = 0;
    for (int i = 0; i < 25; i++) {
      if (recorder.record(call(i))) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(10);
    assertThat(recorder.droppedQueueFull()).isEqualTo(15);
    assertThat(counter(registry, "sipscreen_decision_records_dropped", "queue_full")).isEqualTo(15);
    recorder.start();
    recorder.close();
    assertThat(TestRecords.readAll(dir)).hasSize(10);
    assertThat(counter(registry, "sipscreen_decision_records_written", null)).isEqualTo(10);
    assertThat(recorder.record(call(99))).as("closed").isFalse();
    assertThat(counter(registry, "sipscreen_decision_records_dropped", "closed")).isEqualTo(1);
  }

  @Test
  void linesReachTheFileWithinTheFlushIntervalWithoutClose() throws Exception {
    DecisionRecorder recorder = new DecisionRecorder(log(), 1000, 20, clock);
    try {
      recorder.record(call(1));
      recorder.record(call(2));
      // No close: only the periodic flush can put them in the file. Wait for that (bounded), not a guess.
      Await.until("the periodic flush writes both lines", () -> recorder.written() >= 2);
      assertThat(TestRecords.readAll(dir)).hasSize(2);
    } finally {
      recorder.close();
    }
  }

  @Test
  void aRetransmissionTreatedTheSameIsWrittenOnce() throws IOException {
    DecisionRecorder recorder = new DecisionRecorder(log(), 1000, 60_000, clock);
    long t = at("2026-11-28T19:00:00Z");
    DecisionRecord first = TestRecords.forwarded(t, "c1", "+12025550123", "+13125550100", "local");
    recorder.record(first);
    recorder.record(TestRecords.forwarded(t + 500, "c1", "+12025550123", "+13125550100", "local"));
    recorder.record(TestRecords.forwarded(t + 1500, "c1", "+12025550123", "+13125550100", "local"));
    // the same transaction rejected this time (e.g. a velocity limit): news, written
    recorder.record(TestRecords.rejected(t + 2000, "c1", "+12025550123", "+13125550100", "local"));
    // after the 32 s retransmission window the same key is a new record
    recorder.record(TestRecords.forwarded(t + 40_000, "c1", "+12025550123", "+13125550100", "local"));
    recorder.record(TestRecords.forwarded(t + 41_000, "c2", "+12025550123", "+13125550100", "local"));
    recorder.close();
    assertThat(TestRecords.readAll(dir).stream().map(n -> n.get("call_id").asText() + "/"
        + n.get("result").asText()))
        .containsExactly("c1/forwarded", "c1/rejected", "c1/forwarded", "c2/forwarded");
    assertThat(recorder.retransmissions()).isEqualTo(2);
  }

  @Test
  void rejectsBadArguments() throws IOException {
    DecisionLog files = log();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DecisionRecorder(files, 0, 10, clock))
        .hasMessage("queueSize must be positive, was 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DecisionRecorder(files, 1, 0, clock))
        .hasMessage("flushIntervalMillis must be positive, was 0");
  }

  static double counter(PrometheusRegistry registry, String name, String reason) {
    for (var m : registry.scrape(n -> n.equals(name))) {
      for (var dp : ((CounterSnapshot) m).getDataPoints()) {
        Labels l = dp.getLabels();
        if (reason == null || reason.equals(l.get("reason"))) {
          return dp.getValue();
        }
      }
    }
    throw new AssertionError("no series " + name + " " + reason);
  }
}
