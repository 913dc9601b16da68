package org.sipscreen.screening.check.reputation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sipscreen.testkit.ManualTime;

class CircuitBreakerTest {

  private final ManualTime time = new ManualTime();
  private final CircuitBreaker breaker = new CircuitBreaker(2, Duration.ofSeconds(10), time);

  @Test
  void aSuccessResetsTheConsecutiveFailureCount() {
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void anUnusedProbeIsReleasedForTheNextCaller() {
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.tryAcquire()).isEqualTo(CircuitBreaker.Permit.DENIED);
    time.advance(Duration.ofSeconds(10));
    CircuitBreaker.Permit probe = breaker.tryAcquire();
    assertThat(probe).isEqualTo(CircuitBreaker.Permit.PROBE);
    assertThat(breaker.tryAcquire()).isEqualTo(CircuitBreaker.Permit.DENIED);
    breaker.release(probe);
    assertThat(breaker.tryAcquire()).isEqualTo(CircuitBreaker.Permit.PROBE);
    breaker.onSuccess();
    assertThat(breaker.tryAcquire()).isEqualTo(CircuitBreaker.Permit.GRANTED);
  }
}
