package org.sipscreen.screening.check.velocity;

/**
 * The exact model of a caller's dialing run that {@link CallerTable} is checked against (tests only): the
 * current run of ascending called numbers and the times of its latest calls, for the {@link
 * SequentialDialing} rule.
 */
public final class DialingRun {

  private final int capacity;
  private long lastCalled = -1;
  private long lastTime;
  private int length;
  /** Ring of the latest call times of the run, allocated once a run reaches two calls. */
  private long[] times;
  private int head;

  /** @param capacity the largest {@link SequentialDialing#count()} this run is judged against */
  public DialingRun(int capacity) {
    if (capacity < 2 || capacity > SequentialDialing.MAX_COUNT) {
      throw new IllegalArgumentException(
          "dialing run capacity must be 2-" + SequentialDialing.MAX_COUNT + ", was " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Adds a call and says whether it completes sequential dialing under {@code rule}: the last
   * {@code rule.count()} calls each went 1 to {@code rule.maxStep()} above the previous called number and
   * span at most {@code rule.window()}. Any other called number (lower, equal, too far above, or none)
   * starts a new run with this call.
   *
   * @param calledDigits the called number's E.164 digits, or a negative value when it has none
   * @param nanos the call time, on the same clock for every call
   */
  public synchronized boolean record(long calledDigits, long nanos, SequentialDialing rule) {
    if (rule.count() > capacity) {
      throw new IllegalArgumentException("sequential_dialing count " + rule.count()
          + " exceeds the run capacity " + capacity);
    }
    long step = calledDigits - lastCalled;
    if (calledDigits >= 0 && length > 0 && step >= 1 && step <= rule.maxStep()) {
      if (times == null) {
        times = new long[capacity];
        times[0] = lastTime;
        head = 0;
      }
      head = (head + 1) % capacity;
      times[head] = nanos;
      length = Math.min(length + 1, capacity);
    } else {
      length = calledDigits >= 0 ? 1 : 0;
      head = 0;
      if (times != null) {
        times[0] = nanos;
      }
    }
    lastCalled = calledDigits >= 0 ? calledDigits : -1;
    lastTime = nanos;
    if (length < rule.count()) {
      return false;
    }
    long first = times[Math.floorMod(head - (rule.count() - 1), capacity)];
    return nanos - first <= rule.window().toNanos();
  }

  /** Calls in the current run, capped at the capacity. */
  public synchronized int length() {
    return length;
  }
}
