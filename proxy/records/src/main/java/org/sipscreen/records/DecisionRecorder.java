package org.sipscreen.records;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.sipscreen.screening.check.CheckConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes decision records from the event loops and writes them as JSON Lines on its own thread. {@link
 * #record} never blocks: it offers to a bounded queue and, when the queue is full (the disk cannot keep
 * up), drops the record and counts it ({@code sipscreen_decision_records_dropped_total{reason="queue_full"}})
 * so calls keep flowing. The writer thread serializes in batches and hands lines to the operating system at
 * least every {@code flushInterval}, so a kill -9 loses at most the records of the last interval;
 * {@link #close} writes everything still queued. A retransmitted INVITE that got the same treatment again
 * is written once. {@link #handOver} retires a recorder for a successor (a reload that changed
 * {@code records:}) without losing a record.
 */
public final class DecisionRecorder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DecisionRecorder.class);
  private static final int BATCH = 4096;
  /** Retransmissions arrive within 64*T1 = 32 s of the first INVITE (RFC 3261 section 17.1.1.2). */
  static final long RETRANSMISSION_WINDOW_MILLIS = 32_000;
  private static final int MAX_TRACKED_TRANSACTIONS = 100_000;

  private final BlockingQueue<Recorded> queue;
  private final DecisionLog files;
  private final Clock clock;
  private final long flushNanos;
  /** How long the writer sleeps between looks at the queue (at most; less when a flush is due sooner). */
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private final Thread writer;
  private final AtomicLong droppedQueueFull = new AtomicLong();
  private final AtomicLong droppedClosed = new AtomicLong();
  private final AtomicLong droppedError = new AtomicLong();
  private final AtomicLong retransmissions = new AtomicLong();
  private final DecisionJson json = new DecisionJson();
  private final RecentTransactions recent =
      new RecentTransactions(RETRANSMISSION_WINDOW_MILLIS, MAX_TRACKED_TRANSACTIONS);
  /** Whether the proxy stamps its calls and records their outcomes ({@link CallOutcome}). */
  private volatile boolean callOutcomes = true;
  private volatile boolean closing;
  /** Set once no thread can offer any more (after closing, every record() has left): the writer may stop. */
  private volatile boolean finishing;
  /** Where records that reach this recorder after {@link #handOver} go; null: they are dropped. */
  private volatile DecisionRecorder successor;
  /**
   * Threads inside {@link #record}: closing waits for them, so none offers to a drained queue. An exact
   * counter (a LongAdder's sum can read zero while a thread is inside).
   */
  private final java.util.concurrent.atomic.AtomicInteger entering =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Put on the queue by {@link #close} to wake the writer; never written. */
  private static final DecisionRecord WAKE_UP = new DecisionRecord(0, "", "",
      new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), "udp", null, null, null,
      null, null, null, DecisionRecord.Delivery.DROPPED, 0, null, null, null);

  /**
   * Starts the writer thread.
   *
   * @param files where the lines go
   * @param queueSize records waiting to be written; one more is dropped
   * @param flushIntervalMillis lines reach the operating system at least this often
   * @param clock stamps records ({@link #millis}) and ages files
   */
  public DecisionRecorder(DecisionLog files, int queueSize, long flushIntervalMillis, Clock clock) {
    this(files, queueSize, flushIntervalMillis, clock, true);
  }

  /** For tests: {@code start} false leaves the writer stopped until {@link #start()}, so the queue fills. */
  DecisionRecorder(DecisionLog files, int queueSize, long flushIntervalMillis, Clock clock, boolean start) {
    if (queueSize < 1) {
      throw new IllegalArgumentException("queueSize must be positive, was " + queueSize);
    }
    if (flushIntervalMillis < 1) {
      throw new IllegalArgumentException("flushIntervalMillis must be positive, was " + flushIntervalMillis);
    }
    this.files = files;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.flushNanos = TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis);
    this.clock = clock;
    this.writer = new Thread(this::run, "sipscreen-decision-records");
    writer.setDaemon(true);
    if (start) {
      writer.start();
    }
  }

  /** Starts a writer that the constructor left stopped; once. */
  synchronized void start() {
    if (writer.getState() == Thread.State.NEW) {
      writer.start();
    }
  }

  /**
   * The recorder the {@code records:} section asks for, registered in {@code registry}; null when
   * recording is off.
   *
   * @throws RecordsException when the records directory cannot be created
   */
  public static DecisionRecorder fromConfig(RecordsConfig config, Path configFile,
      PrometheusRegistry registry) throws RecordsException {
    DecisionRecorder recorder = open(config, configFile);
    if (recorder != null) {
      recorder.register(registry);
    }
    return recorder;
  }

  /**
   * The recorder the {@code records:} section asks for, not registered anywhere; null when recording is
   * off.
   *
   * @throws RecordsException when the records directory cannot be created
   */
  public static DecisionRecorder open(RecordsConfig config, Path configFile) throws RecordsException {
    return open(config, configFile, true);
  }

  /** {@code start} false: the writer waits for {@link #start()} (a successor while its predecessor drains). */
  static DecisionRecorder open(RecordsConfig config, Path configFile, boolean start) throws RecordsException {
    if (config == null) {
      log.warn("decision records: off ({}: no records: section); traceback will find nothing for calls"
          + " screened now", configFile);
      return null;
    }
    Path dir = config.directoryFor(configFile);
    DecisionLog files;
    try {
      files = new DecisionLog(dir, config.maxFileBytes(), config.retentionHours(), config.retentionBytes(),
          Clock.systemUTC());
    } catch (IOException | RuntimeException e) {
      throw new RecordsException(configFile + ": records.directory: cannot create " + dir + ": "
          + (e instanceof IOException io ? CheckConfigException.describe(io) : e.getMessage()));
    }
    DecisionRecorder recorder = new DecisionRecorder(files, config.queueSize(), config.flushIntervalMs(),
        Clock.systemUTC(), start);
    recorder.callOutcomes = config.callOutcomes();
    log.info("decision records: writing to {}", dir);
    return recorder;
  }

  /** Tells {@code listener} of each records file closed whole ({@link DecisionLog#onFileClosed}). */
  public void onFileClosed(java.util.function.Consumer<Path> listener) {
    files.onFileClosed(listener);
  }

  /** The time to stamp a record with, from the recorder's clock. */
  public boolean callOutcomes() {
    return callOutcomes;
  }

  public long millis() {
    return clock.millis();
  }

  /** Queues a record for writing; never blocks. False when it was dropped (queue full, or closed). */
  public boolean record(Recorded r) {
    entering.incrementAndGet();
    try {
      if (closing) {
        DecisionRecorder next = successor;
        if (next != null) {
          return next.record(r);
        }
        droppedClosed.incrementAndGet();
        return false;
      }
      if (!queue.offer(r)) {
        droppedQueueFull.incrementAndGet();
        return false;
      }
      return true;
    } finally {
      entering.decrementAndGet();
    }
  }

  /** Counts a record that could not even be built (a bug); the call went on. */
  public void failed() {
    droppedError.incrementAndGet();
  }

  /** Records in files (handed to the operating system). */
  /** Bytes of the records directory ({@link DecisionLog#diskBytes}). */
  public long diskBytes() {
    return files.diskBytes();
  }

  public long written() {
    return files.written();
  }

  /** Records dropped because the queue was full. */
  public long droppedQueueFull() {
    return droppedQueueFull.get();
  }

  /** Records lost to I/O errors. */
  public long droppedIoError() {
    return files.lost();
  }

  /** Retransmitted INVITEs not written again. */
  public long retransmissions() {
    return retransmissions.get();
  }

  /** Records refused because the recorder was closed (shutdown had begun). */
  public long droppedClosed() {
    return droppedClosed.get();
  }

  /** Records that could not be built. */
  public long droppedError() {
    return droppedError.get();
  }

  public int queued() {
    return queue.size();
  }

  /**
   * Registers {@code sipscreen_decision_records_written_total},
   * {@code sipscreen_decision_records_dropped_total{reason}} (queue_full, io_error, closed, error),
   * {@code sipscreen_decision_records_retransmissions_total} and
   * {@code sipscreen_decision_records_queued}.
   */
  public void register(PrometheusRegistry registry) {
    CounterWithCallback.builder().name("sipscreen_decision_records_written")
        .help("Decision records written to the records directory (handed to the operating system)")
        .callback(cb -> cb.call(written())).register(registry);
    CounterWithCallback.builder().name("sipscreen_decision_records_dropped")
        .help("Decision records lost: queue_full (the writer fell behind; calls went on), io_error,"
            + " closed (after shutdown began), error (a record could not be built)")
        .labelNames("reason")
        .callback(cb -> {
          cb.call(droppedQueueFull(), "queue_full");
          cb.call(droppedIoError(), "io_error");
          cb.call(droppedClosed.get(), "closed");
          cb.call(droppedError.get(), "error");
        }).register(registry);
    CounterWithCallback.builder().name("sipscreen_decision_records_retransmissions")
        .help("Retransmitted INVITEs that got the same treatment again and were not recorded twice")
        .callback(cb -> cb.call(retransmissions())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_decision_records_queued")
        .help("Decision records waiting for the writer thread")
        .callback(cb -> cb.call(queue.size())).register(registry);
  }

  /** Stops taking records, writes every queued one, syncs and closes the files. */
  @Override
  public void close() {
    closing = true;
    finish();
  }

  /**
   * Retires this recorder for {@code next}, which already takes new records: a record that still reaches
   * this one (a call that picked it just before the switch) goes to {@code next}; then everything queued
   * here is written and the files are synced and closed. Blocks until then: call it off the event loops.
   */
  public void handOver(DecisionRecorder next) {
    successor = java.util.Objects.requireNonNull(next, "next");
    closing = true;
    finish();
  }

  private void finish() {
    // Any thread that entered record() before closing was set may still offer: wait for it.
    while (entering.get() != 0) {
      Thread.onSpinWait();
    }
    finishing = true;
    start(); // a successor closed before its turn to write (shutdown during a switch) still writes
    // Wake the writer with a marker rather than an interrupt: an interrupt during a write would close
    // the file channel (ClosedByInterruptException). A full queue means the writer is not waiting anyway.
    queue.offer(WAKE_UP);
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      log.warn("decision records: the writer did not finish within 60 s; {} records not written",
          queue.size());
    }
  }

  private void run() {
    List<Recorded> batch = new ArrayList<>(BATCH);
    long nextFlush = System.nanoTime() + flushNanos;
    try {
      while (true) {
        if (!finishing && queue.isEmpty()) {
          // Sleep in ticks instead of waiting on the queue: a writer blocked in poll() is woken by every
          // offer, which at 1,000 calls/s is a context switch per call on the event loops' cores.
          long wait = nextFlush - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(this, Math.min(wait, TICK_NANOS));
          }
          if (Thread.currentThread().isInterrupted()) {
            break;
          }
        }
        queue.drainTo(batch, BATCH);
        for (Recorded r : batch) {
          if (r instanceof DecisionRecord d) {
            write(d);
          } else {
            write((CallOutcome) r);
          }
        }
        boolean idle = batch.isEmpty();
        batch.clear();
        if (finishing && idle && queue.isEmpty()) {
          break;
        }
        if (System.nanoTime() - nextFlush >= 0) {
          files.flush();
          nextFlush = System.nanoTime() + flushNanos;
        }
      }
    } catch (RuntimeException | Error e) {
      log.error("decision records: writer thread failed; records are no longer written", e);
    } finally {
      files.close();
      recent.clear();
    }
  }

  private void write(DecisionRecord r) {
    if (r == WAKE_UP) {
      return;
    }
    if (isRetransmission(r)) {
      retransmissions.incrementAndGet();
      return;
    }
    int n = json.encode(r);
    files.append(r.timeMillis(), json.bytes(), n, key(r.screening() == null ? null : r.screening().caller()),
        key(r.screening() == null ? null : r.screening().callee()));
  }

  /** The index key of a number as the record writes it; 0 when the record has no E.164 number. */
  private void write(CallOutcome o) {
    // A 2xx is retransmitted until its ACK, a non-2xx until its ACK, a BYE until its answer: once each.
    if (recent.seenRecently(RecentTransactions.hash(o.callId(), o.event().label(), o.status()),
        o.timeMillis())) {
      return;
    }
    int n = json.encode(o);
    files.append(o.timeMillis(), json.bytes(), n, 0, 0);
  }

  private static long key(org.sipscreen.screening.PhoneNumber n) {
    return n instanceof org.sipscreen.screening.PhoneNumber.E164 e ? RecordIndex.key(e.value()) : 0;
  }

  /**
   * Whether the same transaction got the same treatment within the retransmission window. A
   * retransmission treated differently (say, now over a velocity limit) is written: it is news.
   */
  private boolean isRetransmission(DecisionRecord r) {
    return recent.seenRecently(
        RecentTransactions.hash(r.transactionKey(), DecisionJson.resultOf(r), r.status()),
        r.timeMillis());
  }
}
