package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * SIPp's own Timer A against a uas that answers late: every INVITE reaches the proxy two or three times
 * before any answer comes back. The caller's velocity limit is exactly the number of calls, so counting a
 * copy as a call would reject the last calls (and answer one transaction 200 and 603+).
 */
@Timeout(300)
class RetransmissionThroughProxyIT {

  static final int CALLS = 6;

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  @Test
  @Timeout(120)
  void retransmittedInvitesGetTheFirstCopysDecisionAndAreNotCountedAgain(@TempDir Path dir)
      throws Exception {
    int uasPort = Ports.free();
    String screening = """
          velocity: { caller_per_minute: %d, action: reject_analytics }
          policy:
            redress_url: https://redress.example.net/sipscreen
        """.formatted(CALLS);
    try (TestProxy proxy = TestProxy.start(dir, "sip:127.0.0.1:" + uasPort, screening)) {
      Process uas = Sipp.uas(dir, "uas-slow.xml", uasPort, "u1", CALLS);
      Sipp.Result uac = Sipp.uac(dir, "uac-call.xml", proxy.sipPort, "u1", CALLS, 3, "+13105550100",
          Sipp.caller(TestProxy.CLEAN));
      assertThat(uac.failed()).as(uac.output()).isZero();
      assertThat(uac.successful()).as(uac.output()).isEqualTo(CALLS);
      assertThat(Sipp.await(uas)).as("uas exit code").isZero();

      double copies = proxy.counter("sipscreen_retransmissions", "forwarded");
      assertThat(copies).as("SIPp retransmitted every INVITE at least once").isGreaterThanOrEqualTo(CALLS);
      assertThat(proxy.counter("sipscreen_requests_received", "INVITE", "udp"))
          .isEqualTo(CALLS + copies);
      assertThat(proxy.counter("sipscreen_peer_invites", "local", "forwarded")).isEqualTo(CALLS);
      assertThat(proxy.counter("sipscreen_peer_invites", "local", "rejected_analytics")).isZero();
      assertThat(proxy.counter("sipscreen_screening_outcomes", "velocity", "continue")).isEqualTo(CALLS);
      assertThat(proxy.counter("sipscreen_responses_sent", "603")).isZero();
    }
  }
}
