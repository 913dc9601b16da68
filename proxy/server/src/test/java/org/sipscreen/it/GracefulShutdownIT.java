package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;

/**
 * Shutdown of a running proxy: it stops accepting TCP connections and reports unhealthy, waits for the
 * open connections to close (up to the drain bound), and only then runs the shutdown hooks, in order.
 */
@Timeout(120)
class GracefulShutdownIT {

  @Test
  void stopsAcceptingDrainsOpenConnectionsThenRunsHooks(@TempDir Path dir) throws Exception {
    TestProxy proxy = TestProxy.start(dir, "sip:127.0.0.1:" + Ports.free());
    List<String> hooks = new CopyOnWriteArrayList<>();
    proxy.running.onShutdown(() -> hooks.add("first"));
    proxy.running.onShutdown(() -> {
      throw new IllegalStateException("a failing hook does not stop the next one");
    });
    proxy.running.onShutdown(() -> hooks.add("second"));
    int http = proxy.running.httpAddress().getPort();
    Socket open = new Socket();
    open.connect(new InetSocketAddress("127.0.0.1", proxy.sipPort), 5000);
    // A keepalive answered proves the proxy has accepted (and counts) the connection before shutdown.
    open.setSoTimeout(20_000);
    open.getOutputStream().write("\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(open.getInputStream().readNBytes(2)).isEqualTo(new byte[] {'\r', '\n'});

    Thread shutdown = new Thread(() -> proxy.running.shutdown(Duration.ofSeconds(60)));
    shutdown.start();

    Await.until("TCP listener closed", () -> !accepts(proxy.sipPort));
    assertThat(health(http)).isEqualTo(503);
    assertThat(hooks).as("hooks wait for the drain").isEmpty();
    assertThat(shutdown.isAlive()).isTrue();

    open.close();
    shutdown.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(shutdown.isAlive()).as("shutdown finished once the connection closed").isFalse();
    assertThat(hooks).containsExactly("first", "second");
  }

  @Test
  void drainIsBounded(@TempDir Path dir) throws Exception {
    TestProxy proxy = TestProxy.start(dir, "sip:127.0.0.1:" + Ports.free());
    List<String> hooks = new CopyOnWriteArrayList<>();
    proxy.running.onShutdown(() -> hooks.add("ran"));
    try (Socket open = new Socket()) {
      open.connect(new InetSocketAddress("127.0.0.1", proxy.sipPort), 5000);
      open.setSoTimeout(20_000);
      open.getOutputStream().write("\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(open.getInputStream().readNBytes(2)).isEqualTo(new byte[] {'\r', '\n'});
      proxy.running.shutdown(Duration.ofMillis(200)); // the peer never closes: the bound ends the wait
      assertThat(hooks).containsExactly("ran");
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int health(int port) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
