package org.sipscreen.screening.check.velocity;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts events over the sliding windows of its {@link SlidingWindows} layout, lock-free: one
 * {@link AtomicLongArray} slot per sub-bucket, each slot packing the bucket number (high 39 bits) and its
 * count (low 24 bits), so recording is a single CAS and a slot left over from an earlier lap of the ring
 * is recognized and restarted, never cleared by a sweeper.
 *
 * <p>Error bound: with B = {@link SlidingWindows#BUCKETS_PER_WINDOW} sub-buckets of width W/B, the count
 * of window W at time t is exactly the events recorded in the current, partly elapsed sub-bucket and the
 * B - 1 before it, i.e. in an interval that contains the last (B - 1)/B·W and lies within the last W. So
 * it never counts an event older than W (a limit is never exceeded by calls outside its window) and may
 * miss only events between 0.9·W and W old. A sub-bucket saturates at 2^24 - 1 events. Events recorded
 * with a time more than a lap behind a concurrent, later recording are dropped: they are outside the
 * window anyway. Memory: 8·B bytes per window plus about 30 bytes.
 */
public final class SlidingWindowCounter {

  private static final int COUNT_BITS = 24;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
  private static final int B = SlidingWindows.BUCKETS_PER_WINDOW;

  private final SlidingWindows layout;
  private final AtomicLongArray slots;

  SlidingWindowCounter(SlidingWindows layout) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.slots = new AtomicLongArray(layout.size() * B);
  }

  /**
   * Records one event in every window.
   *
   * @param nanos the event time in nanoseconds since a fixed origin shared by all calls of this counter
   *     (negative values count as 0)
   */
  public void record(long nanos) {
    long time = Math.max(0, nanos);
    for (int w = 0; w < layout.bucketNanos.length; w++) {
      long bucket = time / layout.bucketNanos[w];
      int index = w * B + (int) (bucket % B);
      while (true) {
        long current = slots.get(index);
        long currentBucket = current >>> COUNT_BITS;
        long next;
        if (currentBucket == bucket) {
          if ((current & COUNT_MASK) == COUNT_MASK) {
            break; // saturated
          }
          next = current + 1;
        } else if (currentBucket > bucket) {
          break; // a later lap already owns the slot: this event is outside every window
        } else {
          next = bucket << COUNT_BITS | 1;
        }
        if (slots.compareAndSet(index, current, next)) {
          break;
        }
      }
    }
  }

  /**
   * The events in window {@code window} (its index in the layout) as of {@code nanos}, within the error
   * bound in the class comment.
   */
  public long count(int window, long nanos) {
    Objects.checkIndex(window, layout.bucketNanos.length);
    long bucket = Math.max(0, nanos) / layout.bucketNanos[window];
    long sum = 0;
    for (int i = window * B, end = i + B; i < end; i++) {
      long slot = slots.get(i);
      long slotBucket = slot >>> COUNT_BITS;
      if (slotBucket <= bucket && bucket - slotBucket < B) {
        sum += slot & COUNT_MASK;
      }
    }
    return sum;
  }
}
