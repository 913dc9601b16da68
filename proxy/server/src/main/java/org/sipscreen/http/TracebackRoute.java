package org.sipscreen.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.sipscreen.records.Traceback;
import org.sipscreen.screening.PhoneNumbers;

/**
 * {@code GET /admin/traceback?caller=&callee=&from=&to=&peer=&limit=}: runs a {@link Traceback} query on
 * its own thread (file reads never touch an event loop) and answers JSON. One query runs at a time and a
 * few wait; more get 503. Served through the admin API ({@link #install}), behind its authorization: a
 * traceback (callers, callees, peers) is no one else's business.
 */
public final class TracebackRoute implements AutoCloseable {

  public static final String PATH = "/admin/traceback";
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 100_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final java.util.function.Supplier<Path> directory;
  private final PhoneNumbers numbers;
  private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
      new ArrayBlockingQueue<>(4), r -> {
        Thread t = new Thread(r, "sipscreen-traceback");
        t.setDaemon(true);
        return t;
      });

  /** What to send: an HTTP status and a JSON body. */
  public record Answer(int status, String json) {}

  /**
   * @param directory the decision records directory
   * @param numbers how to normalize numbers in queries (the config's default country code)
   */
  public TracebackRoute(Path directory, PhoneNumbers numbers) {
    this(() -> directory, numbers);
  }

  /** @param directory the decision records directory at the time of each query (a reload may move it) */
  public TracebackRoute(java.util.function.Supplier<Path> directory, PhoneNumbers numbers) {
    this.directory = directory;
    this.numbers = numbers;
  }

  /** Serves {@link #PATH} on the admin API, which authorizes the caller first. */
  public void install(org.sipscreen.admin.AdminApi admin) {
    admin.route(PATH, java.util.Set.of("GET"), request -> answer(request.params())
        .thenApply(a -> new org.sipscreen.admin.AdminResponse(a.status(),
            new com.fasterxml.jackson.databind.util.RawValue(a.json()))));
  }

  /** Answers one authorized request with these query parameters; completes off the event loop. */
  public CompletableFuture<Answer> answer(Map<String, List<String>> params) {
    Traceback.Query query;
    try {
      String limitText = one(params, "limit");
      int limit = limitText == null ? DEFAULT_LIMIT : Integer.parseInt(limitText);
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", was " + limit);
      }
      query = Traceback.Query.parse(one(params, "caller"), one(params, "callee"), one(params, "from"),
          one(params, "to"), one(params, "peer"), limit, numbers);
    } catch (NumberFormatException e) {
      return CompletableFuture.completedFuture(error(400, "limit must be a number"));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(error(400, e.getMessage()));
    }
    try {
      return CompletableFuture.supplyAsync(() -> run(query), executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(error(503, "too many traceback queries; try again"));
    }
  }

  private Answer run(Traceback.Query query) {
    try {
      Traceback.Result r = Traceback.run(directory.get(), query);
      ObjectNode body = JSON.createObjectNode();
      ObjectNode q = body.putObject("query");
      q.put("caller", query.caller());
      q.put("callee", query.callee());
      q.put("from", query.from().toString());
      q.put("to", query.to().toString());
      q.put("peer", query.peer());
      q.put("limit", query.limit());
      body.put("count", r.records().size());
      body.put("truncated", r.truncated());
      body.put("files_scanned", r.filesScanned());
      body.put("bytes_scanned", r.bytesScanned());
      body.put("files_skipped", r.filesSkipped());
      body.put("unreadable_lines", r.unreadableLines());
      ArrayNode records = body.putArray("records");
      r.records().forEach(records::add);
      return new Answer(200, JSON.writeValueAsString(body) + "\n");
    } catch (IOException | RuntimeException e) {
      return error(500, "traceback failed: " + e.getMessage());
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

  private static Answer error(int status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    return new Answer(status, body.toString() + "\n");
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
