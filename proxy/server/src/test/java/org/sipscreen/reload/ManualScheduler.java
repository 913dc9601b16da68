package org.sipscreen.reload;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A clock and a scheduler that move only when the test says so: {@link #advance} runs, on the test's
 * thread, every task that has come due. Thread-safe, so a watch thread may schedule while the test advances.
 */
final class ManualScheduler implements Scheduler, LongSupplier {

  private record Task(long due, Runnable command, CompletableFuture<Void> future) {}

  private long now = 1_000_000_000L;
  private final List<Task> tasks = new ArrayList<>();

  @Override
  public synchronized long getAsLong() {
    return now;
  }

  @Override
  public synchronized Future<?> schedule(Executor executor, Runnable command, long delay, TimeUnit unit) {
    Task task = new Task(now + unit.toNanos(delay), () -> executor.execute(command),
        new CompletableFuture<>());
    tasks.add(task);
    return task.future();
  }

  /** Moves the clock on by {@code d}, running each task as its moment comes, in order. */
  void advance(Duration d) {
    long until;
    synchronized (this) {
      until = now + d.toNanos();
    }
    while (true) {
      Task next = null;
      synchronized (this) {
        tasks.removeIf(t -> t.future().isCancelled());
        for (Task t : tasks) {
          if (t.due() <= until && (next == null || t.due() < next.due())) {
            next = t;
          }
        }
        if (next == null) {
          now = until;
          return;
        }
        tasks.remove(next);
        now = Math.max(now, next.due());
      }
      next.command().run();
      next.future().complete(null);
    }
  }
}
