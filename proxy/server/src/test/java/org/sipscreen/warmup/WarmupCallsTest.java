package org.sipscreen.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The warm-up's caller and callee make each message from the one it follows. */
class WarmupCallsTest {

  private final WarmupCalls calls = new WarmupCalls("127.0.0.1:5060", "127.0.0.1:6000",
      new InetSocketAddress("127.0.0.1", 7000));

  private static final String FORWARDED = "INVITE sip:+13107940100@127.0.0.1:5060;user=phone SIP/2.0\r\n"
      + "Record-Route: <sip:127.0.0.1:5060;lr;x=1>\r\n"
      + "Record-Route: <sip:10.0.0.1;lr>\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-p1\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.1:6000;branch=z9hG4bK-w7;rport=6000\r\n"
      + "From: \"Caller\" <sip:+12122340007@127.0.0.1:6000;user=phone>;tag=f7\r\n"
      + "To: <sip:+13107940100@127.0.0.1:5060>\r\n"
      + "Call-ID: warmup-7\r\nCSeq: 1 INVITE\r\nMax-Forwards: 69\r\n"
      + "Content-Length: 4\r\n\r\nv=0\n";

  @Test
  void theInviteOfCallNCarriesItsOwnCallerCallIdAndBranch() {
    String invite = text(calls.invite(1234));
    assertThat(invite).startsWith("INVITE sip:+13107940100@127.0.0.1:5060;user=phone SIP/2.0\r\n")
        .contains("From: \"Caller\" <sip:+12122341234@127.0.0.1:6000;user=phone>;tag=f1234\r\n")
        .contains("Call-ID: warmup-1234\r\n").contains("branch=z9hG4bK-w1234;")
        .endsWith("Content-Length: 4\r\n\r\nv=0\n");
    assertThat(text(calls.invite(12345))).contains("<sip:+12122342345@");
  }

  @Test
  void theCalleeAnswersWithTheRequestsViasRecordRouteAndATaggedTo() {
    byte[] m = FORWARDED.getBytes(StandardCharsets.ISO_8859_1);
    String ok = text(calls.answer(m, m.length, 200));
    assertThat(ok).startsWith("SIP/2.0 200 OK\r\n"
        + "Record-Route: <sip:127.0.0.1:5060;lr;x=1>\r\n"
        + "Record-Route: <sip:10.0.0.1;lr>\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-p1\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:6000;branch=z9hG4bK-w7;rport=6000\r\n"
        + "From: \"Caller\" <sip:+12122340007@127.0.0.1:6000;user=phone>;tag=f7\r\n"
        + "Call-ID: warmup-7\r\nCSeq: 1 INVITE\r\n"
        + "To: <sip:+13107940100@127.0.0.1:5060>;tag=warmup-7\r\n"
        + "Contact: <sip:127.0.0.1:7000>\r\nContent-Length: 0\r\n\r\n");
    assertThat(text(calls.answer(m, m.length, 180))).startsWith("SIP/2.0 180 Ringing\r\n")
        .doesNotContain("Contact:");
    byte[] ringing = calls.answer(m, m.length, 180);
    assertThat(WarmupCalls.status(ringing, ringing.length)).isEqualTo(180);
  }

  @Test
  void theCallersAckAndByeFollowTheRouteSetInReverseAndTheCalleesContact() {
    byte[] m = FORWARDED.getBytes(StandardCharsets.ISO_8859_1);
    byte[] ok = calls.answer(m, m.length, 200);
    String ack = text(calls.inDialog(ok, ok.length, false));
    String bye = text(calls.inDialog(ok, ok.length, true));
    assertThat(ack).startsWith("ACK sip:127.0.0.1:7000 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:6000;branch=")
        .contains("Route: <sip:10.0.0.1;lr>\r\nRoute: <sip:127.0.0.1:5060;lr;x=1>\r\n")
        .contains("To: <sip:+13107940100@127.0.0.1:5060>;tag=warmup-7\r\n").contains("CSeq: 1 ACK\r\n")
        .doesNotContain("Record-Route");
    assertThat(bye).startsWith("BYE sip:127.0.0.1:7000 SIP/2.0\r\n").contains("CSeq: 2 BYE\r\n");
    assertThat(ack.substring(ack.indexOf("branch="), ack.indexOf(";rport")))
        .isNotEqualTo(bye.substring(bye.indexOf("branch="), bye.indexOf(";rport")));
    byte[] byeBytes = bye.getBytes(StandardCharsets.ISO_8859_1);
    byte[] byeOk = calls.answer(byeBytes, byeBytes.length, 200);
    assertThat(WarmupCalls.cseqOf(byeOk, byeOk.length, "BYE")).isTrue();
    assertThat(WarmupCalls.cseqOf(ok, ok.length, "BYE")).isFalse();
    assertThat(text(byeOk)).contains("To: <sip:+13107940100@127.0.0.1:5060>;tag=warmup-7\r\n")
        .doesNotContain("tag=warmup-7;tag");
  }

  @Test
  void aRequestIsNoResponse() {
    byte[] m = FORWARDED.getBytes(StandardCharsets.ISO_8859_1);
    assertThat(WarmupCalls.status(m, m.length)).isZero();
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
