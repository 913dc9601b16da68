package org.sipscreen.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.sipscreen.screening.check.stir_shaken.CertificateCache;
import org.sipscreen.screening.check.stir_shaken.CertificateFetchException;

/**
 * The STIR/SHAKEN certificate cache's series: {@code sipscreen_stir_certificate_cache_total{result="hit|miss"}}
 * and {@code sipscreen_stir_certificate_fetches_total{result="ok|<reason>"}}. Reasons come from the fixed
 * {@link CertificateFetchException} set; anything else counts as {@code error}, so label values stay bounded.
 * Every series exists from the start (at 0) and each data point is looked up once.
 */
public final class CertificateMetrics implements CertificateCache.Listener {

  /** Fetch result labels besides {@code ok}. */
  static final Set<String> FETCH_FAILURES = Set.of(CertificateFetchException.BAD_URL,
      CertificateFetchException.REFUSED, CertificateFetchException.DNS, CertificateFetchException.CONNECT,
      CertificateFetchException.TLS, CertificateFetchException.TIMEOUT, CertificateFetchException.REDIRECT,
      CertificateFetchException.HTTP_STATUS, CertificateFetchException.TOO_LARGE,
      CertificateFetchException.PROTOCOL, CertificateFetchException.BUSY, "error");

  private final CounterDataPoint hits;
  private final CounterDataPoint misses;
  private final CounterDataPoint fetchedOk;
  private final Map<String, CounterDataPoint> failures;

  public CertificateMetrics(PrometheusRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Counter cache = Counter.builder().name("sipscreen_stir_certificate_cache_total")
        .help("STIR/SHAKEN certificate lookups on the hot path: answered from cache or preload (hit)"
            + " or not (miss)")
        .labelNames("result").register(registry);
    Counter fetches = Counter.builder().name("sipscreen_stir_certificate_fetches_total")
        .help("x5u certificate fetches by result: ok or the failure reason")
        .labelNames("result").register(registry);
    hits = cache.labelValues("hit");
    misses = cache.labelValues("miss");
    fetchedOk = fetches.labelValues("ok");
    failures = FETCH_FAILURES.stream()
        .collect(Collectors.toUnmodifiableMap(Function.identity(), fetches::labelValues));
  }

  @Override
  public void hit() {
    hits.inc();
  }

  @Override
  public void miss() {
    misses.inc();
  }

  @Override
  public void fetched() {
    fetchedOk.inc();
  }

  @Override
  public void fetchFailed(String reason) {
    CounterDataPoint point = failures.get(reason);
    (point == null ? failures.get("error") : point).inc();
  }
}
