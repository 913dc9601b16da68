package org.sipscreen.stir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.sipscreen.testkit.TestPki;

/**
 * A certificate repository stub on 127.0.0.1 (JDK HTTP server), HTTPS with a test-generated self-signed
 * certificate for {@code localhost}, or plain HTTP. Paths answer what {@link #serve} set; unknown paths 404.
 */
public final class CertificateStub implements AutoCloseable {

  /** What one path answers. {@code hold}: wait for {@link #release} first; {@code chunked}: no length. */
  public record Answer(int status, byte[] body, String location, boolean hold, boolean chunked) {
    public static Answer pem(String pem) {
      return new Answer(200, pem.getBytes(StandardCharsets.US_ASCII), null, false, false);
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  /** Every request as "METHOD path accept=..." in arrival order. */
  public final List<String> requests = new CopyOnWriteArrayList<>();
  private final Path caFile;

  private CertificateStub(HttpServer server, Path caFile) {
    this.server = server;
    this.caFile = caFile;
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** An HTTPS stub; its self-signed certificate (for "localhost") is written to {@code caFile}. */
  public static CertificateStub https(Path caFile) throws IOException {
    TestPki.Issued tls = TestPki.localhostServer();
    Files.writeString(caFile, tls.pem());
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(TestPki.serverContext(tls)));
    return new CertificateStub(server, caFile);
  }

  /** A plain HTTP stub. */
  public static CertificateStub http() throws IOException {
    return new CertificateStub(
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), null);
  }

  public void serve(String path, Answer answer) {
    answers.put(path, answer);
  }

  /** Lets held requests answer. */
  public void release() {
    release.countDown();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The CA file that makes the HTTPS stub trusted. */
  public Path caFile() {
    return caFile;
  }

  /** {@code https://localhost:<port><path>} (or http://). */
  public String url(String path) {
    return (server instanceof HttpsServer ? "https" : "http") + "://localhost:" + port() + path;
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI()
        + " accept=" + exchange.getRequestHeaders().getFirst("Accept"));
    Answer answer = answers.getOrDefault(exchange.getRequestURI().getPath(),
        new Answer(404, new byte[0], null, false, false));
    if (answer.hold()) {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    exchange.getResponseHeaders().set("Content-Type", "application/pem-certificate-chain");
    if (answer.location() != null) {
      exchange.getResponseHeaders().set("Location", answer.location());
    }
    long length = answer.chunked() ? 0 : answer.body().length == 0 ? -1 : answer.body().length;
    try {
      exchange.sendResponseHeaders(answer.status(), length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    } catch (IOException e) {
      // the client hung up (too large, timeout): expected in some tests
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
