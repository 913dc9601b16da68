package org.sipscreen.reload;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reload series: per file, whether its last reload succeeded and when that was; per list, its entries,
 * its load time and its content version; reloads by trigger and result. The {@code file} label is the
 * config key that names the file ({@code config}, {@code screening.block_list.file}: the same on every
 * machine, whatever the paths), never peer text.
 */
public final class ReloadMetrics {

  private final Gauge lastSuccess;
  private final Gauge lastTimestamp;
  private final Gauge listEntries;
  private final Gauge listLoadSeconds;
  private final Info listVersion;
  private final Counter reloads;
  private final Counter refused;
  private final Map<String, String> versions = new ConcurrentHashMap<>();

  public ReloadMetrics(PrometheusRegistry registry) {
    lastSuccess = Gauge.builder().name("sipscreen_reload_last_success")
        .help("1 if the last load of the file succeeded, 0 if it failed (the previous version runs)")
        .labelNames("file").register(registry);
    lastTimestamp = Gauge.builder().name("sipscreen_reload_last_timestamp_seconds")
        .help("When the file was last loaded or tried, in seconds since the epoch")
        .labelNames("file").register(registry);
    listEntries = Gauge.builder().name("sipscreen_list_entries")
        .help("Entries of each running number list or feed")
        .labelNames("list").register(registry);
    listLoadSeconds = Gauge.builder().name("sipscreen_list_load_seconds")
        .help("How long reading and building the running version of each list took")
        .labelNames("list").register(registry);
    listVersion = Info.builder().name("sipscreen_list_version")
        .help("The content version (a hash of the entries) of each running list")
        .labelNames("list", "version").register(registry);
    reloads = Counter.builder().name("sipscreen_reloads_total")
        .help("Reloads by trigger (start, watch, sighup, admin) and result (applied, rejected)")
        .labelNames("trigger", "result").register(registry);
    refused = Counter.builder().name("sipscreen_list_refused_total")
        .help("New versions of a list a reload refused (empty, or shrunk too far); the running one stayed")
        .labelNames("list", "reason").register(registry);
    for (String trigger : java.util.List.of("watch", "sighup", "admin")) {
      reloads.labelValues(trigger, "applied");
      reloads.labelValues(trigger, "rejected");
    }
  }

  void loaded(String file, boolean success, double epochSeconds) {
    lastSuccess.labelValues(file).set(success ? 1 : 0);
    lastTimestamp.labelValues(file).set(epochSeconds);
  }

  /** Publishes the running version of a list; the series of the version it replaces goes away. */
  void list(String list, long entries, String version, long loadMillis) {
    listEntries.labelValues(list).set(entries);
    listLoadSeconds.labelValues(list).set(loadMillis / 1000.0);
    listVersion.addLabelValues(list, version);
    String before = versions.put(list, version);
    if (before != null && !before.equals(version)) {
      listVersion.remove(list, before);
    }
  }

  void refused(String list, String reason) {
    refused.labelValues(list, reason).inc();
  }

  void reload(String trigger, boolean applied) {
    reloads.labelValues(trigger, applied ? "applied" : "rejected").inc();
  }
}
