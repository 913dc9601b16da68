package org.sipscreen.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.sipscreen.admin.AdminResponse;
import org.sipscreen.records.Traceback;
import org.sipscreen.records.report.PeerReport;
import org.sipscreen.records.report.ReportFormats;
import org.sipscreen.records.report.ReportScanner;

/**
 * {@code GET /admin/report?from=&to=&peer=&format=json|csv|html&top=}: the per-peer report
 * ({@link ReportScanner}) on its own thread, never an event loop. One report runs at a time, reading with
 * one thread so that the proxy keeps the other cores; a couple wait, more get 503. Behind the admin API's
 * authorization.
 */
public final class ReportRoute implements AutoCloseable {

  public static final String PATH = "/admin/report";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final java.util.function.Supplier<Path> directory;
  private final java.util.function.Function<String, Map<String, String>> peerFacts;
  private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(2), r -> {
        Thread t = new Thread(r, "sipscreen-report");
        t.setDaemon(true);
        return t;
      });

  /** @param directory the decision records directory at the time of each report */
  public ReportRoute(java.util.function.Supplier<Path> directory) {
    this(directory, peer -> Map.of());
  }

  /**
   * @param peerFacts what the running config and checks know about a peer (its RMD record and standing),
   *     shown with the peer's counts
   */
  public ReportRoute(java.util.function.Supplier<Path> directory,
      java.util.function.Function<String, Map<String, String>> peerFacts) {
    this.directory = directory;
    this.peerFacts = peerFacts;
  }

  /** Serves {@link #PATH} on the admin API, which authorizes the caller first. */
  public void install(org.sipscreen.admin.AdminApi admin) {
    admin.route(PATH, java.util.Set.of("GET"), request -> answer(request.params()));
  }

  /** Answers one authorized request with these query parameters; completes off the event loop. */
  public CompletableFuture<AdminResponse> answer(Map<String, List<String>> params) {
    PeerReport.Query query;
    String format;
    try {
      format = one(params, "format");
      format = format == null ? "json" : format;
      if (!ReportFormats.NAMES.contains(format)) {
        throw new IllegalArgumentException("format must be json, csv or html, was '" + format + "'");
      }
      String from = one(params, "from");
      String to = one(params, "to");
      if (from == null || to == null) {
        throw new IllegalArgumentException("from and to are required (e.g. from=2026-11-01&to=2026-11-30)");
      }
      String topText = one(params, "top");
      String peer = one(params, "peer");
      query = new PeerReport.Query(Traceback.parseTime(from, "from"), Traceback.parseTime(to, "to"),
          peer == null || peer.isBlank() ? null : peer, topText == null ? 20 : Integer.parseInt(topText),
          PeerReport.Query.shortCallSeconds(one(params, "short_call")));
    } catch (NumberFormatException e) {
      return CompletableFuture.completedFuture(AdminResponse.error(400, "top must be a number"));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(AdminResponse.error(400, e.getMessage()));
    }
    String f = format;
    try {
      return CompletableFuture.supplyAsync(() -> run(query, f), executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(AdminResponse.error(503, "too many reports running; try again"));
    }
  }

  private AdminResponse run(PeerReport.Query query, String format) {
    try {
      PeerReport r = ReportScanner.run(directory.get(), query, 1);
      Map<String, Map<String, String>> facts = new java.util.HashMap<>();
      r.peerNames().forEach(p -> facts.put(p, peerFacts.apply(p)));
      if (format.equals("json")) {
        return AdminResponse.ok(new com.fasterxml.jackson.databind.util.RawValue(
            JSON.writeValueAsString(ReportFormats.json(r, facts))));
      }
      return AdminResponse.ok(new AdminResponse.Text(ReportFormats.contentType(format),
          ReportFormats.write(r, format, facts)));
    } catch (IOException | RuntimeException e) {
      return AdminResponse.error(500, "report failed: " + e.getMessage());
    }
  }

  private static String one(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new IllegalArgumentException(name + " is given more than once");
    }
    return values.get(0);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
