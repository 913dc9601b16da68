package org.sipscreen.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.proxy.StatelessProxyTest;

/** The start-up warm-up plays whole calls through the proxy, on every path a real call takes. */
class WarmupTest {

  @Test
  void warmupCallsGoThroughEveryStepOfACall() throws Exception {
    ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());
    StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"),
        StatelessProxyTest.chain(Optional.empty()), metrics);

    int played = Warmup.run(proxy, InetAddress.getLoopbackAddress(), 50, 60_000);

    assertThat(played).isEqualTo(50);
    assertThat(metrics.counterValue("sipscreen_requests_forwarded", "INVITE", "udp")).isEqualTo(50);
    assertThat(metrics.counterValue("sipscreen_requests_forwarded", "ACK", "udp")).isEqualTo(50);
    assertThat(metrics.counterValue("sipscreen_requests_forwarded", "BYE", "udp")).isEqualTo(50);
    assertThat(metrics.counterValue("sipscreen_responses_relayed", "1xx")).isEqualTo(50);
    assertThat(metrics.counterValue("sipscreen_responses_relayed", "2xx")).isEqualTo(100);
    assertThat(metrics.counterValue("sipscreen_malformed_messages", "bad_via")).isZero();
  }

  @Test
  void warmupStopsAtItsTimeLimit() {
    ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());
    StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"),
        StatelessProxyTest.chain(Optional.empty()), metrics);
    assertThat(Warmup.run(proxy, InetAddress.getLoopbackAddress(), 1_000_000, 0)).isZero();
  }
}
