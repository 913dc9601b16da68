package org.sipscreen.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.check.stir_shaken.StirShakenCheck;

/**
 * The {@code sipscreen_stir_*} series: verifications per result, attestation and peer (from the
 * stir_shaken outcome of each screened call) and the verification time; the check's own counters (fail
 * open, lookups) are exported by its module. Label values come from the check's fixed outcome set and configured peer names.
 */
final class StirMetrics {

  /** stir_shaken outcome label → {result, attestation} label values. */
  private static final Map<String, String[]> LABELS = Map.of(
      "attestation_a", new String[] {"passed", "a"},
      "attestation_b", new String[] {"passed", "b"},
      "attestation_c", new String[] {"passed", "c"},
      "signature_failed", new String[] {"failed", "none"},
      "no_identity", new String[] {"no_identity", "none"},
      "certificate_unavailable", new String[] {"certificate_unavailable", "none"});
  private static final String[] OTHER = {"error", "none"};

  private final Counter verifications;
  private final Histogram latency;
  /** Data points by outcome label, then peer: no key is built per call. */
  private final Map<String, Map<String, CounterDataPoint>> points = new ConcurrentHashMap<>();

  StirMetrics(PrometheusRegistry registry) {
    verifications = Counter.builder().name("sipscreen_stir_verifications_total")
        .help("STIR/SHAKEN results of screened INVITEs: result (passed, failed, no_identity,"
            + " certificate_unavailable), attestation (a, b, c, none), source peer")
        .labelNames("result", "attestation", "peer").register(registry);
    latency = Histogram.builder().name("sipscreen_stir_verification_seconds")
        .help("Time to verify the Identity headers of one INVITE (claims and ES256 signatures, certificate"
            + " cached)")
        .classicUpperBounds(0.000_025, 0.000_050, 0.000_100, 0.000_200, 0.000_500, 0.001, 0.005, 0.025)
        .register(registry);
  }

  /** Counts the stir_shaken outcome of one screened call, if the check ran. */
  void screened(ScreeningResult result, String peer) {
    var outcome = result.outcomeOf(StirShakenCheck.NAME);
    if (outcome.isEmpty()) {
      return;
    }
    String label = outcome.get();
    Map<String, CounterDataPoint> byPeer = points.get(label);
    if (byPeer == null) {
      byPeer = points.computeIfAbsent(label, k -> new ConcurrentHashMap<>());
    }
    CounterDataPoint p = byPeer.get(peer);
    if (p == null) {
      String[] values = LABELS.getOrDefault(label, OTHER);
      p = byPeer.computeIfAbsent(peer, k -> verifications.labelValues(values[0], values[1], peer));
    }
    p.inc();
  }

  /** Observes one INVITE's verification time, in nanoseconds. */
  java.util.function.LongConsumer verificationTimes() {
    return nanos -> latency.observe(nanos / 1e9);
  }

  /** Creates the result series of every known outcome for each peer, at 0. */
  void startAtZero(java.util.Collection<String> peers) {
    for (Map.Entry<String, String[]> e : LABELS.entrySet()) {
      Map<String, CounterDataPoint> byPeer = points.computeIfAbsent(e.getKey(), k -> new ConcurrentHashMap<>());
      for (String peer : peers) {
        byPeer.computeIfAbsent(peer, k -> verifications.labelValues(e.getValue()[0], e.getValue()[1], peer));
      }
    }
  }
}
