package org.sipscreen.admin;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /admin/peers}: per source peer, the INVITEs by result and every check's outcomes, read from
 * the per-peer counters ({@code sipscreen_peer_invites_total}, {@code sipscreen_peer_screening_outcomes_total}).
 * Configured peers without traffic are listed with empty counts.
 */
public final class PeerStatistics {

  private PeerStatistics() {}

  public static Map<String, Object> of(PrometheusRegistry registry, Collection<String> configuredPeers) {
    Map<String, Map<String, Object>> peers = new TreeMap<>();
    for (String p : configuredPeers) {
      peer(peers, p);
    }
    for (MetricSnapshot m : registry.scrape(n -> n.equals("sipscreen_peer_invites")
        || n.equals("sipscreen_peer_screening_outcomes"))) {
      if (!(m instanceof CounterSnapshot)) {
        continue;
      }
      boolean invites = m.getMetadata().getName().equals("sipscreen_peer_invites");
      for (DataPointSnapshot dp : m.getDataPoints()) {
        Labels l = dp.getLabels();
        long value = (long) ((CounterSnapshot.CounterDataPointSnapshot) dp).getValue();
        Map<String, Object> peer = peer(peers, l.get("peer"));
        if (invites) {
          @SuppressWarnings("unchecked")
          Map<String, Long> byResult = (Map<String, Long>) peer.get("invites");
          byResult.merge(l.get("result"), value, Long::sum);
          peer.put("invites_total", (Long) peer.get("invites_total") + value);
        } else {
          @SuppressWarnings("unchecked")
          Map<String, Map<String, Long>> checks = (Map<String, Map<String, Long>>) peer.get("checks");
          checks.computeIfAbsent(l.get("check"), k -> new TreeMap<>())
              .merge(l.get("outcome"), value, Long::sum);
        }
      }
    }
    return Map.of("peers", peers);
  }

  private static Map<String, Object> peer(Map<String, Map<String, Object>> peers, String name) {
    return peers.computeIfAbsent(name, k -> {
      Map<String, Object> m = new TreeMap<>();
      m.put("invites_total", 0L);
      m.put("invites", new TreeMap<String, Long>());
      m.put("checks", new TreeMap<String, Map<String, Long>>());
      return m;
    });
  }
}
