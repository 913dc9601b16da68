package org.sipscreen.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CertificateMetricsTest {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final CertificateMetrics metrics = new CertificateMetrics(registry);

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void countsHitsMissesAndFetchResultsByReason() throws IOException {
    metrics.hit();
    metrics.hit();
    metrics.miss();
    metrics.fetched();
    metrics.fetchFailed("timeout");
    metrics.fetchFailed("timeout");
    metrics.fetchFailed("refused");

    String text = scrape();
    assertThat(text)
        .contains("sipscreen_stir_certificate_cache_total{result=\"hit\"} 2.0")
        .contains("sipscreen_stir_certificate_cache_total{result=\"miss\"} 1.0")
        .contains("sipscreen_stir_certificate_fetches_total{result=\"ok\"} 1.0")
        .contains("sipscreen_stir_certificate_fetches_total{result=\"timeout\"} 2.0")
        .contains("sipscreen_stir_certificate_fetches_total{result=\"refused\"} 1.0")
        .contains("sipscreen_stir_certificate_fetches_total{result=\"tls\"} 0.0");
  }

  @Test
  void unknownReasonsCountAsErrorSoLabelsStayBounded() throws IOException {
    metrics.fetchFailed("something_new");
    assertThat(scrape())
        .contains("sipscreen_stir_certificate_fetches_total{result=\"error\"} 1.0")
        .doesNotContain("something_new");
  }
}
