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
 * Real calls over loopback: SIPp uac -> sipscreen -> SIPp uas, over UDP and TCP. ACK and BYE follow the
 * Record-Route, so the proxy carries the whole dialog; the uas checks that they carry the proxy's Via.
 */
@Timeout(300)
class SippCallsIT {

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  @Test
  void carries500CallsOverUdpWithAckAndByeThroughRecordRoute(@TempDir Path dir) throws Exception {
    carriesCalls(dir, "u1", "udp", "");
  }

  @Test
  void carries500CallsOverTcpWithAckAndByeThroughRecordRoute(@TempDir Path dir) throws Exception {
    carriesCalls(dir, "t1", "tcp", ";transport=tcp");
  }

  private void carriesCalls(Path dir, String sippTransport, String label, String routeParam)
      throws Exception {
    int uasPort = Ports.free();
    try (TestProxy proxy = TestProxy.start(dir, "sip:127.0.0.1:" + uasPort + routeParam)) {
      Process uas = Sipp.uas(dir, "uas.xml", uasPort, sippTransport, 500);
      Sipp.Result uac = Sipp.uac(dir, "uac-call.xml", proxy.sipPort, sippTransport, 500, 250,
          "+13105550100", Sipp.caller(TestProxy.CLEAN));
      assertThat(uac.failed()).as(uac.output()).isZero();
      assertThat(uac.successful()).as(uac.output()).isEqualTo(500);
      assertThat(uac.exitCode()).as(uac.output()).isZero();
      assertThat(Sipp.await(uas)).as("uas exit code").isZero();
      assertThat(proxy.counter("sipscreen_requests_forwarded", "INVITE", label)).isEqualTo(500);
      assertThat(proxy.counter("sipscreen_requests_forwarded", "ACK", label)).isEqualTo(500);
      assertThat(proxy.counter("sipscreen_requests_forwarded", "BYE", label)).isEqualTo(500);
      assertThat(proxy.counter("sipscreen_screening_outcomes", "calling_number", "e164"))
          .isEqualTo(500);
    }
  }

  @Test
  void blockedCallerGets603AndTheUasNeverSeesThatInvite(@TempDir Path dir) throws Exception {
    int uasPort = Ports.free();
    try (TestProxy proxy = TestProxy.start(dir, "sip:127.0.0.1:" + uasPort)) {
      Process uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", 1);
      Sipp.Result blocked = Sipp.uac(dir, "uac-rejected.xml", proxy.sipPort, "u1", 5, 50,
          "+13105550100", Sipp.caller(TestProxy.BLOCKED));
      assertThat(blocked.successful()).as(blocked.output()).isEqualTo(5);
      assertThat(blocked.failed()).as(blocked.output()).isZero();
      // One clean call afterwards ends the uas, proving it was listening all along.
      Sipp.Result clean = Sipp.uac(dir, "uac-call.xml", proxy.sipPort, "u1", 1, 10,
          "+13105550100", Sipp.caller(TestProxy.CLEAN));
      assertThat(clean.successful()).as(clean.output()).isEqualTo(1);
      assertThat(Sipp.await(uas)).isZero();
      String seen = Sipp.messages(dir);
      assertThat(seen).contains(TestProxy.CLEAN).doesNotContain(TestProxy.BLOCKED);
      assertThat(proxy.counter("sipscreen_screening_outcomes", "block_list", "listed")).isEqualTo(5);
      assertThat(proxy.counter("sipscreen_messages_dropped", "ack_for_local_response")).isEqualTo(5);
    }
  }

  @Test
  void emergencyCallFromBlockedCallerGoesThrough(@TempDir Path dir) throws Exception {
    int uasPort = Ports.free();
    try (TestProxy proxy = TestProxy.start(dir, "sip:127.0.0.1:" + uasPort)) {
      Process uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", 3);
      Sipp.Result call = Sipp.uac(dir, "uac-call.xml", proxy.sipPort, "u1", 3, 10, "911",
          Sipp.caller(TestProxy.BLOCKED));
      assertThat(call.successful()).as(call.output()).isEqualTo(3);
      assertThat(Sipp.await(uas)).isZero();
      assertThat(proxy.counter("sipscreen_screening_outcomes", "emergency", "bypass")).isEqualTo(3);
      assertThat(proxy.counter("sipscreen_screening_outcomes", "block_list", "listed")).isZero();
    }
  }

  @Test
  void taggedCallReachesTheUasWithTheSpamLabel(@TempDir Path dir) throws Exception {
    int uasPort = Ports.free();
    try (TestProxy proxy = TestProxy.start(dir, "sip:127.0.0.1:" + uasPort)) {
      Process uas = Sipp.uas(dir, "uas-tagged.xml", uasPort, "u1", 3);
      Sipp.Result call = Sipp.uac(dir, "uac-call.xml", proxy.sipPort, "u1", 3, 10, "+13105550100",
          Sipp.caller(TestProxy.SUSPECT));
      assertThat(call.successful()).as(call.output()).isEqualTo(3);
      assertThat(Sipp.await(uas)).as("the uas checks the From label").isZero();
      assertThat(Sipp.messages(dir)).contains("From: \"SPAM? Caller\" <sip:" + TestProxy.SUSPECT);
    }
  }
}
