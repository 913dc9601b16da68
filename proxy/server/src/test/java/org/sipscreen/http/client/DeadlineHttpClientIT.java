package org.sipscreen.http.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.netty.EventLoops;
import org.sipscreen.http.client.HttpResult.Failed;
import org.sipscreen.http.client.HttpResult.Failure;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.TestPki;

/** DeadlineHttpClient against stub servers on 127.0.0.1: raw bytes over HTTP, and HTTPS with a test PKI. */
@Timeout(120)
class DeadlineHttpClientIT {

  /** Long enough that no loaded test machine reaches it: for the tests that are not about the deadline. */
  private static final Duration PATIENT = Duration.ofSeconds(20);

  @RegisterExtension
  static final EventLoops loops = new EventLoops(2);

  @TempDir
  Path dir;

  private RawHttpStub stub;
  private final List<DeadlineHttpClient> clients = new ArrayList<>();

  @BeforeEach
  void startStub() throws IOException {
    stub = new RawHttpStub();
  }

  @AfterEach
  void stop() throws IOException {
    clients.forEach(DeadlineHttpClient::close);
    stub.close();
  }

  private DeadlineHttpClient client(int maxConnectionsPerOrigin, int maxResponseBytes, int maxInFlight,
      AddressPolicy policy, Optional<SslContext> tls) {
    DeadlineHttpClient client = new DeadlineHttpClient(new DeadlineHttpClient.Settings(PATIENT,
        maxResponseBytes, maxConnectionsPerOrigin, maxInFlight, policy, tls), loops.group(),
        NioSocketChannel.class);
    clients.add(client);
    return client;
  }

  /** Plain HTTP, 1 KiB bodies, a fresh connection per request, every address allowed. */
  private DeadlineHttpClient plain() {
    return client(0, 1024, 16, AddressPolicy.ANY, Optional.empty());
  }

  private HttpGet get(String path, Duration deadline) {
    return HttpGet.of(new Origin(false, "127.0.0.1", stub.port()), path, deadline);
  }

  private static HttpResult result(CompletionStage<HttpResult> pending) throws Exception {
    return pending.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Failure failure(HttpResult result) {
    assertThat(result).isInstanceOf(Failed.class);
    return ((Failed) result).failure();
  }

  private static String body(HttpResult result) {
    assertThat(result).isInstanceOf(HttpResult.Ok.class);
    return new String(((HttpResult.Ok) result).body(), StandardCharsets.US_ASCII);
  }

  @Test
  void completeResponseIsOkWithStatusHeadersAndBody() throws Exception {
    stub.answer("/a", RawHttpStub.response(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: yes\r\n\r\n", "hello".getBytes()));

    HttpResult result = result(plain().get(get("/a?b=1", PATIENT).withHeader("Accept", "text/plain")));

    assertThat(body(result)).isEqualTo("hello");
    assertThat(((HttpResult.Ok) result).status().code()).isEqualTo(200);
    assertThat(((HttpResult.Ok) result).headers().get("X-Test")).isEqualTo("yes");
    assertThat(stub.requests).containsExactly("1 GET /a?b=1");
  }

  @Test
  void serverThatNeverAnswersEndsAtTheDeadlineAndTheConnectionIsClosed() throws Exception {
    HttpResult result = result(plain().get(get("/never", Duration.ofMillis(300))));

    assertThat(result).isEqualTo(new HttpResult.TimedOut(Duration.ofMillis(300)));
    Await.until("the client closes the connection", () -> stub.closedByClient.get() == 1);
  }

  @Test
  void pooledConnectionThatNeverAnswersEndsAtTheDeadlineAndIsNotReused() throws Exception {
    stub.answer("/a", RawHttpStub.ok("x"));
    DeadlineHttpClient pooled = client(1, 1024, 16, AddressPolicy.ANY, Optional.empty());

    assertThat(result(pooled.get(get("/never", Duration.ofMillis(300)))))
        .isInstanceOf(HttpResult.TimedOut.class);
    assertThat(body(result(pooled.get(get("/a", PATIENT))))).isEqualTo("x");
    assertThat(stub.requests).containsExactly("1 GET /never", "2 GET /a");
  }

  @Test
  void bodyOverTheCapIsTooLargeWithOrWithoutContentLength() throws Exception {
    byte[] big = "A".repeat(2000).getBytes(StandardCharsets.US_ASCII);
    stub.answer("/length", RawHttpStub.response("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n", big));
    stub.answer("/chunked", RawHttpStub.response(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n", big));
    stub.answer("/close", RawHttpStub.response("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", big));
    DeadlineHttpClient client = plain();

    assertThat(failure(result(client.get(get("/length", PATIENT))))).isEqualTo(Failure.TOO_LARGE);
    assertThat(failure(result(client.get(get("/chunked", PATIENT))))).isEqualTo(Failure.TOO_LARGE);
    assertThat(failure(result(client.get(get("/close", PATIENT))))).isEqualTo(Failure.TOO_LARGE);
  }

  @Test
  void statusWhoseBodyIsNotWantedEndsAtTheHeaders() throws Exception {
    stub.answer("/moved", RawHttpStub.response(
        "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 2000\r\n\r\n", new byte[0]));

    HttpResult result = result(plain().get(get("/moved", PATIENT).readingBodyOnlyOf(s -> s == 200)));

    assertThat(result).isInstanceOf(HttpResult.Ok.class);
    assertThat(((HttpResult.Ok) result).status().code()).isEqualTo(302);
    assertThat(((HttpResult.Ok) result).headers().get("Location")).isEqualTo("/elsewhere");
    assertThat(((HttpResult.Ok) result).body()).isEmpty();
    assertThat(stub.requests).containsExactly("1 GET /moved").noneMatch(r -> r.contains("elsewhere"));
  }

  @Test
  void addressThePolicyRefusesIsNeverConnectedTo() throws Exception {
    stub.answer("/a", RawHttpStub.ok("x"));
    AddressPolicy noLoopback =
        address -> address.isLoopbackAddress() ? Optional.of("loopback address") : Optional.empty();
    DeadlineHttpClient guarded = client(0, 1024, 16, noLoopback, Optional.empty());

    HttpResult byName = result(guarded.get(
        HttpGet.of(new Origin(false, "localhost", stub.port()), "/a", PATIENT)));
    HttpResult byAddress = result(guarded.get(get("/a", PATIENT).at(InetAddress.getLoopbackAddress())));

    assertThat(byName).isInstanceOf(HttpResult.Refused.class);
    assertThat(((HttpResult.Refused) byName).reason())
        .startsWith("localhost is ").endsWith(", a loopback address");
    assertThat(byAddress).isEqualTo(new HttpResult.Refused("127.0.0.1 is 127.0.0.1, a loopback address"));
    assertThat(stub.connections).hasValue(0);
  }

  @Test
  void pooledClientReusesOneKeepAliveConnection() throws Exception {
    stub.answer("/a", RawHttpStub.ok("x"));
    stub.answer("/b",
        RawHttpStub.response("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", new byte[0]));
    DeadlineHttpClient pooled = client(4, 1024, 16, AddressPolicy.ANY, Optional.empty());

    for (int i = 0; i < 4; i++) {
      assertThat(result(pooled.get(get(i % 2 == 0 ? "/a" : "/b", PATIENT))))
          .isInstanceOf(HttpResult.Ok.class);
    }

    assertThat(stub.requests).containsExactly("1 GET /a", "1 GET /b", "1 GET /a", "1 GET /b");
  }

  @Test
  void freshConnectionPerRequestWithoutPool() throws Exception {
    stub.answer("/a", RawHttpStub.ok("x"));
    DeadlineHttpClient client = plain();

    assertThat(body(result(client.get(get("/a", PATIENT))))).isEqualTo("x");
    assertThat(body(result(client.get(get("/a", PATIENT))))).isEqualTo("x");

    assertThat(stub.requests).containsExactly("1 GET /a", "2 GET /a");
  }

  @Test
  void requestsBeyondMaxInFlightAreBusyAtOnce() throws Exception {
    DeadlineHttpClient one = client(0, 1024, 1, AddressPolicy.ANY, Optional.empty());
    CompletionStage<HttpResult> held = one.get(get("/never", PATIENT));

    assertThat(failure(result(one.get(get("/never", PATIENT))))).isEqualTo(Failure.BUSY);
    assertThat(held.toCompletableFuture()).isNotDone();
  }

  @Test
  void refusedConnectionIsConnect() throws Exception {
    stub.close();

    assertThat(failure(result(plain().get(get("/a", PATIENT))))).isEqualTo(Failure.CONNECT);
  }

  @Test
  void malformedResponseIsProtocol() throws Exception {
    stub.answer("/junk", "NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    stub.answer("/cut", RawHttpStub.response(
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n", "short".getBytes()));
    DeadlineHttpClient client = plain();

    assertThat(failure(result(client.get(get("/junk", PATIENT))))).isEqualTo(Failure.PROTOCOL);
    assertThat(result(client.get(get("/cut", PATIENT)))).isEqualTo(new Failed(Failure.PROTOCOL,
        "127.0.0.1:" + stub.port() + " closed the connection before the response was complete", null));
  }

  @Test
  void httpsWithoutTlsSettingsIsRefusedAndAClosedClientFailsAtOnce() throws Exception {
    DeadlineHttpClient client = plain();
    assertThat(result(client.get(HttpGet.of(new Origin(true, "localhost", stub.port()), "/a", PATIENT))))
        .isInstanceOf(HttpResult.Refused.class);

    client.close();
    assertThat(failure(result(client.get(get("/a", PATIENT))))).isEqualTo(Failure.CLOSED);
    assertThat(stub.connections).hasValue(0);
  }

  @Test
  void httpsToATestPkiServerTrustedByItsCaFileVerifiesTheHostName() throws Exception {
    TestPki.Issued tls = TestPki.localhostServer();
    Path caFile = Files.writeString(dir.resolve("ca.pem"), tls.pem());
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(TestPki.serverContext(tls)));
    server.createContext("/sti.pem", exchange -> {
      byte[] answer = "chain".getBytes(StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      DeadlineHttpClient trusting =
          client(0, 1024, 16, AddressPolicy.ANY, Optional.of(ClientTls.trusting(List.of(caFile))));
      DeadlineHttpClient jdkCasOnly =
          client(0, 1024, 16, AddressPolicy.ANY, Optional.of(ClientTls.trusting(List.of())));
      DeadlineHttpClient pooled =
          client(2, 1024, 16, AddressPolicy.ANY, Optional.of(ClientTls.trusting(List.of(caFile))));
      HttpGet byName = HttpGet.of(new Origin(true, "localhost", port), "/sti.pem", PATIENT);
      HttpGet byAddress = HttpGet.of(new Origin(true, "127.0.0.1", port), "/sti.pem", PATIENT);

      assertThat(body(result(trusting.get(byName)))).isEqualTo("chain");
      assertThat(body(result(pooled.get(byName)))).isEqualTo("chain");
      assertThat(body(result(pooled.get(byName)))).isEqualTo("chain");
      assertThat(failure(result(jdkCasOnly.get(byName)))).isEqualTo(Failure.TLS);
      assertThat(failure(result(trusting.get(byAddress)))).as("the certificate names localhost only")
          .isEqualTo(Failure.TLS);
    } finally {
      server.stop(0);
    }
  }
}
