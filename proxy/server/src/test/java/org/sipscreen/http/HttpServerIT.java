package org.sipscreen.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sipscreen.admin.AdminApi;
import org.sipscreen.admin.AdminResponse;
import org.sipscreen.config.AdminAuth;

/**
 * The operations port over real sockets, as a hostile client meets it: malformed requests are refused
 * (400/431) instead of served, a slow header closes the connection, and a wrong bearer token is refused on
 * loopback whether or not the API has a token.
 */
@Timeout(60)
class HttpServerIT {

  static final String TOKEN = "0123456789abcdef-token";

  HttpServer server;

  HttpServer start(AdminAuth auth, Duration requestTimeout) throws Exception {
    AdminApi admin = new AdminApi(() -> auth).route("/admin/ping", Set.of("GET"),
        r -> CompletableFuture.completedFuture(new AdminResponse(200, java.util.Map.of("pong", true))));
    server = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), new PrometheusRegistry(), () -> true,
        () -> new Readiness(true, "ready\n"), admin,
        new HttpLimits(16, Duration.ofSeconds(60), requestTimeout, 8192, 100));
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Sends {@code request} and reads until the server closes or the answer is complete enough. */
  String exchange(String request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(server.localAddress(), 5000);
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request.getBytes(ISO_8859_1));
        out.flush();
      } catch (SocketException closedWhileWriting) {
        // The server may answer and close before a large request is written whole.
      }
      return readAnswer(s.getInputStream());
    }
  }

  static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        got.write(buf, 0, n);
        String text = got.toString(ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end >= 0 && text.contains("content-length: ")) {
          int cl = Integer.parseInt(text.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
          if (got.size() >= end + 4 + cl) {
            break;
          }
        }
      }
    } catch (SocketException reset) {
      // The server closed after answering; what arrived is the answer.
    }
    return got.toString(ISO_8859_1);
  }

  @Test
  void refusesA100KilobyteHeaderWith431() throws Exception {
    start(AdminAuth.OPEN, Duration.ofSeconds(10));
    String answer = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 431 ").doesNotContain("# TYPE");
  }

  @Test
  void refuses5000HeadersWith431() throws Exception {
    start(AdminAuth.OPEN, Duration.ofSeconds(10));
    String answer = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n" + "X-H: v\r\n".repeat(5000) + "\r\n");
    assertThat(answer).startsWith("HTTP/1.1 431 ");
  }

  @Test
  void refusesADoubleContentLengthWith400() throws Exception {
    start(AdminAuth.OPEN, Duration.ofSeconds(10));
    String answer = exchange("POST /admin/ping HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n"
        + "\r\n{}");
    assertThat(answer).startsWith("HTTP/1.1 400 ");
  }

  @Test
  void closesAConnectionWhoseHeadersTrickle() throws Exception {
    start(AdminAuth.OPEN, Duration.ofMillis(500));
    try (Socket s = new Socket()) {
      s.connect(server.localAddress(), 5000);
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(ISO_8859_1));
      out.flush();
      // Keep trickling until the server gives up on the request; it must, whatever the pace.
      boolean closed = false;
      InputStream in = s.getInputStream();
      s.setSoTimeout(200);
      for (int i = 0; i < 200 && !closed; i++) {
        try {
          out.write('X');
          out.flush();
          closed = in.read() < 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
          // read nothing yet
        } catch (SocketException reset) {
          closed = true;
        }
      }
      assertThat(closed).as("server closed the trickling connection").isTrue();
    }
  }

  @Test
  void refusesAWrongTokenOnLoopbackWhenTheApiHasNoToken() throws Exception {
    start(AdminAuth.OPEN, Duration.ofSeconds(10));
    assertThat(exchange("GET /admin/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200 ");
    assertThat(exchange("GET /admin/ping HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-token-000000\r\n"
        + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 401 ");
  }

  @Test
  void refusesAWrongTokenOnLoopbackWhenTheApiHasOne() throws Exception {
    start(AdminAuth.token(TOKEN), Duration.ofSeconds(10));
    assertThat(exchange("GET /admin/ping HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-token-000000\r\n"
        + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 401 ");
    assertThat(exchange("GET /admin/ping HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n"
        + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 200 ");
  }
}
