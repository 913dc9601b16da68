package org.sipscreen.screening.check.velocity;

import java.time.Duration;
import java.util.Objects;

/**
 * The sequential-dialing rule: {@code count} consecutive calls from one caller, each to a called number
 * 1 to {@code maxStep} above the previous one (e.g. +12025550100, ...0101, ...0102), all within
 * {@code window}.
 *
 * @param count calls in the run that make it sequential dialing, at least 2 (config {@code count})
 * @param window the longest time from the first to the last of those calls (config {@code window_seconds})
 * @param maxStep the largest increase between two consecutive called numbers, at least 1 (config
 *     {@code max_step})
 */
public record SequentialDialing(int count, Duration window, int maxStep) {

  /** The most calls a run may need; bounds the per-caller timestamp ring. */
  public static final int MAX_COUNT = 1000;

  public SequentialDialing {
    if (count < 2 || count > MAX_COUNT) {
      throw new IllegalArgumentException(
          "sequential_dialing count must be 2-" + MAX_COUNT + ", was " + count);
    }
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("sequential_dialing window must be positive, was " + window);
    }
    if (maxStep < 1) {
      throw new IllegalArgumentException("sequential_dialing max_step must be at least 1, was " + maxStep);
    }
  }
}
