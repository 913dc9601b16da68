package org.sipscreen.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * SIP over TLS: handshakes by direction and result, certificate reloads by result, and when the proxy's
 * certificate expires. Every series exists (at 0) from start-up.
 */
public final class TlsMetrics {

  /** Results of {@code sipscreen_tls_handshakes_total}. */
  public static final List<String> RESULTS = List.of("ok", "failed", "name_mismatch", "not_tls", "timeout",
      "peer_mismatch");
  public static final List<String> DIRECTIONS = List.of("inbound", "outbound");

  private final Map<String, AtomicLong> handshakes = new LinkedHashMap<>();
  private final AtomicLong reloadsOk = new AtomicLong();
  private final AtomicLong reloadsRefused = new AtomicLong();

  public TlsMetrics() {
    for (String d : DIRECTIONS) {
      for (String r : RESULTS) {
        handshakes.put(d + "|" + r, new AtomicLong());
      }
    }
  }

  /** Registers the series; {@code notAfterSeconds} reads the expiry of the certificate in use. */
  public TlsMetrics register(PrometheusRegistry registry, LongSupplier notAfterSeconds) {
    CounterWithCallback.builder().name("sipscreen_tls_handshakes_total")
        .help("SIP TLS handshakes by direction (inbound: peers connecting, outbound: to next hops) and result:"
            + " ok, failed (refused certificate, protocol or cipher), name_mismatch (a next hop's certificate"
            + " does not carry the name or address it was configured with), not_tls (bytes that are no TLS"
            + " record),"
            + " timeout (sip.tls.handshake_timeout), peer_mismatch (the certificate is not the one"
            + " peers.<name>.tls names)")
        .labelNames("direction", "result")
        .callback(cb -> handshakes.forEach((key, value) -> {
          int bar = key.indexOf('|');
          cb.call(value.get(), key.substring(0, bar), key.substring(bar + 1));
        }))
        .register(registry);
    CounterWithCallback.builder().name("sipscreen_tls_reloads_total")
        .help("Reloads of the sip.tls files after they changed: ok, or refused (the running ones stay)")
        .labelNames("result")
        .callback(cb -> {
          cb.call(reloadsOk.get(), "ok");
          cb.call(reloadsRefused.get(), "refused");
        })
        .register(registry);
    GaugeWithCallback.builder().name("sipscreen_tls_certificate_expiry_timestamp_seconds")
        .help("When the certificate in sip.tls.certificate_file expires (Unix time)")
        .callback(cb -> cb.call(notAfterSeconds.getAsLong())).register(registry);
    return this;
  }

  /** One handshake's end: {@code direction} and {@code result} from {@link #DIRECTIONS} and {@link #RESULTS}. */
  public void handshake(String direction, String result) {
    AtomicLong counter = handshakes.get(direction + "|" + result);
    if (counter == null) {
      throw new IllegalArgumentException("no handshake series " + direction + "/" + result);
    }
    counter.incrementAndGet();
  }

  public long handshakes(String direction, String result) {
    return handshakes.get(direction + "|" + result).get();
  }

  public void reloaded(boolean ok) {
    (ok ? reloadsOk : reloadsRefused).incrementAndGet();
  }

  public long reloads(boolean ok) {
    return (ok ? reloadsOk : reloadsRefused).get();
  }
}
