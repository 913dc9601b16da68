package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The operations endpoints of a running proxy: /readyz and /metrics in both exposition formats. */
@Timeout(60)
class OperationsPortIT {

  @TempDir
  Path dir;
  TestProxy proxy;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }

  HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + proxy.running.httpAddress().getPort() + path))
        .timeout(Duration.ofSeconds(10));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyzSaysTheListenersAreUpAndNamesTheLoadedLists() throws Exception {
    proxy = TestProxy.start(dir, "sip:127.0.0.1:9");

    HttpResponse<String> r = get("/readyz", null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("ready\n").contains("list block_list 1", "list tag_list 1",
        "list allow_list 0");
    assertThat(r.body()).containsPattern("sip_listeners_up (\\d+)/\\1\n");
  }

  @Test
  void metricsAnswerOpenMetricsWhenTheScraperAsksForIt() throws Exception {
    proxy = TestProxy.start(dir, "sip:127.0.0.1:9");

    HttpResponse<String> open = get("/metrics",
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
    HttpResponse<String> text = get("/metrics", null);

    assertThat(open.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/openmetrics-text"));
    assertThat(open.body()).endsWith("# EOF\n");
    assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    assertThat(text.body()).doesNotContain("# EOF");
  }
}
