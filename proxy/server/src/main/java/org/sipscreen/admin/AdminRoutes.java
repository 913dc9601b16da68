package org.sipscreen.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.reload.LoadedFile;
import org.sipscreen.reload.ReloadResult;
import org.sipscreen.reload.Reloader;

/**
 * The admin endpoints of the proxy itself: {@code /admin/lookup}, {@code /admin/peers},
 * {@code /admin/reload} (POST) and {@code /admin/lists}.
 */
public final class AdminRoutes {

  private AdminRoutes() {}

  public static void install(AdminApi api, StatelessProxy proxy, Reloader reloader, ProxyMetrics metrics) {
    api.route("/admin/lookup", Set.of("GET"),
        r -> ChainLookup.run(proxy.snapshot().chain(), reloader.config(), r));
    api.route("/admin/peers", Set.of("GET"), r -> CompletableFuture.completedFuture(AdminResponse.ok(
        PeerStatistics.of(metrics.registry(),
            reloader.config().peers().keySet()))));
    api.route("/admin/reload", Set.of("POST"), r -> reloader.reload("admin").thenApply(AdminRoutes::reload));
    api.route("/admin/lists", Set.of("GET"),
        r -> CompletableFuture.completedFuture(AdminResponse.ok(lists(reloader.files()))));
  }

  private static AdminResponse reload(ReloadResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("result", r.applied() ? "applied" : "rejected");
    r.error().ifPresent(e -> out.put("error", e));
    r.file().ifPresent(f -> out.put("file", f));
    out.put("needs_restart", r.needsRestart());
    List<Map<String, Object>> refused = new ArrayList<>();
    for (org.sipscreen.reload.RefusedList l : r.refusedLists()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("list", l.name());
      m.put("file", l.file().toString());
      m.put("reason", l.reason());
      m.put("running_entries", l.runningEntries());
      m.put("refused_entries", l.refusedEntries());
      refused.add(m);
    }
    out.put("refused_lists", refused);
    out.put("took_ms", r.millis());
    return new AdminResponse(r.applied() ? 200 : 422, out);
  }

  private static Map<String, Object> lists(List<LoadedFile> files) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LoadedFile f : files) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", f.name());
      m.put("file", f.path().toString());
      if (f.isList()) {
        m.put("entries", f.entries());
        m.put("version", f.contentVersion());
      }
      m.put("generation", f.generation());
      m.put("modified", f.modified().toString());
      m.put("loaded_at", f.loadedAt().toString());
      m.put("load_ms", f.loadMillis());
      out.add(m);
    }
    return Map.of("files", out);
  }
}
