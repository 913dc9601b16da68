package org.sipscreen.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.overload.OverloadControl;
import org.sipscreen.overload.OverloadPolicy;
import org.sipscreen.proxy.DecisionSink;
import org.sipscreen.proxy.LocalEndpoint;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.sip.Transport;

/**
 * Overload protection on the real UDP and TCP handlers and proxy, on EmbeddedChannels: while shedding, a new
 * INVITE from a peer is answered 503 with Retry-After and one from a stranger gets nothing, while a BYE, a
 * CANCEL, an ACK, a response and a 911 INVITE go on as before.
 */
class OverloadSheddingTest {

  static final InetSocketAddress PROXY = FloodFilterTest.PROXY;
  static final InetSocketAddress CORE = FloodFilterTest.CORE;
  static final InetSocketAddress PEER = FloodFilterTest.PEER;
  static final InetSocketAddress STRANGER = FloodFilterTest.STRANGER;

  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());
  final OverloadControl overload = OverloadControl.off();
  final StatelessProxy proxy = new StatelessProxy(
      new ProxySettings(List.of(LocalEndpoint.of(PROXY, null, EnumSet.of(Transport.UDP, Transport.TCP))),
          new NextHop(CORE, Transport.UDP), PeerTable.of(Map.of("lo", List.of("127.0.0.0/8"))), true),
      new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
          List.of(new SourcePeerCheck(PeerTable.of(Map.of("local", List.of("127.0.0.0/8")))))),
      metrics, DecisionSink.NONE, overload);
  final Sender sender = new Sender(metrics);
  final EmbeddedChannel udp = new FloodFilterTest.Addressed(PEER,
      new SipUdpHandler(proxy, sender, metrics, 65536));

  OverloadSheddingTest() {
    sender.addUdpChannel(udp);
    overload.apply(Optional.of(new OverloadPolicy(Duration.ofMillis(100), Duration.ofMillis(20), 100,
        Duration.ofSeconds(5), Duration.ofSeconds(30), 100)));
  }

  @AfterEach
  void release() {
    udp.finishAndReleaseAll();
  }

  /** Two seconds of 1 s event-loop lag, as the probe would report it. */
  void overload() {
    long now = 0;
    for (int i = 0; i < 40; i++) {
      now += 50_000_000L;
      overload.observeLag(1_000_000_000L, now);
    }
    assertThat(overload.shedding()).isTrue();
  }

  DatagramPacket send(String message, InetSocketAddress from) {
    ByteBuf content = Unpooled.copiedBuffer(message, ISO_8859_1);
    udp.writeInbound(new DatagramPacket(content, PROXY, from));
    DatagramPacket out = udp.readOutbound();
    assertThat((Object) udp.readOutbound()).isNull();
    return out;
  }

  static String text(DatagramPacket p) {
    String s = p.content().toString(ISO_8859_1);
    p.release();
    return s;
  }

  static String bye(InetSocketAddress from) {
    return "BYE sip:callee@127.0.0.1:5070 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP " + from.getHostString() + ":" + from.getPort() + ";branch=z9hG4bK-bye1\r\n"
        + "Max-Forwards: 70\r\n"
        + "Route: <sip:127.0.0.1:5060;lr>\r\n"
        + "From: <sip:+13035550100@example.net;user=phone>;tag=f1\r\n"
        + "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=t1\r\n"
        + "Call-ID: call-1@example.net\r\n"
        + "CSeq: 2 BYE\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n";
  }

  static String inDialog(String method, int cseq, InetSocketAddress from) {
    return bye(from).replace("BYE", method).replace("CSeq: 2 " + method, "CSeq: " + cseq + " " + method);
  }

  static String cancel(InetSocketAddress from) {
    return FloodFilterTest.invite(from, "+12025550100", 1).replace("INVITE", "CANCEL");
  }

  /** A 180 the core sends back for an INVITE the proxy forwarded (our Via on top, the peer's below). */
  static String ringing() {
    return "SIP/2.0 180 Ringing\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ss-abc\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.2:40000;branch=z9hG4bK-i1\r\n"
        + "From: <sip:+13035550100@example.net;user=phone>;tag=f1\r\n"
        + "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=t1\r\n"
        + "Call-ID: call-1@example.net\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n";
  }

  @Test
  void forwardsNewInvitesWhileNotOverloaded() {
    DatagramPacket out = send(FloodFilterTest.invite(PEER, "+12025550100", 1), PEER);
    assertThat(out.recipient()).isEqualTo(CORE);
    assertThat(text(out)).startsWith("INVITE ");
    assertThat(overload.shedAnsweredCount()).isZero();
  }

  @Test
  void answersANewInviteFromAPeer503WithRetryAfterWhileOverloaded() {
    overload();
    DatagramPacket out = send(FloodFilterTest.invite(PEER, "+12025550100", 1), PEER);
    assertThat(out).isNotNull();
    assertThat(out.recipient()).isEqualTo(PEER);
    String answer = text(out);
    assertThat(answer).startsWith("SIP/2.0 503 Service Unavailable\r\n").contains("\r\nRetry-After: 30\r\n")
        .contains("\r\nCall-ID: call-1@example.net\r\n").contains("\r\nCSeq: 1 INVITE\r\n");
    assertThat(overload.shedAnsweredCount()).isEqualTo(1);
    assertThat(metrics.counterValue("sipscreen_responses_sent", "503")).isEqualTo(1);
  }

  @Test
  void dropsANewInviteFromAStrangerWithoutAnAnswerWhileOverloaded() {
    overload();
    assertThat(send(FloodFilterTest.invite(STRANGER, "+12025550100", 1), STRANGER)).isNull();
    assertThat(overload.shedDroppedCount()).isEqualTo(1);
    assertThat(metrics.counterValue("sipscreen_messages_dropped", "overload")).isEqualTo(1);
  }

  @Test
  void anEmergencyInvitePassesWhileOverloaded() {
    overload();
    for (String called : List.of("911", "urn:service:sos")) {
      String invite = FloodFilterTest.invite(PEER, called, 2);
      if (called.startsWith("urn:")) {
        invite = invite.replace("INVITE sip:urn:service:sos@127.0.0.1;user=phone", "INVITE urn:service:sos");
      }
      DatagramPacket out = send(invite, PEER);
      assertThat(out).as(called).isNotNull();
      assertThat(out.recipient()).as(called).isEqualTo(CORE);
      assertThat(text(out)).startsWith("INVITE ");
    }
    assertThat(overload.emergencyPassedCount()).isEqualTo(2);
    assertThat(overload.shedAnsweredCount()).isZero();
  }

  @Test
  void inDialogRequestsCancelAndResponsesPassWhileOverloaded() {
    overload();
    for (String request : List.of(bye(PEER), inDialog("ACK", 1, PEER), inDialog("INVITE", 3, PEER),
        cancel(PEER))) {
      DatagramPacket out = send(request, PEER);
      assertThat(out).as(request).isNotNull();
      assertThat(out.recipient()).isEqualTo(CORE);
      assertThat(text(out)).startsWith(request.substring(0, request.indexOf(' ') + 1));
    }
    DatagramPacket relayed = send(ringing(), CORE);
    assertThat(relayed).isNotNull();
    assertThat(relayed.recipient()).isEqualTo(PEER);
    assertThat(text(relayed)).startsWith("SIP/2.0 180 Ringing\r\n");
    assertThat(overload.shedAnsweredCount()).isZero();
  }

  @Test
  void answersOnTheTcpConnectionWhileOverloaded() {
    overload();
    EmbeddedChannel tcp = new FloodFilterTest.Addressed(PEER, new SipStreamDecoder(65536, () -> { }),
        new SipTcpHandler(proxy, sender, metrics));
    tcp.writeInbound(Unpooled.copiedBuffer(FloodFilterTest.invite(PEER, "+12025550100", 5, "TCP")
        + FloodFilterTest.invite(PEER, "911", 6, "TCP"), ISO_8859_1));
    ByteBuf answer = tcp.readOutbound();
    assertThat(answer).isNotNull();
    String text = answer.toString(ISO_8859_1);
    answer.release();
    assertThat(text).startsWith("SIP/2.0 503 Service Unavailable\r\n").contains("Retry-After: 30\r\n");
    assertThat(overload.emergencyPassedCount()).as("the 911 INVITE went on to the core").isEqualTo(1);
    tcp.finishAndReleaseAll();
  }
}
