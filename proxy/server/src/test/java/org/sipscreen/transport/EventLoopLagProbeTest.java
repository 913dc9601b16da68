package org.sipscreen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sipscreen.overload.OverloadControl;
import org.sipscreen.overload.OverloadPolicy;
import org.sipscreen.testkit.Await;

/**
 * The probe on real event loops: a loop kept busy by a task that does not return shows as lag, reported by
 * the other loop's probe while the busy one cannot run its own, and overload protection starts shedding.
 */
class EventLoopLagProbeTest {

  @Test
  @Timeout(30)
  void aStuckLoopIsReportedByTheOtherLoopsProbeAndStartsShedding() throws Exception {
    EventLoopGroup group = new DefaultEventLoopGroup(2);
    OverloadControl control = OverloadControl.off();
    control.apply(Optional.of(new OverloadPolicy(Duration.ofMillis(100), Duration.ofMillis(20), 1000,
        Duration.ofSeconds(1), Duration.ofSeconds(5), 100)));
    CountDownLatch release = new CountDownLatch(1);
    try (EventLoopLagProbe probe = EventLoopLagProbe.start(group, control)) {
      group.next().execute(() -> {
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Await.until("shedding while a loop is stuck", Duration.ofSeconds(20), control::shedding);
      assertThat(control.lastLagSeconds()).isGreaterThan(0.1);
      assertThat(control.episodes()).isEqualTo(1);
    } finally {
      release.countDown();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
