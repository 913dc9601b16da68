package org.sipscreen.reload;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the folders of a set of files (a {@link WatchService} per folder registration, one daemon
 * thread) and runs {@code onChange} once changes to those files are complete. Events on other files in
 * the same folders are ignored.
 *
 * <p>When is a change complete? A file renamed into place (the watch reports it created, never written)
 * is whole the moment it appears: {@code onChange} runs once events have been quiet for the debounce. A
 * file written in place (the watch reports it modified) may be half-written while the writer pauses, so
 * {@code onChange} waits until no watched file has been written for the settle time; every write pushes
 * it back, so a writer that writes in pieces, each within the settle time of the last, is never read
 * half-way. Time comes from an injected clock and scheduler, so tests advance it instead of sleeping.
 */
public final class FileWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FileWatch.class);

  private final WatchService service;
  private final Scheduler scheduler;
  private final LongSupplier nanoTime;
  private final Runnable onChange;
  private final long debounceNanos;
  private final Set<Path> registered = new HashSet<>();
  private volatile Set<Path> files = Set.of();
  private final Thread thread;
  private final java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();

  // Guarded by this: the burst of events not yet handed to onChange.
  private long settleNanos;
  private boolean pending;
  private boolean written;
  private long lastEvent;
  private long lastWrite;
  private Future<?> timer;

  /**
   * @param scheduler runs {@code onChange} (and the timers that lead to it)
   * @param nanoTime the clock of the debounce and settle times, in nanoseconds
   * @param debounce how long events must be quiet before a renamed or deleted file is reloaded
   * @param settle how long a file written in place must stay unwritten before it is reloaded
   */
  public FileWatch(Scheduler scheduler, LongSupplier nanoTime, Duration debounce, Duration settle,
      Runnable onChange) throws IOException {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.debounceNanos = requireNotNegative(debounce, "debounce");
    this.settleNanos = requireNotNegative(settle, "settle");
    this.service = FileSystems.getDefault().newWatchService();
    this.thread = new Thread(this::run, "sipscreen-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Watches these files (absolute, normalized) from now on, instead of the ones before. */
  public synchronized void watch(Set<Path> watched) {
    for (Path f : watched) {
      Path dir = f.getParent();
      if (registered.add(dir)) {
        try {
          dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
          registered.remove(dir);
          log.warn("watch: cannot watch {} ({}); changes there need SIGHUP or POST /admin/reload", dir,
              e.toString());
        }
      }
    }
    files = Set.copyOf(watched);
  }

  /** From now on, files written in place are reloaded once unwritten for {@code settle}. */
  public synchronized void settle(Duration settle) {
    this.settleNanos = requireNotNegative(settle, "settle");
    if (pending) {
      schedule();
    }
  }

  /** How many events on watched files the watch has seen (for tests that wait for the watch). */
  long events() {
    return events.get();
  }

  private void run() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      Path dir = (Path) key.watchable();
      boolean relevant = false;
      boolean write = false;
      for (WatchEvent<?> event : key.pollEvents()) {
        // An overflow lost events: count it as a write, the cautious reading.
        boolean overflow = event.kind() == StandardWatchEventKinds.OVERFLOW;
        if (overflow || files.contains(dir.resolve((Path) event.context()).normalize())) {
          relevant = true;
          write |= overflow || event.kind() == StandardWatchEventKinds.ENTRY_MODIFY;
        }
      }
      key.reset();
      if (relevant) {
        changed(write);
      }
    }
  }

  /**
   * A watched file changed now: {@code write} when it was written in place (or events were lost), false
   * when it was created by a rename or deleted.
   */
  synchronized void changed(boolean write) {
    long now = nanoTime.getAsLong();
    pending = true;
    lastEvent = now;
    if (write) {
      written = true;
      lastWrite = now;
    }
    events.incrementAndGet();
    schedule();
  }

  /** (Re)arms the timer for the moment the pending burst is complete; caller holds the lock. */
  private void schedule() {
    if (timer != null) {
      timer.cancel(false);
    }
    long delay = Math.max(0, due() - nanoTime.getAsLong());
    timer = scheduler.schedule(Runnable::run, this::fire, delay, TimeUnit.NANOSECONDS);
  }

  private long due() {
    long due = lastEvent + debounceNanos;
    return written ? Math.max(due, lastWrite + settleNanos) : due;
  }

  private void fire() {
    synchronized (this) {
      if (!pending) {
        return;
      }
      if (nanoTime.getAsLong() - due() < 0) {
        schedule(); // a later event moved the moment on
        return;
      }
      pending = false;
      written = false;
      timer = null;
    }
    onChange.run();
  }

  private static long requireNotNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
    return d.toNanos();
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      log.debug("closing the watch service: {}", e.toString());
    }
    thread.interrupt();
    synchronized (this) {
      if (timer != null) {
        timer.cancel(false);
      }
      pending = false;
    }
  }
}
