package org.sipscreen.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.sipscreen.overload.OverloadControl;

/**
 * Measures how late a task runs on each event loop: every {@code interval} a task is scheduled on each loop,
 * and when it runs, how late it is goes to {@link OverloadControl#observeLag}. A loop that is stuck cannot
 * run its own probe, so each probe reports the largest lateness of all loops, its own and that of the
 * probes still waiting on the others.
 */
public final class EventLoopLagProbe implements AutoCloseable {

  /** How often each loop is probed: 20 small tasks a second per loop. */
  public static final Duration INTERVAL = Duration.ofMillis(50);

  private final OverloadControl control;
  private final LongSupplier nanoTime;
  private final long intervalNanos;
  /** When each loop's next probe is due ({@link System#nanoTime()}). */
  private final AtomicLongArray dueAt;
  private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();
  private volatile boolean closed;

  private EventLoopLagProbe(OverloadControl control, int loops, Duration interval, LongSupplier nanoTime) {
    this.control = control;
    this.nanoTime = nanoTime;
    this.intervalNanos = interval.toNanos();
    this.dueAt = new AtomicLongArray(loops);
  }

  /** Starts probing every loop of {@code group}. */
  public static EventLoopLagProbe start(EventLoopGroup group, OverloadControl control) {
    List<EventExecutor> loops = new ArrayList<>();
    group.iterator().forEachRemaining(loops::add);
    EventLoopLagProbe probe = new EventLoopLagProbe(control, loops.size(), INTERVAL, System::nanoTime);
    for (int i = 0; i < loops.size(); i++) {
      probe.schedule(loops.get(i), i);
    }
    return probe;
  }

  private synchronized void schedule(EventExecutor loop, int index) {
    if (closed) {
      return;
    }
    dueAt.set(index, nanoTime.getAsLong() + intervalNanos);
    scheduled.removeIf(java.util.concurrent.Future::isDone);
    scheduled.add(loop.schedule(() -> {
      ran(index);
      schedule(loop, index);
    }, intervalNanos, TimeUnit.NANOSECONDS));
  }

  /** Loop {@code index}'s probe ran: reports the largest lateness of all loops now. */
  void ran(int index) {
    long now = nanoTime.getAsLong();
    long worst = now - dueAt.get(index);
    for (int i = 0; i < dueAt.length(); i++) {
      worst = Math.max(worst, now - dueAt.get(i));
    }
    control.observeLag(worst, now);
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (ScheduledFuture<?> f : scheduled) {
      f.cancel(false);
    }
    scheduled.clear();
  }
}
