package org.sipscreen.screening.check.reputation;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The reputation answers a fleet shares: one instance's answer from the service is kept (in Redis) for
 * the others, so that the service is asked once per number per TTL, not once per instance. Offered by the
 * server through {@link org.sipscreen.screening.check.CheckContext#service} when the fleet shares them.
 * Neither method may block, and neither fails: an unreachable or late fleet is "no answer".
 */
public interface SharedAnswers {

  /**
   * The answer another instance got for {@code e164}, still within its TTL; empty when none is known or
   * the fleet did not answer within its deadline. Never completes exceptionally.
   */
  CompletionStage<Optional<ReputationAnswer>> get(String e164);

  /** Offers this instance's answer to the fleet for {@code ttl}; returns at once. */
  void put(String e164, ReputationAnswer answer, Duration ttl);
}
