package org.sipscreen.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.VelocityCheck;

/**
 * The heap a config needs, part by part, for sizing {@code -Xms}/{@code -Xmx} (printed by {@code
 * check-config}): what the proxy itself keeps, each check's lists and tables at their size bounds, room
 * to load the largest list again while the old one serves (a reload), the decision-record queue when full
 * and the traceback index of an open file, the caches at their bounds, and room for the garbage of calls
 * between two young collections and for the collector.
 *
 * @param parts MiB per part, in the order printed
 */
public record HeapEstimate(Map<String, Double> parts) {

  /** The proxy's own live heap after start-up (classes' data, Netty, metrics, config), rounded up. */
  static final long BASE_BYTES = 32L << 20;
  /**
   * Room for per-call garbage (about 40 KB per call) and for the collector: at least this, and at least
   * {@link #YOUNG_SHARE} of everything else, so that what stays live sits below G1's marking threshold (45 %
   * of the heap) instead of starting a marking cycle every few seconds.
   */
  static final long YOUNG_BYTES = 64L << 20;
  static final double YOUNG_SHARE = 0.6;
  /** A queued decision record: the record, its strings and its screening result, rounded up. */
  static final long RECORD_BYTES = 1024;
  /** Traceback index of the open decision file: two 8-byte hashes per record of about 512 bytes. */
  static final long INDEX_BYTES_PER_FILE_BYTE_DIVISOR = 512 / 16;
  /** Loading a list allocates about seven times its final size at its peak (loadtest/RESULTS.md). */
  static final int LOAD_PEAK_FACTOR = 7;
  /** A cached remote reputation answer: cache node, number and future. */
  static final long REPUTATION_ANSWER_BYTES = 200;
  /** A cached certificate chain (parsed X.509 certificates and key). */
  static final long CERTIFICATE_CHAIN_BYTES = 6 * 1024;

  private static final double MIB = 1024.0 * 1024.0;

  /** The estimate for {@code config} with its checks as built in {@code chain}. */
  public static HeapEstimate of(SipscreenConfig config, ScreeningChain chain) {
    Map<String, Double> parts = new LinkedHashMap<>();
    parts.put("base", BASE_BYTES / MIB);
    long allowList = chain.allowList().heapBytes();
    if (chain.allowList() != NumberList.EMPTY) {
      parts.put("allow_list", allowList / MIB);
    }
    long largestList = allowList;
    for (Check check : chain.checks()) {
      long bytes = check.heapBytes();
      if (bytes > 0) {
        parts.merge(check.name(), bytes / MIB, Double::sum);
      }
      if (!VelocityCheck.NAME.equals(check.name())) { // a table, not a list: never loaded again
        largestList = Math.max(largestList, bytes);
      }
    }
    parts.put("list_reload", (double) largestList * LOAD_PEAK_FACTOR / MIB);
    RecordsConfig records = config.records();
    if (records.enabled()) {
      parts.put("decision_records", (records.queueSize() * RECORD_BYTES
          + records.maxFileBytes() / INDEX_BYTES_PER_FILE_BYTE_DIVISOR) / MIB);
    }
    CheckConfigs.Reputation reputation = config.screening().reputation();
    if (reputation != null && reputation.url() != null) {
      long answers = reputation.maxCachedNumbers() == null ? 100_000 : reputation.maxCachedNumbers();
      parts.put("reputation_cache", answers * REPUTATION_ANSWER_BYTES / MIB);
    }
    CheckConfigs.StirShaken stir = config.screening().stirShaken();
    if (stir != null && stir.enabled()) {
      parts.put("certificate_cache", stir.cache().maximumSize() * CERTIFICATE_CHAIN_BYTES / MIB);
    }
    double rest = parts.values().stream().mapToDouble(Double::doubleValue).sum();
    parts.put("young", Math.max(YOUNG_BYTES / MIB, rest * YOUNG_SHARE));
    return new HeapEstimate(java.util.Collections.unmodifiableMap(parts));
  }

  /** The sum of the parts, rounded up to 16 MiB: the {@code -Xmx} (and {@code -Xms}) to run with. */
  public long heapMiB() {
    double total = parts.values().stream().mapToDouble(Double::doubleValue).sum();
    return (long) Math.ceil(total / 16) * 16;
  }

  /** One line: each part in MiB and the flags to run with. */
  public String describe() {
    return "heap: " + parts.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", ")) + " MiB; run with -Xms" + heapMiB() + "m -Xmx" + heapMiB() + "m";
  }
}
