package org.sipscreen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sipscreen.testkit.Await;

/**
 * SIGHUP reaches the handler. Skipped (not failed) where this JVM cannot handle the signal, e.g. under
 * nohup, which makes the process ignore it: then sending it would prove nothing.
 */
@Timeout(120)
class SighupIT {

  @Test
  void sighupRunsTheHandler() throws Exception {
    AtomicInteger hups = new AtomicInteger();
    boolean installed = Signals.handle("HUP", hups::incrementAndGet);
    assumeTrue(installed, "SIGHUP cannot be handled in this JVM");
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
        .inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Await.until("SIGHUP handled", () -> hups.get() > 0);
    assertThat(hups.get()).isEqualTo(1);
  }
}
