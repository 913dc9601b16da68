package org.sipscreen.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.ReputationCheck;
import org.sipscreen.screening.ScreeningChain;

/**
 * The {@code sipscreen_reputation_*} series: the counters of the reputation check of the running chain,
 * read at scrape time. Registered once, when a chain with a reputation check is first watched; after a
 * reload they read the new chain's check (a check whose settings changed starts from zero, which
 * Prometheus sees as a counter reset), and while the running chain has none they have no sample.
 */
final class ReputationMetrics {

  private final PrometheusRegistry registry;
  private volatile ScreeningChain live;
  private boolean registered;

  ReputationMetrics(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /** Reads {@code chain}'s reputation check from now on. */
  synchronized void watch(ScreeningChain chain) {
    live = chain;
    if (registered || check() == null) {
      return;
    }
    registered = true;
    counter("sipscreen_reputation_feed_hits", "Calls answered from the bulk feed",
        ReputationCheck.Stats::feedHits);
    counter("sipscreen_reputation_lookups", "Remote reputation lookups asked for",
        ReputationCheck.Stats::lookups);
    counter("sipscreen_reputation_cache_hits", "Lookups answered from the cache",
        ReputationCheck.Stats::cacheHits);
    counter("sipscreen_reputation_cache_misses", "Lookups not in the cache",
        ReputationCheck.Stats::cacheMisses);
    counter("sipscreen_reputation_coalesced", "Lookups that joined one already in flight",
        ReputationCheck.Stats::coalesced);
    counter("sipscreen_reputation_requests", "HTTP requests sent to the service",
        ReputationCheck.Stats::requests);
    counter("sipscreen_reputation_errors", "Failed requests to the service",
        ReputationCheck.Stats::errors);
    counter("sipscreen_reputation_timeouts",
        "Calls that went on as unknown because the answer missed the deadline (fail open)",
        ReputationCheck.Stats::timeouts);
    counter("sipscreen_reputation_late_answers", "Answers that arrived after the deadline",
        ReputationCheck.Stats::lateAnswers);
    counter("sipscreen_reputation_circuit_rejected", "Lookups skipped while the circuit was open",
        ReputationCheck.Stats::circuitRejected);
    counter("sipscreen_reputation_circuit_opens", "Times the circuit breaker opened",
        ReputationCheck.Stats::circuitOpens);
    GaugeWithCallback.builder()
        .name("sipscreen_reputation_circuit_state")
        .help("State of the reputation circuit breaker: 1 for the current state")
        .labelNames("state")
        .callback(cb -> {
          ReputationCheck check = check();
          if (check == null) {
            return;
          }
          String now = check.stats().circuitState().name().toLowerCase(Locale.ROOT);
          for (String state : List.of("closed", "open", "half_open")) {
            cb.call(state.equals(now) ? 1 : 0, state);
          }
        }).register(registry);
  }

  private void counter(String name, String help, ToLongFunction<ReputationCheck.Stats> value) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> {
      ReputationCheck check = check();
      if (check != null) {
        cb.call(value.applyAsLong(check.stats()));
      }
    }).register(registry);
  }

  private ReputationCheck check() {
    ScreeningChain chain = live;
    if (chain == null) {
      return null;
    }
    for (Check c : chain.checks()) {
      if (c instanceof ReputationCheck r) {
        return r;
      }
    }
    return null;
  }
}
