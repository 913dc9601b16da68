package org.sipscreen.screening.check.velocity;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The shared, immutable layout of a {@link SlidingWindowCounter}: which windows it counts over, each cut
 * into {@link #BUCKETS_PER_WINDOW} equal sub-buckets. See {@link SlidingWindowCounter} for the error bound.
 */
public final class SlidingWindows {

  /** Sub-buckets per window; a count may miss at most the calls of the window's oldest tenth. */
  public static final int BUCKETS_PER_WINDOW = 10;

  /** Keeps the bucket number within 39 bits for centuries of uptime (see SlidingWindowCounter). */
  public static final Duration MIN_WINDOW = Duration.ofMillis(100);

  private final List<Duration> windows;
  final long[] bucketNanos;

  /**
   * @param windows the window lengths, at least one, each at least {@link #MIN_WINDOW}, e.g. 1 s, 1 min,
   *     1 h; counters are indexed by the position in this list
   */
  public SlidingWindows(List<Duration> windows) {
    Objects.requireNonNull(windows, "windows");
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("sliding windows need at least one window");
    }
    this.windows = List.copyOf(windows);
    this.bucketNanos = new long[this.windows.size()];
    for (int i = 0; i < bucketNanos.length; i++) {
      Duration window = this.windows.get(i);
      if (window.compareTo(MIN_WINDOW) < 0) {
        throw new IllegalArgumentException(
            "a sliding window must be at least " + MIN_WINDOW.toMillis() + " ms, was " + window);
      }
      bucketNanos[i] = window.toNanos() / BUCKETS_PER_WINDOW;
    }
  }

  /** The number of windows. */
  public int size() {
    return bucketNanos.length;
  }

  public Duration window(int index) {
    return windows.get(index);
  }

  /** The longest window. */
  public Duration longest() {
    return windows.stream().max(Duration::compareTo).orElseThrow();
  }

  /** A new counter with all windows at zero. */
  public SlidingWindowCounter newCounter() {
    return new SlidingWindowCounter(this);
  }
}
