package org.sipscreen.records.report;

import java.util.Map;
import java.util.TreeMap;

/** Counts of one peer over one day (or over the whole report). */
final class Tally {

  long calls;
  /** By the record's {@code result}: forwarded, tagged, rejected, rejected_analytics, dropped, emergency. */
  final Map<String, long[]> results = new TreeMap<>();
  /** Blocked calls (rejected, rejected_analytics, dropped) by reason: {@code check:category}. */
  final Map<String, long[]> blockedBy = new TreeMap<>();
  /** Tagged calls by reason. */
  final Map<String, long[]> taggedBy = new TreeMap<>();
  /** Every call a check flagged, by {@code check:category}, whatever the result. */
  final Map<String, long[]> flagged = new TreeMap<>();
  /** STIR/SHAKEN: A, B, C, failed (an Identity that did not verify), unsigned. */
  final Map<String, long[]> attestation = new TreeMap<>();

  static void count(Map<String, long[]> map, String key) {
    count(map, key, 1);
  }

  static void count(Map<String, long[]> map, String key, long n) {
    long[] c = map.get(key);
    if (c == null) {
      map.put(key, new long[] {n});
    } else {
      c[0] += n;
    }
  }

  long result(String... labels) {
    long n = 0;
    for (String l : labels) {
      long[] c = results.get(l);
      n += c == null ? 0 : c[0];
    }
    return n;
  }

  long blocked() {
    return result("rejected", "rejected_analytics", "dropped");
  }

  long tagged() {
    return result("tagged");
  }

  long forwarded() {
    return result("forwarded");
  }

  void addAll(Tally other) {
    calls += other.calls;
    merge(results, other.results);
    merge(blockedBy, other.blockedBy);
    merge(taggedBy, other.taggedBy);
    merge(flagged, other.flagged);
    merge(attestation, other.attestation);
  }

  private static void merge(Map<String, long[]> into, Map<String, long[]> from) {
    from.forEach((k, v) -> count(into, k, v[0]));
  }
}
