package org.sipscreen.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP port's pipeline without sockets: malformed requests are answered 400/431 and their connection
 * closed instead of served, slow and idle connections are closed on a fake clock, connections beyond the
 * limit are closed as they come.
 */
class HttpChannelInitializerTest {

  static final HttpLimits LIMITS = new HttpLimits(2, Duration.ofSeconds(60), Duration.ofSeconds(10), 8192, 100);

  final PrometheusRegistry registry = new PrometheusRegistry();
  final HttpMetrics metrics = new HttpMetrics(registry);
  final HttpChannelInitializer init = new HttpChannelInitializer(new HttpServer.Handler(registry,
      () -> true, () -> new Readiness(true, "ready\n"), null, metrics), LIMITS, metrics);
  EmbeddedChannel channel;

  EmbeddedChannel connect() {
    EmbeddedChannel ch = new EmbeddedChannel(init);
    ch.freezeTime();
    return ch;
  }

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, ISO_8859_1);
  }

  /** Everything written back, as text. */
  static String written(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(ISO_8859_1));
      b.release();
    }
    return sb.toString();
  }

  double rejected(String reason) {
    for (var m : registry.scrape(n -> n.equals("sipscreen_http_rejected"))) {
      for (var dp : ((CounterSnapshot) m).getDataPoints()) {
        if (reason.equals(dp.getLabels().get("reason"))) {
          return dp.getValue();
        }
      }
    }
    throw new AssertionError("no sipscreen_http_rejected_total{reason=" + reason + "}");
  }

  @Test
  void servesAWellFormedRequestAndKeepsTheConnection() {
    channel = connect();
    channel.writeInbound(bytes("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertThat(written(channel)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("ok\n");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void answersAHeaderOf100KilobytesWith431AndCloses() {
    channel = connect();
    channel.writeInbound(bytes("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000)
        + "\r\n\r\n"));
    assertThat(written(channel)).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n")
        .doesNotContain("# TYPE");
    assertThat(channel.isOpen()).isFalse();
    assertThat(rejected("headers_too_large")).isEqualTo(1);
  }

  @Test
  void answers5000HeadersWith431AndCloses() {
    channel = connect();
    channel.writeInbound(bytes("GET /metrics HTTP/1.1\r\nHost: x\r\n" + "X-H: v\r\n".repeat(5000) + "\r\n"));
    assertThat(written(channel)).startsWith("HTTP/1.1 431 ");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void answersMoreHeaderLinesThanAllowedWith431EvenWithinTheSizeLimit() {
    channel = connect();
    channel.writeInbound(bytes("GET /metrics HTTP/1.1\r\nHost: x\r\n" + "X-H: v\r\n".repeat(150) + "\r\n"));
    assertThat(written(channel)).startsWith("HTTP/1.1 431 ");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void answersADoubleContentLengthWith400AndCloses() {
    channel = connect();
    channel.writeInbound(bytes("POST /admin/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
        + "Content-Length: 2\r\n\r\n{}"));
    assertThat(written(channel)).startsWith("HTTP/1.1 400 Bad Request\r\n");
    assertThat(channel.isOpen()).isFalse();
    assertThat(rejected("bad_request")).isEqualTo(1);
  }

  @Test
  void answersAGarbageRequestLineWith400() {
    channel = connect();
    channel.writeInbound(bytes("GET /metrics HTTP/1.1 extra\r\nHost: x\r\n\r\n"));
    assertThat(written(channel)).startsWith("HTTP/1.1 400 ");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void closesARequestWhoseHeadersDoNotArriveInTime() {
    channel = connect();
    channel.writeInbound(bytes("GET /metrics HTTP/1.1\r\nHost: x\r\n"));
    channel.advanceTimeBy(9, TimeUnit.SECONDS);
    channel.writeInbound(bytes("X-Slow: 1\r\n"));
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();
    channel.advanceTimeBy(2, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    assertThat(written(channel)).isEmpty();
    assertThat(rejected("request_timeout")).isEqualTo(1);
  }

  @Test
  void aCompletedRequestDisarmsTheRequestDeadline() {
    channel = connect();
    channel.writeInbound(bytes("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();
    assertThat(written(channel)).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void closesAConnectionThatCompletesNoRequestWithinTheIdleTimeoutEvenWhenItTrickles() {
    channel = connect();
    channel.writeInbound(bytes("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    written(channel);
    for (int i = 0; i < 7; i++) {
      channel.advanceTimeBy(9, TimeUnit.SECONDS);
      channel.runScheduledPendingTasks();
      if (!channel.isOpen()) {
        break;
      }
      // A header line of a request that never ends: re-arms nothing after the deadline closed it,
      // and never counts as a completed request for the idle timeout.
      channel.writeInbound(bytes("G"));
    }
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void closesConnectionsBeyondTheLimitAsTheyCome() {
    EmbeddedChannel first = connect();
    EmbeddedChannel second = connect();
    EmbeddedChannel third = connect();
    try {
      assertThat(first.isOpen()).isTrue();
      assertThat(second.isOpen()).isTrue();
      assertThat(third.isOpen()).isFalse();
      assertThat(rejected("connection_limit")).isEqualTo(1);
      first.close();
      channel = connect();
      assertThat(channel.isOpen()).isTrue();
    } finally {
      first.finishAndReleaseAll();
      second.finishAndReleaseAll();
      third.finishAndReleaseAll();
    }
  }
}
