package org.sipscreen.http;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** {@code sipscreen_http_rejected_total}: what the operations port refused or closed, by reason. */
final class HttpMetrics {

  final CounterDataPoint badRequest;
  final CounterDataPoint headersTooLarge;
  final CounterDataPoint connectionLimit;
  final CounterDataPoint requestTimeout;
  final CounterDataPoint idleTimeout;

  HttpMetrics(PrometheusRegistry registry) {
    Counter rejected = Counter.builder().name("sipscreen_http_rejected_total")
        .help("Requests and connections the HTTP port refused: bad_request (400), headers_too_large"
            + " (431: too long or too many), connection_limit (closed at once), request_timeout (a"
            + " request not whole in time), idle_timeout (no request completed in time)")
        .labelNames("reason")
        .register(registry);
    badRequest = rejected.labelValues("bad_request");
    headersTooLarge = rejected.labelValues("headers_too_large");
    connectionLimit = rejected.labelValues("connection_limit");
    requestTimeout = rejected.labelValues("request_timeout");
    idleTimeout = rejected.labelValues("idle_timeout");
  }
}
