package org.sipscreen.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipscreen.flood.FloodControl;
import org.sipscreen.flood.FloodPolicy;
import org.sipscreen.flood.MemoryBanStore;
import org.sipscreen.flood.SourceKey;
import org.sipscreen.metrics.ProxyMetrics;
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
import org.sipscreen.testkit.ManualTime;

/**
 * The flood filter in front of the real UDP and TCP handlers and proxy, on EmbeddedChannels: over its limit a
 * source is dropped without an answer, other sources go on, and a banned peer's emergency INVITE passes.
 */
class FloodFilterTest {

  static final InetSocketAddress PROXY = new InetSocketAddress("127.0.0.1", 5060);
  static final InetSocketAddress CORE = new InetSocketAddress("127.0.0.1", 5070);
  /** In the "local" peer's networks. */
  static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.2", 40000);
  static final InetSocketAddress OTHER_PEER = new InetSocketAddress("127.0.0.3", 40000);
  /** In no peer's networks. */
  static final InetSocketAddress STRANGER = new InetSocketAddress("192.0.2.66", 5060);
  static final int LIMIT = 5;

  final ManualTime time = new ManualTime();
  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());
  final PeerTable peers = PeerTable.of(Map.of("local", List.of("127.0.0.0/8")));
  final StatelessProxy proxy = new StatelessProxy(
      new ProxySettings(List.of(LocalEndpoint.of(PROXY, null, EnumSet.of(Transport.UDP, Transport.TCP))),
          new NextHop(CORE, Transport.UDP), PeerTable.of(Map.of("lo", List.of("127.0.0.0/8"))), true),
      new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
          List.of(new SourcePeerCheck(peers))),
      metrics);
  final Sender sender = new Sender(metrics);
  final FloodControl flood = new FloodControl(new MemoryBanStore(time, time, 100), time,
      uri -> proxy.snapshot().chain().isEmergencyUri(uri));
  EmbeddedChannel udp;

  FloodFilterTest() {
    flood.apply(Optional.of(new FloodPolicy(Duration.ofSeconds(1), LIMIT, Duration.ofSeconds(60), 1024,
        Map.of("local", List.of("127.0.0.0/8")), Map.of(), Map.of(), List.of())));
    udp = new Addressed(PEER, new FloodFilter(flood), new SipUdpHandler(proxy, sender, metrics, 65536));
    sender.addUdpChannel(udp);
  }

  @AfterEach
  void release() {
    udp.finishAndReleaseAll();
  }

  static final class Addressed extends EmbeddedChannel {
    private final InetSocketAddress remote;

    Addressed(InetSocketAddress remote, io.netty.channel.ChannelHandler... handlers) {
      super(handlers);
      this.remote = remote;
      // EmbeddedChannel registers before the remote address is set: let channelActive see it again.
      pipeline().fireChannelActive();
    }

    @Override
    public SocketAddress localAddress() {
      return PROXY;
    }

    @Override
    public SocketAddress remoteAddress() {
      return remote;
    }
  }

  static String options(InetSocketAddress from, int n, String transport) {
    return "OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/" + transport + " " + from.getHostString() + ":" + from.getPort()
        + ";branch=z9hG4bK-o" + n + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:monitor@example.net>;tag=p" + n + "\r\n"
        + "To: <sip:127.0.0.1:5060>\r\n"
        + "Call-ID: ping-" + n + "\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n";
  }

  static String invite(InetSocketAddress from, String called, int n) {
    return invite(from, called, n, "UDP");
  }

  /**
   * An INVITE; from a stranger it is answered (403 by source_peer), where an OPTIONS from a stranger is
   * dropped as a scan.
   */
  static String invite(InetSocketAddress from, String called, int n, String transport) {
    return "INVITE sip:" + called + "@127.0.0.1;user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/" + transport + " " + from.getHostString() + ":" + from.getPort() + ";branch=z9hG4bK-i" + n + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+13035550100@example.net;user=phone>;tag=f" + n + "\r\n"
        + "To: <sip:" + called + "@127.0.0.1;user=phone>\r\n"
        + "Call-ID: call-" + n + "@example.net\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Contact: <sip:caller@" + from.getHostString() + ":" + from.getPort() + ">\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n";
  }

  /** Sends one datagram; what the proxy sent in answer or forward, with its recipient, or null. */
  DatagramPacket send(String message, InetSocketAddress from) {
    ByteBuf content = Unpooled.copiedBuffer(message, ISO_8859_1);
    udp.writeInbound(new DatagramPacket(content, PROXY, from));
    assertThat(content.refCnt()).as("datagram released").isZero();
    DatagramPacket out = udp.readOutbound();
    assertThat((Object) udp.readOutbound()).isNull();
    return out;
  }

  static String text(DatagramPacket p) {
    String s = p.content().toString(ISO_8859_1);
    p.release();
    return s;
  }

  @Test
  void dropsAFloodFromOneSourceSilentlyAndAnswersAnotherSource() {
    for (int i = 0; i < LIMIT; i++) {
      assertThat(send(invite(STRANGER, "+12025550100", i), STRANGER)).as("request %d answered", i).isNotNull()
          .satisfies(p -> assertThat(text(p)).startsWith("SIP/2.0 403 "));
    }
    for (int i = LIMIT; i < 100; i++) {
      assertThat(send(invite(STRANGER, "+12025550100", i), STRANGER)).as("request %d dropped", i).isNull();
    }
    DatagramPacket answer = send(options(OTHER_PEER, 1, "UDP"), OTHER_PEER);
    assertThat(answer).isNotNull();
    assertThat(answer.recipient()).isEqualTo(OTHER_PEER);
    assertThat(text(answer)).startsWith("SIP/2.0 200 OK\r\n");

    assertThat(flood.dropped()).isEqualTo(100 - LIMIT);
    assertThat(flood.bansIssued()).isEqualTo(1);
    assertThat(flood.bans().banned(SourceKey.of(STRANGER.getAddress()))).isTrue();
    assertThat(metrics.counterValue("sipscreen_requests_received", "INVITE", "udp")).isEqualTo(LIMIT);
    assertThat(metrics.counterValue("sipscreen_requests_received", "OPTIONS", "udp")).isEqualTo(1);
  }

  @Test
  void aBannedPeersEmergencyInvitePassesAndNothingElseDoes() {
    for (int i = 0; i < LIMIT + 1; i++) {
      DatagramPacket out = send(invite(PEER, "+12025550100", i), PEER);
      if (out != null) {
        text(out);
      }
    }
    assertThat(flood.bans().banned(SourceKey.of(PEER.getAddress()))).isTrue();
    assertThat(send(invite(PEER, "+12025550100", 100), PEER)).as("an ordinary call is dropped").isNull();

    DatagramPacket forwarded = send(invite(PEER, "911", 101), PEER);
    assertThat(forwarded).as("the emergency call is forwarded").isNotNull();
    assertThat(forwarded.recipient()).isEqualTo(CORE);
    assertThat(text(forwarded)).startsWith("INVITE sip:911@127.0.0.1;user=phone SIP/2.0\r\n");
    assertThat(flood.emergencyPassed()).isEqualTo(1);
  }

  @Test
  void aBannedStrangersEmergencyInviteIsDropped() {
    for (int i = 0; i < LIMIT; i++) {
      text(send(invite(STRANGER, "+12025550100", i), STRANGER));
    }
    assertThat(send(invite(STRANGER, "+12025550100", 99), STRANGER)).isNull();
    assertThat(send(invite(STRANGER, "911", 1), STRANGER)).isNull();
    assertThat(flood.emergencyPassed()).isZero();
  }

  @Test
  void responsesAreNotCounted() {
    String response = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-nope\r\n"
        + "From: <sip:a@example.net>;tag=1\r\nTo: <sip:b@example.net>;tag=2\r\nCall-ID: r\r\n"
        + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    for (int i = 0; i < 100; i++) {
      send(response, STRANGER);
    }
    assertThat(flood.bansIssued()).isZero();
    assertThat(flood.dropped()).isZero();
  }

  @Test
  void tcpClosesABannedStrangersConnectionAndRefusesItsNextOne() {
    EmbeddedChannel tcp = new Addressed(STRANGER, new SipStreamDecoder(65536, () -> { }),
        new FloodFilter(flood), new SipTcpHandler(proxy, sender, metrics));
    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < LIMIT + 1; i++) {
      burst.append(invite(STRANGER, "+12025550100", i, "TCP"));
    }
    tcp.writeInbound(Unpooled.copiedBuffer(burst, ISO_8859_1));
    int answered = 0;
    for (ByteBuf b = tcp.readOutbound(); b != null; b = tcp.readOutbound()) {
      answered++;
      b.release();
    }
    assertThat(answered).isEqualTo(LIMIT);
    assertThat(tcp.isOpen()).as("the banned stranger's connection is closed").isFalse();
    tcp.finishAndReleaseAll();

    EmbeddedChannel again = new Addressed(STRANGER, new SipStreamDecoder(65536, () -> { }),
        new FloodFilter(flood), new SipTcpHandler(proxy, sender, metrics));
    assertThat(again.isOpen()).as("a new connection from it is closed at once").isFalse();
    again.finishAndReleaseAll();
  }

  @Test
  void passesEverythingWhenOff() {
    flood.apply(Optional.empty());
    for (int i = 0; i < 50; i++) {
      assertThat(send(invite(STRANGER, "+12025550100", i), STRANGER)).isNotNull().satisfies(p -> text(p));
    }
    assertThat(flood.dropped()).isZero();
  }
}
