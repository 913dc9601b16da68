package org.sipscreen.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sipscreen.fleet.FleetState;
import org.sipscreen.fleet.FleetView;

/**
 * {@code GET /admin/fleet}: the fleet's members as read from Redis now, each with its drift; when Redis
 * does not answer, 503 with the table as last read.
 */
public final class FleetRoute {

  private FleetRoute() {}

  public static void install(AdminApi api, FleetState fleet) {
    api.route("/admin/fleet", Set.of("GET"), r -> fleet.readView()
        .thenApply(view -> AdminResponse.ok(body(fleet, view, true)))
        .exceptionally(e -> new AdminResponse(503, body(fleet, fleet.view(), false))));
  }

  static Map<String, Object> body(FleetState fleet, FleetView view, boolean fresh) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("instance", fleet.instanceId());
    out.put("redis", fleet.up() ? "up" : "down");
    out.put("fresh", fresh);
    out.put("drifting", view.drifting());
    List<Map<String, Object>> members = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (FleetView.Row row : view.members()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", row.member().id());
      m.put("version", row.member().version());
      m.put("admin_url", row.member().adminUrl());
      m.put("config_hash", row.member().configHash());
      m.put("lists", row.member().lists());
      m.put("last_reload", row.member().lastReload());
      m.put("seen_ms_ago", Math.max(0, now - row.member().updatedMs()));
      m.put("drift", row.drift());
      members.add(m);
    }
    out.put("members", members);
    return out;
  }
}
