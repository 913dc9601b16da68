package org.sipscreen.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {

  private final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  @Test
  void counterValueReadsASeriesByBaseNameAndLabels() {
    metrics.dropped("response_not_ours");
    metrics.dropped("response_not_ours");
    metrics.responseSent(603);
    assertThat(metrics.counterValue("sipscreen_messages_dropped", "response_not_ours")).isEqualTo(2);
    assertThat(metrics.counterValue("sipscreen_messages_dropped", "keepalive")).isZero();
    assertThat(metrics.counterValue("sipscreen_responses_sent", "603")).isEqualTo(1);
  }

  @Test
  void methodsOutsideTheKnownSetShareOneLabel() {
    assertThat(ProxyMetrics.methodLabel("INVITE")).isEqualTo("INVITE");
    assertThat(ProxyMetrics.methodLabel("XYZZY")).isEqualTo("other");
  }

  @Test
  void counterValueReadsASeriesByItsExposedTotalName() {
    metrics.dropped("response_not_ours");
    assertThat(metrics.counterValue("sipscreen_messages_dropped_total", "response_not_ours"))
        .isEqualTo(1);
  }
}
