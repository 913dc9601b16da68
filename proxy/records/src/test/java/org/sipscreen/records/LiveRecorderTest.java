package org.sipscreen.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.ManualTime;

/**
 * Switching the decision recorder (a reload that changed {@code records:}): records go to the new
 * directory from the switch on, none is lost while calls keep coming, and the counters cover both.
 */
class LiveRecorderTest {

  @TempDir
  Path dir;

  final ManualTime clock = new ManualTime("2026-11-28T19:00:00Z");
  final PrometheusRegistry registry = new PrometheusRegistry();

  Path configFile() {
    return dir.resolve("sipscreen.yaml");
  }

  static RecordsConfig records(String directory) {
    return new RecordsConfig(directory, java.time.Duration.ofMillis(20), 1_000_000, null, null, null, null, null);
  }

  DecisionRecord call(int i) {
    return TestRecords.forwarded(clock.millis() + i, "call-" + i, "+12025550123", "+13125550100", "local");
  }

  double written() {
    for (var m : registry.scrape(n -> n.equals("sipscreen_decision_records_written"))) {
      return ((CounterSnapshot.CounterDataPointSnapshot) m.getDataPoints().get(0)).getValue();
    }
    return Double.NaN;
  }

  @Test
  void unchangedSectionIsNoChange() throws Exception {
    LiveRecorder live = new LiveRecorder(registry);
    live.prepare(records("a"), configFile()).apply();
    DecisionRecorder running = live.current();
    live.prepare(records("a"), configFile()).apply();
    assertThat(live.current()).isSameAs(running);
    live.close();
  }

  @Test
  void aRecordThatReachesTheOldRecorderAfterTheSwitchIsWrittenByTheNewOne() throws Exception {
    LiveRecorder live = new LiveRecorder(registry);
    live.prepare(records("a"), configFile()).apply();
    DecisionRecorder old = live.current();
    assertThat(old.record(call(1))).isTrue();

    live.prepare(records("b"), configFile()).apply();
    // A call that picked the old recorder just before the switch offers to it after the switch.
    assertThat(old.record(call(2))).isTrue();
    assertThat(live.current().record(call(3))).isTrue();
    live.close();

    assertThat(TestRecords.readAll(dir.resolve("a"))).extracting(n -> n.get("call_id").asText())
        .containsExactly("call-1");
    assertThat(TestRecords.readAll(dir.resolve("b"))).extracting(n -> n.get("call_id").asText())
        .containsExactly("call-2", "call-3");
    assertThat(live.directory()).isEqualTo(dir.resolve("b"));
    assertThat(written()).isEqualTo(3);
    assertThat(old.droppedClosed()).isZero();
  }

  @Test
  void noRecordIsLostWhileCallsKeepComingDuringSwitches() throws Exception {
    LiveRecorder live = new LiveRecorder(registry);
    live.prepare(records("r0"), configFile()).apply();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger attempted = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      Thread caller = new Thread(() -> {
        while (!stop.get()) {
          if (live.current().record(call(attempted.getAndIncrement()))) {
            accepted.incrementAndGet();
          }
          LockSupport.parkNanos(10_000); // calls keep arriving while the switches happen
        }
      });
      caller.start();
      callers.add(caller);
    }
    for (int i = 1; i <= 6; i++) {
      int seen = attempted.get();
      while (attempted.get() < seen + 2_000) {
        Thread.onSpinWait();
      }
      if (i <= 5) {
        live.prepare(records("r" + i), configFile()).apply();
      }
    }
    stop.set(true);
    for (Thread caller : callers) {
      caller.join();
    }
    live.close();

    Set<String> ids = new HashSet<>();
    int lines = 0;
    for (int i = 0; i <= 5; i++) {
      for (JsonNode n : TestRecords.readAll(dir.resolve("r" + i))) {
        ids.add(n.get("call_id").asText());
        lines++;
      }
      assertThat(TestRecords.readAll(dir.resolve("r" + i))).as("records in r" + i).isNotEmpty();
    }
    // The queue (1,000,000) never fills here, so every offer must be accepted and written, once.
    assertThat(accepted.get()).isEqualTo(attempted.get());
    assertThat(lines).isEqualTo(accepted.get());
    assertThat(ids).hasSize(lines);
    assertThat(written()).isEqualTo(lines);
  }

  @Test
  void turningRecordsOffWritesWhatWasQueuedAndRecordsNothingMore() throws Exception {
    LiveRecorder live = new LiveRecorder(registry);
    live.prepare(records("a"), configFile()).apply();
    live.current().record(call(1));
    live.prepare(null, configFile()).apply(); // no records: section
    assertThat(live.current()).isNull();
    assertThat(TestRecords.readAll(dir.resolve("a"))).hasSize(1);
    assertThat(written()).isEqualTo(1);
    live.close();
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsAConfigErrorAndTheRunningRecorderStays() throws Exception {
    LiveRecorder live = new LiveRecorder(registry);
    live.prepare(records("a"), configFile()).apply();
    DecisionRecorder running = live.current();
    Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> live.prepare(records("not-a-dir/records"), configFile()))
        .isInstanceOf(RecordsException.class).hasMessageContaining("records.directory");
    assertThat(live.current()).isSameAs(running);
    live.close();
  }
}
