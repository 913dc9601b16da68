package org.sipscreen.records;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

/**
 * The decision recorder in use (none when records are off), replaced when a reload changes the
 * {@code records:} section. The new recorder takes records from the moment it is swapped in; the old one
 * forwards any record that still reaches it, writes what it has queued and closes
 * ({@link DecisionRecorder#handOver}), so no record is lost at the switch; only then does the new one
 * start writing, so two writers never share a file. The decision-record series are
 * registered once and count every recorder that ran.
 */
public final class LiveRecorder implements AutoCloseable {

  /** What runs now: the recorder in use, one being retired (still counting), the counts of retired ones. */
  private record State(DecisionRecorder current, DecisionRecorder retiring, Counts retired) {}

  /** Counts of recorders that have finished. */
  private record Counts(long written, long queueFull, long ioError, long closed, long error,
      long retransmissions) {

    static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);

    Counts plus(DecisionRecorder r) {
      return new Counts(written + r.written(), queueFull + r.droppedQueueFull(), ioError + r.droppedIoError(),
          closed + r.droppedClosed(), error + r.droppedError(), retransmissions + r.retransmissions());
    }
  }

  private final PrometheusRegistry registry;
  private volatile State state = new State(null, null, Counts.ZERO);
  private RecordsConfig config;
  private Path directory;
  private boolean registered;
  private java.util.function.Consumer<Path> onFileClosed;

  /** @param registry where the series go once a recorder runs; null registers nothing */
  public LiveRecorder(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /** A recorder that is never replaced (or none, for null); registers nothing. */
  public static LiveRecorder of(DecisionRecorder recorder) {
    LiveRecorder live = new LiveRecorder(null);
    live.state = new State(recorder, null, Counts.ZERO);
    return live;
  }

  /**
   * Tells {@code listener} of each records file closed whole by the recorders prepared from now on
   * ({@link DecisionLog#onFileClosed}).
   */
  public synchronized void onFileClosed(java.util.function.Consumer<Path> listener) {
    this.onFileClosed = listener;
  }

  /** The recorder to offer a record to; null when records are off. */
  public DecisionRecorder current() {
    return state.current();
  }

  /** The records directory of the running config (where traceback looks), null before the first switch. */
  public synchronized Path directory() {
    return directory;
  }

  /**
   * Opens what {@code next} asks for, without using it yet: a change to apply with {@link Change#apply},
   * or to drop with {@link Change#discard} if the rest of the reload fails. No change when {@code next}
   * equals the running section and directory; null is no {@code records:} section (records off).
   *
   * @throws RecordsException when the records directory cannot be created (the running recorder stays)
   */
  public synchronized Change prepare(RecordsConfig next, Path configFile) throws RecordsException {
    // With records off (no section), traceback still reads the default directory's old records.
    Path dir = (next == null ? RecordsConfig.DEFAULTS : next).directoryFor(configFile);
    if (java.util.Objects.equals(next, config) && dir.equals(directory)) {
      return Change.NONE;
    }
    DecisionRecorder made = DecisionRecorder.open(next, configFile, false);
    if (made != null && onFileClosed != null) {
      made.onFileClosed(onFileClosed);
    }
    return new Change(this, next, dir, made);
  }

  /** A prepared switch to another recorder (or to none). */
  public static final class Change {

    static final Change NONE = new Change(null, null, null, null);

    private final LiveRecorder live;
    private final RecordsConfig config;
    private final Path directory;
    private final DecisionRecorder recorder;

    private Change(LiveRecorder live, RecordsConfig config, Path directory, DecisionRecorder recorder) {
      this.live = live;
      this.config = config;
      this.directory = directory;
      this.recorder = recorder;
    }

    /** Swaps the new recorder in, then retires the old one (blocks while it writes its queue). */
    public void apply() {
      if (live != null) {
        live.switchTo(config, directory, recorder);
      }
    }

    /** Closes the recorder that was opened but will not be used. */
    public void discard() {
      if (recorder != null) {
        recorder.close();
      }
    }
  }

  private synchronized void switchTo(RecordsConfig next, Path dir, DecisionRecorder made) {
    config = next;
    directory = dir;
    State before = state;
    if (made != null) {
      register();
    }
    DecisionRecorder old = before.current();
    state = new State(made, old, before.retired());
    if (old != null) {
      if (made != null) {
        old.handOver(made);
      } else {
        old.close(); // records turned off: what is queued is still written
      }
      state = new State(made, null, before.retired().plus(old));
    }
    if (made != null) {
      made.start();
    }
  }

  private void register() {
    if (registered || registry == null) {
      return;
    }
    registered = true;
    CounterWithCallback.builder().name("sipscreen_decision_records_written")
        .help("Decision records written to the records directory (handed to the operating system)")
        .callback(cb -> cb.call(sum(Counts::written, DecisionRecorder::written))).register(registry);
    CounterWithCallback.builder().name("sipscreen_decision_records_dropped")
        .help("Decision records lost: queue_full (the writer fell behind; calls went on), io_error,"
            + " closed (after shutdown began), error (a record could not be built)")
        .labelNames("reason")
        .callback(cb -> {
          cb.call(sum(Counts::queueFull, DecisionRecorder::droppedQueueFull), "queue_full");
          cb.call(sum(Counts::ioError, DecisionRecorder::droppedIoError), "io_error");
          cb.call(sum(Counts::closed, DecisionRecorder::droppedClosed), "closed");
          cb.call(sum(Counts::error, DecisionRecorder::droppedError), "error");
        }).register(registry);
    CounterWithCallback.builder().name("sipscreen_decision_records_retransmissions")
        .help("Retransmitted INVITEs that got the same treatment again and were not recorded twice")
        .callback(cb -> cb.call(sum(Counts::retransmissions, DecisionRecorder::retransmissions)))
        .register(registry);
    GaugeWithCallback.builder().name("sipscreen_decision_records_disk_bytes")
        .help("Bytes of the decision record files in the records directory of the running config (measured at least once a minute)")
        .callback(cb -> {
          State s = state;
          cb.call(s.current() == null ? 0 : s.current().diskBytes());
        }).register(registry);
    GaugeWithCallback.builder().name("sipscreen_decision_records_queued")
        .help("Decision records waiting for the writer thread")
        .callback(cb -> {
          State s = state;
          cb.call((s.current() == null ? 0 : s.current().queued())
              + (s.retiring() == null ? 0 : s.retiring().queued()));
        }).register(registry);
  }

  /** One series over all recorders: read from one state, so a switch never counts a recorder twice. */
  private long sum(ToLongFunction<Counts> retired, ToLongFunction<DecisionRecorder> running) {
    State s = state;
    return retired.applyAsLong(s.retired())
        + (s.current() == null ? 0 : running.applyAsLong(s.current()))
        + (s.retiring() == null ? 0 : running.applyAsLong(s.retiring()));
  }

  /** Writes what is queued and closes the recorder in use (at shutdown). */
  @Override
  public void close() {
    DecisionRecorder r = state.current();
    if (r != null) {
      r.close();
    }
  }
}
