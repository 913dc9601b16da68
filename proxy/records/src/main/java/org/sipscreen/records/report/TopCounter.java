package org.sipscreen.records.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The most frequent values of a stream in bounded memory (Space-Saving, Metwally et al. 2005): exact while
 * fewer than {@code capacity} distinct values were seen; beyond, a value's count may be overestimated by at
 * most the smallest count kept ({@link #error()}), and every value counted more often than that is kept.
 */
final class TopCounter {

  /** A value and how often it was seen. */
  record Entry(String value, long count) {}

  private final int capacity;
  private final Map<String, long[]> counts = new HashMap<>();
  private long error;

  TopCounter(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  void add(String value) {
    add(value, 1);
  }

  void add(String value, long n) {
    long[] c = counts.get(value);
    if (c != null) {
      c[0] += n;
      return;
    }
    if (counts.size() < capacity) {
      counts.put(value, new long[] {n});
      return;
    }
    // Replace the least counted value; the newcomer inherits its count (an upper bound of its own).
    String least = null;
    long min = Long.MAX_VALUE;
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      if (e.getValue()[0] < min) {
        min = e.getValue()[0];
        least = e.getKey();
      }
    }
    counts.remove(least);
    error = Math.max(error, min);
    counts.put(value, new long[] {min + n});
  }

  /** Adds every count of {@code other}. */
  void addAll(TopCounter other) {
    other.counts.forEach((v, c) -> add(v, c[0]));
    error = Math.max(error, other.error);
  }

  /** The {@code n} most counted values, most first (ties by value). */
  List<Entry> top(int n) {
    List<Entry> all = new ArrayList<>(counts.size());
    counts.forEach((v, c) -> all.add(new Entry(v, c[0])));
    all.sort(Comparator.comparingLong(Entry::count).reversed().thenComparing(Entry::value));
    return all.size() > n ? List.copyOf(all.subList(0, n)) : List.copyOf(all);
  }

  /** 0 while the counts are exact; else the most any count may be over. */
  long error() {
    return error;
  }
}
