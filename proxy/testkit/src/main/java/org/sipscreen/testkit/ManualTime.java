package org.sipscreen.testkit;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The one fake time of the tests: a {@link Clock}, a Caffeine {@link Ticker} and a Caffeine {@link
 * Scheduler} that all read the same time, which stands still until {@link #advance} (or {@link #set})
 * moves it, running the tasks that fall due, in order, at their due time. The ticker starts at 1 s; the
 * clock at the instant given (UTC). Thread-safe: other threads may read it and schedule on it while the
 * test moves it; tasks run on the advancing thread through their executor.
 */
public final class ManualTime extends Clock implements Ticker, Scheduler {

  private static final long START_NANOS = 1_000_000_000L;

  private final Instant start;
  private volatile long now = START_NANOS;
  private long sequence;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>(
      Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.sequence));

  /** Time starting at {@link TestPki#NOW}. */
  public ManualTime() {
    this(TestPki.NOW);
  }

  /** Time starting at {@code start} (ISO-8601, e.g. {@code 2026-11-28T19:00:00Z}). */
  public ManualTime(String start) {
    this(Instant.parse(start));
  }

  public ManualTime(Instant start) {
    this.start = start;
  }

  @Override
  public long read() {
    return now;
  }

  @Override
  public Future<?> schedule(Executor executor, Runnable command, long delay, TimeUnit unit) {
    synchronized (tasks) {
      Task task = new Task(now + unit.toNanos(delay), sequence++, executor, command);
      tasks.add(task);
      return task;
    }
  }

  /** Moves time forward, running every task that falls due on the way. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time only moves forward: " + duration);
    }
    long target = now + duration.toNanos();
    while (true) {
      Task next;
      synchronized (tasks) {
        next = tasks.peek();
        if (next == null || next.due > target) {
          break;
        }
        tasks.poll();
        now = next.due;
      }
      if (!next.isCancelled()) {
        next.executor.execute(next.command);
        next.complete(null);
      }
    }
    now = target;
  }

  /** {@link #advance} by {@code millis} milliseconds. */
  public void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }

  /** Moves time forward to {@code instant} (ISO-8601), running the tasks due on the way. */
  public void set(String instant) {
    set(Instant.parse(instant));
  }

  /** Moves time forward to {@code instant}, running the tasks due on the way. */
  public void set(Instant instant) {
    advance(Duration.between(instant(), instant));
  }

  /** Scheduled tasks not yet run or cancelled. */
  public long pendingTasks() {
    synchronized (tasks) {
      return tasks.stream().filter(t -> !t.isCancelled()).count();
    }
  }

  @Override
  public Instant instant() {
    return start.plusNanos(now - START_NANOS);
  }

  @Override
  public long millis() {
    return instant().toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** The same time (the zone is always UTC). */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
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
