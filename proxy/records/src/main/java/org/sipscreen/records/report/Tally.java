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

  /** Call durations are counted per whole second up to this; the last bucket holds this and longer. */
  static final int DURATION_SECONDS = 60;

  /** Final responses to forwarded INVITEs by class: {@code 2xx} answered, {@code 3xx}-{@code 6xx} not. */
  final Map<String, long[]> finals = new TreeMap<>();
  /** BYEs of answered calls. */
  long ended;
  /** Of {@link #ended}, those whose answer was not in the same file: timed from the INVITE instead. */
  long endedFromInvite;
  /** The durations of {@link #ended} calls, summed. */
  long durationMillis;
  /** {@link #ended} calls by duration in whole seconds, 0 to {@link #DURATION_SECONDS} (and longer). */
  final long[] durationSeconds = new long[DURATION_SECONDS + 1];

  long answered() {
    long[] c = finals.get("2xx");
    return c == null ? 0 : c[0];
  }

  long unanswered() {
    long n = 0;
    for (Map.Entry<String, long[]> e : finals.entrySet()) {
      n += e.getKey().equals("2xx") ? 0 : e.getValue()[0];
    }
    return n;
  }

  /** Ended calls shorter than {@code seconds} (1 to {@link #DURATION_SECONDS}). */
  long shortCalls(int seconds) {
    long n = 0;
    for (int s = 0; s < seconds && s < durationSeconds.length; s++) {
      n += durationSeconds[s];
    }
    return n;
  }

  /** Counts the end of a call that lasted {@code millis}. */
  void ended(long millis, boolean fromInvite) {
    long m = Math.max(0, millis);
    ended++;
    endedFromInvite += fromInvite ? 1 : 0;
    durationMillis += m;
    durationSeconds[(int) Math.min(DURATION_SECONDS, m / 1000)]++;
  }

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
    merge(finals, other.finals);
    ended += other.ended;
    endedFromInvite += other.endedFromInvite;
    durationMillis += other.durationMillis;
    for (int i = 0; i < durationSeconds.length; i++) {
      durationSeconds[i] += other.durationSeconds[i];
    }
  }

  private static void merge(Map<String, long[]> into, Map<String, long[]> from) {
    from.forEach((k, v) -> count(into, k, v[0]));
  }
}
