package org.sipscreen.records.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the report summary ({@link ReportScanner#summarize}) of each records file the proxy closes, on
 * one background thread, so that reports over finished hours read summaries rather than records. A summary
 * only saves time: when the queue is full the file is left out, and a report reads it (and summarizes it).
 */
public final class SummaryWriter implements Consumer<Path>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SummaryWriter.class);
  private static final int QUEUE = 64;
  private static final long SHUTDOWN_GRACE_MILLIS = 2_000;

  private final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
      new ArrayBlockingQueue<>(QUEUE), r -> {
        Thread t = new Thread(r, "sipscreen-report-summaries");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
      }, new ThreadPoolExecutor.DiscardPolicy());
  private final AtomicLong written = new AtomicLong();

  /** Queues the file to be summarized; never blocks. */
  @Override
  public void accept(Path file) {
    pool.execute(() -> {
      try {
        if (ReportScanner.summarize(file)) {
          written.incrementAndGet();
        }
      } catch (java.nio.channels.ClosedByInterruptException e) {
        log.debug("report summary of {} not written: stopped", file);
      } catch (IOException | RuntimeException e) {
        log.warn("report summary of {} not written (reports read the file instead): {}", file, e.toString());
      }
    });
  }

  /** Summaries written. */
  public long written() {
    return written.get();
  }

  /** Waits up to {@code millis} for the queued files to be summarized, then stops. */
  public void close(long millis) throws InterruptedException {
    pool.shutdown();
    pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
  }

  /** Gives the files closed at shutdown a moment to be summarized, then stops. */
  @Override
  public void close() {
    try {
      close(SHUTDOWN_GRACE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.shutdownNow();
  }
}
