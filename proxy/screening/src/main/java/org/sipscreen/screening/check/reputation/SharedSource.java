package org.sipscreen.screening.check.reputation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The remote service behind the fleet's shared answers: a number another instance looked up within the
 * TTL is answered from the fleet; otherwise the service is asked and its answer offered to the fleet, with
 * the TTL this instance caches it for ({@code cache_ttl}, {@code negative_ttl} for "not found"). Failures
 * are not shared. A record, so that a reload with unchanged settings finds the same source again.
 */
record SharedSource(ReputationSource service, SharedAnswers fleet, Duration ttl, Duration notFoundTtl)
    implements ReputationSource {

  SharedSource {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(fleet, "fleet");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(notFoundTtl, "notFoundTtl");
  }

  @Override
  public CompletionStage<ReputationAnswer> lookup(String e164) {
    CompletionStage<Optional<ReputationAnswer>> shared;
    try {
      shared = fleet.get(e164);
    } catch (RuntimeException e) {
      shared = CompletableFuture.completedFuture(Optional.empty());
    }
    return shared.exceptionally(failure -> Optional.empty()).thenCompose(known -> {
      if (known.isPresent()) {
        return CompletableFuture.completedFuture(known.get());
      }
      return service.lookup(e164).thenApply(answer -> {
        fleet.put(e164, answer, answer instanceof ReputationAnswer.Scored ? ttl : notFoundTtl);
        return answer;
      });
    });
  }
}
