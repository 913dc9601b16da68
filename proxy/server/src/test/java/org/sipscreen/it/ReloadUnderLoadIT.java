package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * The reload test: SIPp places 1,000 calls at 100 calls/s from one caller while the block list
 * file is rewritten to include that caller. The file watch reloads it; calls before the swap are
 * forwarded (200, ACK, BYE through the uas), calls after it are rejected with 603, and no call fails.
 */
@Timeout(300)
class ReloadUnderLoadIT {

  static final int CALLS = 1000;

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  @Test
  void blockListChangeMidRunSwitchesDecisionsWithoutAFailedCall(@TempDir Path dir) throws Exception {
    int uasPort = Ports.free();
    // Over TCP: with UDP, a machine busy enough to delay an answer past SIPp's 500 ms retransmission
    // timer makes the uas scenario abort on the retransmitted INVITE, which has nothing to do with reloads.
    try (TestProxy proxy = TestProxy.start(dir, "sip:127.0.0.1:" + uasPort + ";transport=tcp")) {
      Process uas = Sipp.uas(dir, "uas.xml", uasPort, "t1", CALLS);
      try {
        CompletableFuture<Sipp.Result> uac = CompletableFuture.supplyAsync(() -> {
          try {
            return Sipp.uac(dir, "uac-forward-or-reject.xml", proxy.sipPort, "t1", CALLS, 100,
                "+13105550100", Sipp.caller(TestProxy.CLEAN));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        awaitAtLeast(proxy, "forwarded", 200);

        // Replace the list as an operator would: write a new file and rename it over the old one.
        Path next = dir.resolve("block.txt.new");
        Files.writeString(next, TestProxy.BLOCKED + "\n" + TestProxy.CLEAN + "\n");
        Files.move(next, dir.resolve("block.txt"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        awaitAtLeast(proxy, "rejected", 1);
        double forwardedBeforeSwap = invites(proxy, "forwarded");

        Sipp.Result result = uac.get(150, TimeUnit.SECONDS);
        assertThat(result.failed()).as(result.output()).isZero();
        assertThat(result.successful()).as(result.output()).isEqualTo(CALLS);
        double forwarded = invites(proxy, "forwarded");
        double rejected = invites(proxy, "rejected");
        assertThat(forwarded).as("no call forwarded after the swap").isEqualTo(forwardedBeforeSwap);
        assertThat(forwarded).isGreaterThanOrEqualTo(200);
        assertThat(rejected).isGreaterThan(0);
        assertThat(forwarded + rejected).isEqualTo(CALLS);
        assertThat(proxy.counter("sipscreen_screening_outcomes", "block_list", "listed"))
            .isEqualTo(rejected);
        assertThat(proxy.counter("sipscreen_requests_forwarded", "BYE", "tcp")).isEqualTo(forwarded);
        assertThat(proxy.running.reloader().files().stream()
            .filter(f -> f.name().equals("block_list")).findFirst().orElseThrow().entries()).isEqualTo(2);
      } finally {
        uas.destroy();
        uas.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static double invites(TestProxy proxy, String result) {
    return proxy.counter("sipscreen_peer_invites", "local", result);
  }

  private static void awaitAtLeast(TestProxy proxy, String result, int count) {
    Await.atLeast(result + " calls", () -> invites(proxy, result), count);
  }
}
