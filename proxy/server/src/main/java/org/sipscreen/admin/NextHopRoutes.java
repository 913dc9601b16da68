package org.sipscreen.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.sipscreen.proxy.NextHopHealth;
import org.sipscreen.proxy.NextHopSet;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.proxy.StatelessProxy;

/**
 * {@code GET /admin/next-hops}: every next hop with its priority, weight and probe state, and for an address a
 * configured name resolved to, that name.
 */
public final class NextHopRoutes {

  private NextHopRoutes() {}

  public static void install(AdminApi api, StatelessProxy proxy) {
    api.route("/admin/next-hops", Set.of("GET"),
        r -> CompletableFuture.completedFuture(AdminResponse.ok(list(proxy))));
  }

  static Map<String, Object> list(StatelessProxy proxy) {
    ProxySettings settings = proxy.settings();
    NextHopSet hops = settings.nextHops();
    NextHopHealth health = proxy.health();
    List<Map<String, Object>> out = new ArrayList<>();
    for (NextHopSet.Member m : hops.members()) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("uri", m.uri());
      if (m.resolved()) {
        h.put("name", m.source()); // the configured next hop whose DNS answer gave this address
      }
      h.put("priority", m.priority());
      h.put("weight", m.weight());
      h.put("state", health.isUp(m.hop()) ? "up" : "down");
      health.state(m.hop()).ifPresent(s -> {
        h.put("last_probe", s.lastResult());
        h.put("consecutive_failures", s.failures());
        h.put("consecutive_successes", s.successes());
        if (s.changedMillis() > 0) {
          h.put("since", java.time.Instant.ofEpochMilli(s.changedMillis()).toString());
        }
      });
      out.add(h);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("probing", hops.probing().isPresent() ? "on" : "off");
    body.put("next_hops", out);
    if (!hops.names().isEmpty()) {
      List<String> names = new ArrayList<>();
      hops.names().forEach(n -> names.add(n.uri()));
      body.put("names", names);
    }
    return body;
  }
}
