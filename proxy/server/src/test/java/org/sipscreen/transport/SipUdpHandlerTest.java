package org.sipscreen.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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

/** The UDP and TCP handlers on EmbeddedChannels that report real socket addresses, so Sender can use them. */
class SipUdpHandlerTest {

  static final InetSocketAddress PROXY = new InetSocketAddress("127.0.0.1", 5060);
  static final InetSocketAddress UAC = new InetSocketAddress("127.0.0.2", 40000);
  static final int MAX = 2048;

  /** An EmbeddedChannel bound to PROXY and connected to UAC (constants: the super constructor asks). */
  static final class AddressedChannel extends EmbeddedChannel {
    AddressedChannel(ChannelHandler... handlers) {
      super(handlers);
    }

    @Override
    public SocketAddress localAddress() {
      return PROXY;
    }

    @Override
    public SocketAddress remoteAddress() {
      return UAC;
    }
  }

  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());
  final StatelessProxy proxy = new StatelessProxy(
      new ProxySettings(List.of(LocalEndpoint.of(PROXY, null, EnumSet.of(Transport.UDP, Transport.TCP))),
          new NextHop(new InetSocketAddress("127.0.0.1", 5070), Transport.UDP),
          PeerTable.of(Map.of("lo", List.of("127.0.0.0/8"))), true),
      new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
          List.of(new SourcePeerCheck(PeerTable.of(Map.of("local", List.of("127.0.0.0/8")))))),
      metrics);
  final Sender sender = new Sender(metrics);

  static final String OPTIONS = "OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.2:40000;branch=z9hG4bK-ping1\r\n"
      + "Max-Forwards: 70\r\n"
      + "From: <sip:monitor@127.0.0.2>;tag=p1\r\n"
      + "To: <sip:127.0.0.1:5060>\r\n"
      + "Call-ID: ping-1\r\n"
      + "CSeq: 1 OPTIONS\r\n"
      + "Content-Length: 0\r\n"
      + "\r\n";

  double dropped(String reason) {
    return metrics.counterValue("sipscreen_messages_dropped", reason);
  }

  @Test
  void dropsAndCountsAnOversizeDatagramUnread() {
    EmbeddedChannel channel = new AddressedChannel(new SipUdpHandler(proxy, sender, metrics, MAX));
    sender.addUdpChannel(channel);
    ByteBuf content = Unpooled.wrappedBuffer((OPTIONS + "x".repeat(MAX)).getBytes(ISO_8859_1));
    DatagramPacket packet = new DatagramPacket(content, PROXY, UAC);

    assertThat(channel.writeInbound(packet)).isFalse();

    assertThat(content.refCnt()).as("datagram released").isZero();
    assertThat(dropped("oversize_datagram")).isEqualTo(1);
    assertThat((Object) channel.readOutbound()).as("nothing answered").isNull();
    assertThat(metrics.counterValue("sipscreen_requests_received", "OPTIONS", "udp")).isZero();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void answersADatagramToItsSender() {
    EmbeddedChannel channel = new AddressedChannel(new SipUdpHandler(proxy, sender, metrics, MAX));
    sender.addUdpChannel(channel);
    ByteBuf content = Unpooled.copiedBuffer(OPTIONS, ISO_8859_1);

    assertThat(channel.writeInbound(new DatagramPacket(content, PROXY, UAC))).isFalse();
    assertThat(content.refCnt()).isZero();

    DatagramPacket answer = channel.readOutbound();
    assertThat(answer).isNotNull();
    try {
      assertThat(answer.recipient()).isEqualTo(UAC);
      assertThat(answer.content().toString(ISO_8859_1)).startsWith("SIP/2.0 200 OK\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.2:40000;branch=z9hG4bK-ping1;received=127.0.0.2;rport=40000\r\n");
    } finally {
      answer.release();
    }
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void sendsTheAnswersOfOneReadTogetherWhenTheReadIsComplete() {
    EmbeddedChannel channel = new AddressedChannel(new SipUdpHandler(proxy, sender, metrics, MAX));
    sender.addUdpChannel(channel);
    List<Object> flushed = new java.util.ArrayList<>();
    channel.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(io.netty.channel.ChannelHandlerContext ctx) {
        flushed.add(channel.outboundMessages().size());
        ctx.flush();
      }
    });

    // One read of three datagrams: the pipeline sees three channelReads, then one channelReadComplete.
    channel.pipeline().fireChannelRead(options("ping-a"));
    channel.pipeline().fireChannelRead(options("ping-b"));
    channel.pipeline().fireChannelRead(options("ping-c"));
    assertThat(channel.outboundMessages()).as("held until the read is complete").isEmpty();
    assertThat(flushed).isEmpty();
    channel.pipeline().fireChannelReadComplete();

    assertThat(flushed).as("one flush for the three answers").hasSize(1);
    assertThat(channel.outboundMessages()).hasSize(3);
    for (String callId : List.of("ping-a", "ping-b", "ping-c")) {
      DatagramPacket answer = channel.readOutbound();
      try {
        assertThat(answer.content().toString(ISO_8859_1)).startsWith("SIP/2.0 200 OK\r\n")
            .contains("Call-ID: " + callId + "\r\n");
      } finally {
        answer.release();
      }
    }

    // Outside a read (a screening that completes later, a timer) an answer goes at once.
    sender.execute(proxy.process(new org.sipscreen.proxy.InboundMessage(
        OPTIONS.replace("ping-1", "ping-d").getBytes(ISO_8859_1), 0, OPTIONS.length(), Transport.UDP, UAC,
        PROXY, System.nanoTime())));
    DatagramPacket later = channel.readOutbound();
    assertThat(later).as("flushed without a read").isNotNull();
    later.release();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void flushesABatchThatReachesItsLimitBeforeTheReadIsComplete() {
    EmbeddedChannel channel = new AddressedChannel(new SipUdpHandler(proxy, sender, metrics, MAX));
    sender.addUdpChannel(channel);
    for (int i = 0; i < UdpWriteBatch.MAX_HELD; i++) {
      channel.pipeline().fireChannelRead(options("burst-" + i));
    }
    assertThat(channel.outboundMessages()).hasSize(UdpWriteBatch.MAX_HELD);
    channel.pipeline().fireChannelRead(options("burst-last"));
    assertThat(channel.outboundMessages()).as("the next one is held again").hasSize(UdpWriteBatch.MAX_HELD);
    channel.pipeline().fireChannelReadComplete();
    assertThat(channel.outboundMessages()).hasSize(UdpWriteBatch.MAX_HELD + 1);
    channel.outboundMessages().forEach(io.netty.util.ReferenceCountUtil::release);
    channel.outboundMessages().clear();
    assertThat(channel.finish()).isFalse();
  }

  static DatagramPacket options(String callId) {
    return new DatagramPacket(
        Unpooled.copiedBuffer(OPTIONS.replace("ping-1", callId), ISO_8859_1), PROXY, UAC);
  }

  @Test
  void dropsAGarbageDatagramWithoutClosingTheSocket() {
    EmbeddedChannel channel = new AddressedChannel(new SipUdpHandler(proxy, sender, metrics, MAX));
    sender.addUdpChannel(channel);
    ByteBuf content = Unpooled.copiedBuffer("\0\1\2 not sip", ISO_8859_1);
    channel.writeInbound(new DatagramPacket(content, PROXY, UAC));
    assertThat(content.refCnt()).isZero();
    assertThat(dropped("malformed")).isEqualTo(1);
    assertThat(channel.isOpen()).isTrue();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void tcpPipelineFramesAndAnswersOnTheSameConnection() {
    SipTcpHandler handler = new SipTcpHandler(proxy, sender, metrics);
    EmbeddedChannel channel = new AddressedChannel(
        new SipStreamDecoder(MAX, () -> metrics.malformed("tcp_framing")), handler);
    String tcpOptions = OPTIONS.replace("SIP/2.0/UDP", "SIP/2.0/TCP");
    ByteBuf in = Unpooled.copiedBuffer(tcpOptions + tcpOptions.substring(0, 20), ISO_8859_1);

    channel.writeInbound(in);

    ByteBuf answer = channel.readOutbound();
    assertThat(answer).isNotNull();
    try {
      assertThat(answer.toString(ISO_8859_1)).startsWith("SIP/2.0 200 OK\r\n"
          + "Via: SIP/2.0/TCP 127.0.0.2:40000;branch=z9hG4bK-ping1;received=127.0.0.2;rport=40000\r\n");
    } finally {
      answer.release();
    }
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(channel.finishAndReleaseAll()).isFalse();
    assertThat(in.refCnt()).isZero();
  }
}
