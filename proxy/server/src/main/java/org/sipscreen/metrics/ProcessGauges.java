package org.sipscreen.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.sipscreen.BuildInfo;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.VelocityCheck;

/**
 * The state of a running proxy, read at scrape time: build, SIP listeners, open TCP connections, callers
 * the velocity check tracks, and whether a reload left a change that takes a restart.
 */
public final class ProcessGauges {

  private ProcessGauges() {}

  /**
   * @param listeners SIP listening sockets configured (every UDP socket of a listener counts)
   * @param listenersUp of those, the ones open now
   * @param chain the running screening chain
   * @param restartPending whether the running config has a change the proxy applies only at restart
   */
  public static void register(PrometheusRegistry registry, IntSupplier listeners, IntSupplier listenersUp,
      IntSupplier openTcpConnections, Supplier<ScreeningChain> chain, BooleanSupplier restartPending) {
    Info.builder().name("sipscreen_build_info")
        .help("The running build: version and git commit")
        .labelNames("version", "commit").register(registry)
        .addLabelValues(BuildInfo.version(), BuildInfo.commit());
    GaugeWithCallback.builder().name("sipscreen_sip_listeners")
        .help("SIP listening sockets of the config (each UDP socket of a listener counts)")
        .callback(cb -> cb.call(listeners.getAsInt())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_sip_listeners_up")
        .help("SIP listening sockets open now; fewer than sipscreen_sip_listeners: a listener is down")
        .callback(cb -> cb.call(listenersUp.getAsInt())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_tcp_connections_open")
        .help("SIP TCP connections accepted and still open")
        .callback(cb -> cb.call(openTcpConnections.getAsInt())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_velocity_tracked_numbers")
        .help("Calling numbers the velocity check keeps windows for (at most max_tracked_numbers); 0"
            + " without the check")
        .callback(cb -> cb.call(trackedCallers(chain.get()))).register(registry);
    GaugeWithCallback.builder().name("sipscreen_restart_pending")
        .help("1 when a reload applied everything but a change that takes a restart (sockets), else 0")
        .callback(cb -> cb.call(restartPending.getAsBoolean() ? 1 : 0)).register(registry);
  }

  private static long trackedCallers(ScreeningChain chain) {
    for (Check c : chain.checks()) {
      if (c instanceof VelocityCheck v) {
        return v.trackedCallers();
      }
    }
    return 0;
  }
}
