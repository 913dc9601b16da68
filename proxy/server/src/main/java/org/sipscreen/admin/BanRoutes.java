package org.sipscreen.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.sipscreen.flood.BanStore;
import org.sipscreen.flood.FloodControl;
import org.sipscreen.flood.SourceKey;

/**
 * Flood control's bans: {@code GET /admin/bans} lists them, {@code DELETE /admin/bans/<address>} lifts one
 * (an IPv4 address, an IPv6 address or its /64).
 */
public final class BanRoutes {

  static final String PREFIX = "/admin/bans/";

  private BanRoutes() {}

  public static void install(AdminApi api, FloodControl flood) {
    api.route("/admin/bans", Set.of("GET"),
        r -> CompletableFuture.completedFuture(AdminResponse.ok(list(flood))));
    api.route(PREFIX, Set.of("DELETE"), r -> CompletableFuture.completedFuture(unban(flood, r)));
  }

  private static Map<String, Object> list(FloodControl flood) {
    List<Map<String, Object>> bans = new ArrayList<>();
    for (BanStore.Ban b : flood.bans().active()) {
      bans.add(describe(b));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("flood_control", flood.on() ? "on" : "off");
    out.put("bans", bans);
    return out;
  }

  private static AdminResponse unban(FloodControl flood, AdminRequest r) {
    String address = r.path().substring(PREFIX.length());
    if (address.isBlank()) {
      return AdminResponse.error(400, "give the address: DELETE /admin/bans/<address>");
    }
    long source = SourceKey.parse(address); // IllegalArgumentException: 400
    return flood.bans().unban(source)
        .map(b -> AdminResponse.ok(Map.of("unbanned", describe(b))))
        .orElseGet(() -> AdminResponse.error(404, SourceKey.text(source) + " is not banned"));
  }

  private static Map<String, Object> describe(BanStore.Ban b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", b.address());
    b.peer().ifPresent(p -> m.put("peer", p));
    m.put("since", b.since().toString());
    m.put("until", b.until().toString());
    return m;
  }
}
