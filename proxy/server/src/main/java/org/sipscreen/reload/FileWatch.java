package org.sipscreen.reload;

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
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the folders of a set of files (a {@link WatchService} per folder registration, one daemon
 * thread) and, once changes to any of those files have stopped for the debounce time, runs
 * {@code onChange} on the given executor. Editors that replace a file by renaming are seen too (the new
 * name appears). Events on other files in the same folders are ignored.
 */
public final class FileWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FileWatch.class);

  private final WatchService service;
  private final ScheduledExecutorService executor;
  private final Runnable onChange;
  private final long debounceNanos;
  private final Set<Path> registered = new HashSet<>();
  private volatile Set<Path> files = Set.of();
  private ScheduledFuture<?> pending; // guarded by this
  private final Thread thread;

  public FileWatch(ScheduledExecutorService executor, Duration debounce, Runnable onChange)
      throws IOException {
    this.service = FileSystems.getDefault().newWatchService();
    this.executor = executor;
    this.onChange = onChange;
    this.debounceNanos = debounce.toNanos();
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
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
          relevant = true;
        } else if (files.contains(dir.resolve((Path) event.context()).normalize())) {
          relevant = true;
        }
      }
      key.reset();
      if (relevant) {
        changed();
      }
    }
  }

  private synchronized void changed() {
    if (pending != null) {
      pending.cancel(false);
    }
    pending = executor.schedule(onChange, debounceNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      log.debug("closing the watch service: {}", e.toString());
    }
    thread.interrupt();
  }
}
