package org.sipscreen.records.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The most frequent values of a stream in bounded memory: counts are exact while at most
 * {@code 2 * capacity} distinct values were seen. Beyond, the map is pruned to the {@code capacity} most
 * counted values (amortized constant time per value); a pruned value's count is lost, so a count may be
 * under by at most {@link #error()}: the sum, over the prunings, of the highest count each pruned (and, for
 * merged counters, the sum of their errors). Every value counted more than that in all is kept.
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
    if (counts.size() >= 2 * capacity) {
      prune();
    }
    counts.put(value, new long[] {n});
  }

  /** Keeps the {@code capacity} most counted values (and those tied with the last of them). */
  private void prune() {
    long[] all = new long[counts.size()];
    int i = 0;
    for (long[] c : counts.values()) {
      all[i++] = c[0];
    }
    java.util.Arrays.sort(all);
    long keepFrom = all[all.length - capacity];
    long[] pruned = {0};
    counts.values().removeIf(c -> {
      if (c[0] < keepFrom) {
        pruned[0] = Math.max(pruned[0], c[0]);
        return true;
      }
      return false;
    });
    if (counts.size() >= 2 * capacity) {
      // Everything tied: drop the ties too, or the map never shrinks.
      pruned[0] = Math.max(pruned[0], keepFrom);
      counts.values().removeIf(c -> c[0] <= keepFrom);
    }
    error += pruned[0];
  }

  /** Adds every count of {@code other}. */
  void addAll(TopCounter other) {
    other.counts.forEach((v, c) -> add(v, c[0]));
    error += other.error;
  }

  /** Adds to the error: the counts added came from a counter that was under by this much. */
  void addError(long n) {
    error += n;
  }

  /** Distinct values held. */
  int size() {
    return counts.size();
  }

  /** Every value held, with its count, in no order. */
  void forEach(java.util.function.ObjLongConsumer<String> action) {
    counts.forEach((v, c) -> action.accept(v, c[0]));
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
