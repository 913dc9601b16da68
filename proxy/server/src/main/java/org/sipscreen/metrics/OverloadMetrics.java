package org.sipscreen.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.sipscreen.overload.OverloadControl;
import org.sipscreen.overload.OverloadPolicy;

/**
 * Overload protection's series, read from {@link OverloadControl} at scrape time, so each exists from
 * start-up whether or not the section is present: the state, the lag and the waiting checks with their
 * thresholds, and what was shed.
 */
public final class OverloadMetrics {

  private OverloadMetrics() {}

  public static void register(PrometheusRegistry registry, OverloadControl overload) {
    GaugeWithCallback.builder().name("sipscreen_overload_shedding")
        .help("1 while overload protection sheds new INVITEs, else 0")
        .callback(cb -> cb.call(overload.shedding() ? 1 : 0)).register(registry);
    GaugeWithCallback.builder().name("sipscreen_overload_enabled")
        .help("1 when the overload section is present (shedding can start), else 0")
        .callback(cb -> cb.call(overload.policy().isPresent() ? 1 : 0)).register(registry);
    GaugeWithCallback.builder().name("sipscreen_overload_event_loop_lag_seconds")
        .help("How late a task runs on the event loops, the worst loop, smoothed over about a second")
        .callback(cb -> cb.call(overload.lagSeconds())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_overload_pending_checks")
        .help("Initial INVITEs waiting for an asynchronous check now")
        .callback(cb -> cb.call(overload.pendingChecks())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_overload_lag_threshold_seconds")
        .help("overload.lag_high (bound=high: shedding starts) and lag_low (bound=low: it may end);"
            + " absent while the section is")
        .labelNames("bound")
        .callback(cb -> overload.policy().ifPresent(p -> {
          cb.call(p.lagHigh().toNanos() / 1e9, "high");
          cb.call(p.lagLow().toNanos() / 1e9, "low");
        })).register(registry);
    GaugeWithCallback.builder().name("sipscreen_overload_max_pending_checks")
        .help("overload.max_pending_checks; absent while the section is")
        .callback(cb -> overload.policy().map(OverloadPolicy::maxPendingChecks)
            .ifPresent(cb::call)).register(registry);
    CounterWithCallback.builder().name("sipscreen_overload_shed_total")
        .help("New INVITEs shed while overloaded: answered 503 (from a peer) or dropped (from a source that"
            + " is no peer's)")
        .labelNames("action")
        .callback(cb -> {
          cb.call(overload.shedAnsweredCount(), "answered_503");
          cb.call(overload.shedDroppedCount(), "dropped");
        }).register(registry);
    CounterWithCallback.builder().name("sipscreen_overload_emergency_passed_total")
        .help("Emergency INVITEs that passed while new INVITEs were shed")
        .callback(cb -> cb.call(overload.emergencyPassedCount())).register(registry);
    CounterWithCallback.builder().name("sipscreen_overload_udp_drops_total")
        .help("Datagrams the kernel dropped on the SIP UDP sockets, their receive buffers full (Linux)")
        .callback(cb -> cb.call(overload.udpDrops())).register(registry);
    CounterWithCallback.builder().name("sipscreen_overload_episodes_total")
        .help("Times shedding started")
        .callback(cb -> cb.call(overload.episodes())).register(registry);
  }
}
