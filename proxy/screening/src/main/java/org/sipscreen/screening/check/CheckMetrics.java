package org.sipscreen.screening.check;

import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where a check exports its own series, read at scrape time (the server backs it with Prometheus). Names
 * are full metric names ({@code sipscreen_<check>_...}); counters are given without {@code _total}.
 */
public interface CheckMetrics {

  /** A counter whose value {@code value} reads. */
  void counter(String name, String help, LongSupplier value);

  /** A gauge whose value {@code value} reads. */
  void gauge(String name, String help, java.util.function.DoubleSupplier value);

  /** A gauge with one label whose samples {@code values} reads (label value to sample). */
  void gauge(String name, String help, String label, Supplier<Map<String, Double>> values);

  /** A histogram of seconds; the returned consumer observes one duration in nanoseconds. */
  LongConsumer nanosHistogram(String name, String help, double... upperBoundsSeconds);
}
