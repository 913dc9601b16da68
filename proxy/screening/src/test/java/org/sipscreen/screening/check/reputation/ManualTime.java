package org.sipscreen.screening.check.reputation;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A fake clock that is also a scheduler: time stands still until {@link #advance} moves it, running the
 * tasks that fall due, in order, at their due time. Single-threaded tests only.
 */
public final class ManualTime implements Ticker, Scheduler {

  private long now = 1_000_000_000L;
  private long sequence;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>(
      Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.sequence));

  @Override
  public long read() {
    return now;
  }

  @Override
  public Future<?> schedule(Executor executor, Runnable command, long delay, TimeUnit unit) {
    Task task = new Task(now + unit.toNanos(delay), sequence++, executor, command);
    tasks.add(task);
    return task;
  }

  /** Moves time forward, running every task that falls due on the way. */
  public void advance(Duration duration) {
    long target = now + duration.toNanos();
    Task next;
    while ((next = tasks.peek()) != null && next.due <= target) {
      tasks.poll();
      now = next.due;
      if (!next.isCancelled()) {
        next.executor.execute(next.command);
        next.complete(null);
      }
    }
    now = target;
  }

  /** Scheduled tasks not yet run or cancelled. */
  public long pendingTasks() {
    return tasks.stream().filter(t -> !t.isCancelled()).count();
  }

  private static final class Task extends CompletableFuture<Void> {
    final long due;
    final long sequence;
    final Executor executor;
    final Runnable command;

    Task(long due, long sequence, Executor executor, Runnable command) {
      this.due = due;
      this.sequence = sequence;
      this.executor = executor;
      this.command = command;
    }
  }
}
