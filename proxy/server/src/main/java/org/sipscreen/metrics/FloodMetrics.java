package org.sipscreen.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.sipscreen.flood.FloodControl;

/**
 * Flood control's series, read from {@link FloodControl} at scrape time, so each exists (at 0) from start-up
 * whether or not flood control is on: requests dropped, bans issued and in force, emergency INVITEs that
 * passed a ban, requests over a peer's total, sources tracked.
 */
public final class FloodMetrics {

  private FloodMetrics() {}

  public static void register(PrometheusRegistry registry, FloodControl flood) {
    CounterWithCallback.builder().name("sipscreen_flood_dropped_total")
        .help("Requests dropped without an answer by flood control: their source was banned or just went"
            + " over its limit")
        .callback(cb -> cb.call(flood.dropped())).register(registry);
    CounterWithCallback.builder().name("sipscreen_flood_bans_issued_total")
        .help("Sources banned by flood control for going over their limit")
        .callback(cb -> cb.call(flood.bansIssued())).register(registry);
    CounterWithCallback.builder().name("sipscreen_flood_emergency_passed_total")
        .help("Emergency INVITEs from a peer's banned address that flood control let through")
        .callback(cb -> cb.call(flood.emergencyPassed())).register(registry);
    CounterWithCallback.builder().name("sipscreen_flood_peer_excess_total")
        .help("Requests of a peer over its flood.peers.<name>.max_requests_total, dropped (no ban) unless"
            + " emergency INVITEs")
        .callback(cb -> cb.call(flood.overPeerTotal())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_flood_bans_active")
        .help("Sources banned by flood control now")
        .callback(cb -> cb.call(flood.bans().size())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_flood_sources_tracked")
        .help("Sources whose request rate flood control counted in the current or the previous window")
        .callback(cb -> cb.call(flood.sourcesTracked())).register(registry);
  }
}
