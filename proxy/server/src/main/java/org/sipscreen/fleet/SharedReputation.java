package org.sipscreen.fleet;

import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.sipscreen.screening.check.reputation.ReputationAnswer;
import org.sipscreen.screening.check.reputation.SharedAnswers;

/**
 * Reputation answers shared by the fleet: key {@code <prefix>r:<e164>}, value {@code s:<score>:<category>}
 * or {@code n} (not found), expiring with the TTL of the instance that asked the service. A lookup is one
 * {@code GET} on a connection of its own, answered within the fleet's deadline or taken as "no answer";
 * while the fleet's breaker is open, Redis is not asked at all (the service is, as on one instance).
 */
final class SharedReputation implements SharedAnswers {

  private static final CompletableFuture<Optional<ReputationAnswer>> NONE =
      CompletableFuture.completedFuture(Optional.empty());

  private final String prefix;
  private final Duration deadline;
  private final BooleanSupplier up;
  private volatile RedisClusterAsyncCommands<String, String> redis;
  private final Counter answers;

  SharedReputation(String prefix, Duration deadline, BooleanSupplier up, PrometheusRegistry registry) {
    this.prefix = prefix + "r:";
    this.deadline = deadline;
    this.up = up;
    this.answers = Counter.builder().name("sipscreen_fleet_reputation_lookups_total")
        .help("Remote reputation lookups by where the answer came from: fleet (another instance's answer"
            + " in Redis), service (not in Redis, the service was asked), local (Redis down or late)")
        .labelNames("answer").register(registry);
    for (String a : List.of("fleet", "service", "local")) {
      answers.labelValues(a);
    }
  }

  /** The connection to use from now on (the fleet thread sets it once connected). */
  void connected(RedisClusterAsyncCommands<String, String> commands) {
    this.redis = commands;
  }

  @Override
  public CompletionStage<Optional<ReputationAnswer>> get(String e164) {
    RedisClusterAsyncCommands<String, String> r = redis;
    if (r == null || !up.getAsBoolean()) {
      answers.labelValues("local").inc();
      return NONE;
    }
    CompletableFuture<String> pending;
    try {
      pending = r.get(prefix + e164).toCompletableFuture();
    } catch (RuntimeException e) {
      pending = CompletableFuture.failedFuture(e);
    }
    return pending.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS)
        .handle((value, failure) -> {
          Optional<ReputationAnswer> answer = failure == null ? parse(value) : Optional.empty();
          answers.labelValues(failure != null ? "local" : answer.isPresent() ? "fleet" : "service").inc();
          return answer;
        });
  }

  @Override
  public void put(String e164, ReputationAnswer answer, Duration ttl) {
    RedisClusterAsyncCommands<String, String> r = redis;
    if (r == null || !up.getAsBoolean() || ttl.toMillis() < 1) {
      return;
    }
    try {
      r.set(prefix + e164, format(answer), SetArgs.Builder.px(ttl.toMillis())); // not awaited
    } catch (RuntimeException e) {
      // Redis went away meanwhile: the next instance asks the service itself
    }
  }

  static String format(ReputationAnswer answer) {
    return answer instanceof ReputationAnswer.Scored s ? "s:" + s.score() + ":" + s.category() : "n";
  }

  /** The answer stored, or empty for none or a value this version does not read. */
  static Optional<ReputationAnswer> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    if (value.equals("n")) {
      return Optional.of(ReputationAnswer.NOT_FOUND);
    }
    if (!value.startsWith("s:")) {
      return Optional.empty();
    }
    int colon = value.indexOf(':', 2);
    try {
      int score = Integer.parseInt(value.substring(2, colon < 0 ? value.length() : colon));
      String category = colon < 0 ? ReputationAnswer.UNSPECIFIED : value.substring(colon + 1);
      return Optional.of(new ReputationAnswer.Scored(score, category));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }
}
