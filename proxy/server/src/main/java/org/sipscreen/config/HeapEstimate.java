package org.sipscreen.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.records.RecordsConfig;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.chain.Installed;
import org.sipscreen.screening.chain.InstalledChain;

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

  /**
   * The proxy's own live heap after start-up (classes' data, Netty, metrics, config, the transaction
   * memory at its default size), rounded up.
   */
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
  private static final double MIB = 1024.0 * 1024.0;

  /** The estimate for {@code config} with its checks as built in {@code chain}. */
  public static HeapEstimate of(SipscreenConfig config, InstalledChain chain) {
    Map<String, Double> parts = new LinkedHashMap<>();
    parts.put("base", BASE_BYTES / MIB);
    long transactions = config.sip().limits().transactionMemoryBytes()
        - ProxySettings.Limits.DEFAULT.transactionMemoryBytes();
    if (transactions > 0) {
      parts.put("transaction_memory", transactions / MIB);
    }
    NumberList allow = chain.chain().allowList();
    long allowList = allow.heapBytes();
    if (allow != NumberList.EMPTY) {
      parts.put("allow_list", allowList / MIB);
    }
    long largestList = allowList;
    for (Installed<?, ?> installed : chain.installed()) {
      long bytes = installed.check().heapBytes();
      if (bytes > 0) {
        parts.merge(installed.check().name(), bytes / MIB, Double::sum);
      }
      if (!installed.lists().isEmpty()) { // loaded again on a reload, beside the running one
        largestList = Math.max(largestList, bytes);
      }
    }
    parts.put("list_reload", (double) largestList * LOAD_PEAK_FACTOR / MIB);
    RecordsConfig records = config.records();
    if (records != null) {
      parts.put("decision_records", (records.queueSize() * RECORD_BYTES
          + records.maxFileBytes() / INDEX_BYTES_PER_FILE_BYTE_DIVISOR) / MIB);
    }
    if (config.floodOn()) {
      parts.put("flood", config.flood().heapBytes() / MIB);
    }
    for (Installed<?, ?> installed : chain.installed()) {
      long bytes = installed.cacheBytes();
      if (bytes > 0) {
        parts.merge(installed.name() + "_cache", bytes / MIB, Double::sum);
      }
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
