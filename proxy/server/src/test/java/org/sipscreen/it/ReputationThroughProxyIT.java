package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Ports;

/**
 * The reputation service seen from the wire: the running proxy asks a stub service (on loopback) about
 * each caller while the INVITE waits, answers 603+ for a very bad score, forwards an unknown number, and
 * forwards (fail-open) when the service is slower than the deadline (1 s here, so that opening the first
 * connection on a busy test machine never counts as slow).
 */
@Timeout(120)
class ReputationThroughProxyIT {

  private HttpServer stub;
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private WireProbe probe;
  private Sipscreen proxy;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    stub.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    stub.createContext("/v1/reputation/", exchange -> {
      requests.incrementAndGet();
      String number = exchange.getRequestURI().getPath().substring("/v1/reputation/".length());
      byte[] body;
      int status = 200;
      if (number.equals("+15034441234")) {
        body = "{\"score\": 97, \"category\": \"robocall\"}".getBytes(StandardCharsets.UTF_8);
      } else if (number.equals("+15034449999")) {
        try {
          release.await(5, TimeUnit.SECONDS); // far past the deadline
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        body = "{\"score\": 99}".getBytes(StandardCharsets.UTF_8);
      } else {
        status = 404;
        body = new byte[0];
      }
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    stub.start();
    probe = new WireProbe();
    int sip = Ports.free();
    Path config = dir.resolve("rep.yaml");
    Files.writeString(config, """
        sip:
          listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
        routing: { default_route: "%s" }
        http: { address: 127.0.0.1, port: 0 }
        peers:
          local: { networks: [127.0.0.0/8] }
        screening:
          reputation:
            url: "http://127.0.0.1:%d/v1/reputation/{number}"
            deadline: 2s          # generous: the first lookup also opens the connection
            connect_timeout: 10s  # the client's own limits lie far beyond the deadline, so that on a
            request_timeout: 10s  # loaded machine the deadline, not the client, ends a slow lookup
            lookup_timeout: 10s
            action: score
          policy:
            block_score: 90
            redress_url: https://redress.example.net/sipscreen
        """.formatted(sip, probe.nextHopUri(), stub.getAddress().getPort()));
    proxy = Sipscreen.start(Sipscreen.prepare(config));
    probe.target(sip);
  }

  @AfterEach
  void stop() {
    release.countDown();
    proxy.close();
    probe.close();
    stub.stop(0);
  }

  private static byte[] invite(String caller, String callId) {
    return ("INVITE sip:+13107940100@127.0.0.1;user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:" + caller + "@127.0.0.1;user=phone>;tag=a\r\nTo: <sip:+13107940100@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void badReputationGets603PlusWhileAnUnknownNumberIsForwarded() throws Exception {
    WireProbe.Outcome bad = probe.sendAndWait(invite("+15034441234", "rep-bad"), 6000);
    assertThat(bad.status()).isEqualTo(603);
    assertThat(bad.answers().get(0)).startsWith("SIP/2.0 603 Network Blocked\r\n")
        .contains("Reason: SIP;cause=603;text=\"v=analytics1;url=https://redress.example.net/sipscreen\"");
    assertThat(bad.wasForwarded()).isFalse();

    WireProbe.Outcome unknown = probe.sendAndWait(invite("+15034445678", "rep-unknown"), 6000);
    assertThat(unknown.wasForwarded()).isTrue();

    // A second call from the bad number is answered from the cache: no second request.
    int before = requests.get();
    assertThat(probe.sendAndWait(invite("+15034441234", "rep-bad-2"), 3000).status()).isEqualTo(603);
    assertThat(requests.get()).isEqualTo(before);
  }

  /** Every sipscreen_screening_outcomes series, to tell on failure what happened instead. */
  private String outcomes() {
    return proxy.metrics().registry().scrape(n -> n.equals("sipscreen_screening_outcomes")).stream()
        .flatMap(m -> m.getDataPoints().stream())
        .map(dp -> dp.getLabels() + "=" + ((io.prometheus.metrics.model.snapshots.CounterSnapshot
            .CounterDataPointSnapshot) dp).getValue())
        .toList().toString();
  }

  @Test
  void aServiceSlowerThanTheDeadlineLetsTheCallGoOn() throws Exception {
    WireProbe.Outcome slow = probe.sendAndWait(invite("+15034449999", "rep-slow"), 4500);
    assertThat(slow.wasForwarded()).as("forwarded, fail-open, long before the stub answers").isTrue();
    assertThat(proxy.metrics().counterValue("sipscreen_screening_outcomes", "reputation",
        "unknown_timeout")).as("outcomes: %s", outcomes()).isEqualTo(1);
  }
}
