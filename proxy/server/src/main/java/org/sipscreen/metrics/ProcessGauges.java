package org.sipscreen.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The state of a running proxy, read at scrape time: build, SIP listeners, open TCP connections, callers
 * the velocity check tracks, and whether a reload left a change that takes a restart.
 */
public final class ProcessGauges {

  private ProcessGauges() {}

  /**
   * @param version the running build's version, {@code commit} its git commit
   * @param listeners SIP listening sockets configured (every UDP socket of a listener counts)
   * @param listenersUp of those, the ones open now
   * @param restartPending whether the running config has a change the proxy applies only at restart
   */
  public static void register(PrometheusRegistry registry, String version, String commit,
      IntSupplier listeners, IntSupplier listenersUp,
      IntSupplier openTcpConnections, BooleanSupplier restartPending) {
    Info.builder().name("sipscreen_build_info")
        .help("The running build: version and git commit")
        .labelNames("version", "commit").register(registry)
        .addLabelValues(version, commit);
    GaugeWithCallback.builder().name("sipscreen_sip_listeners")
        .help("SIP listening sockets of the config (each UDP socket of a listener counts)")
        .callback(cb -> cb.call(listeners.getAsInt())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_sip_listeners_up")
        .help("SIP listening sockets open now; fewer than sipscreen_sip_listeners: a listener is down")
        .callback(cb -> cb.call(listenersUp.getAsInt())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_tcp_connections_open")
        .help("SIP TCP connections accepted and still open")
        .callback(cb -> cb.call(openTcpConnections.getAsInt())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_restart_pending")
        .help("1 when a reload applied everything but a change that takes a restart (sockets), else 0")
        .callback(cb -> cb.call(restartPending.getAsBoolean() ? 1 : 0)).register(registry);
  }

}
