package org.sipscreen.reload;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The reload series: per file, whether its last reload succeeded and when that was; per list, its entries;
 * reloads by trigger and result. File label values are paths from the config, never peer text.
 */
public final class ReloadMetrics {

  private final Gauge lastSuccess;
  private final Gauge lastTimestamp;
  private final Gauge listEntries;
  private final Counter reloads;

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
    reloads = Counter.builder().name("sipscreen_reloads_total")
        .help("Reloads by trigger (start, watch, sighup, admin) and result (applied, rejected)")
        .labelNames("trigger", "result").register(registry);
  }

  void loaded(String file, boolean success, double epochSeconds) {
    lastSuccess.labelValues(file).set(success ? 1 : 0);
    lastTimestamp.labelValues(file).set(epochSeconds);
  }

  void entries(String list, long entries) {
    listEntries.labelValues(list).set(entries);
  }

  void reload(String trigger, boolean applied) {
    reloads.labelValues(trigger, applied ? "applied" : "rejected").inc();
  }
}
