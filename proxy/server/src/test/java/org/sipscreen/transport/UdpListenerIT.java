package org.sipscreen.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
import org.sipscreen.testkit.Ports;

/**
 * Real loopback sockets: several SO_REUSEPORT UDP sockets on one address (epoll), one socket with NIO, and
 * calls through either, every datagram leaving from the listener's address and port.
 */
@Timeout(120)
class UdpListenerIT {

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void epollBindsOneReusePortSocketPerEventLoopOnOneAddress() throws Exception {
    assumeThat(Epoll.isAvailable()).as("native epoll").isTrue();
    EventLoopGroup group = group(new MultiThreadIoEventLoopGroup(4, EpollIoHandler.newFactory()));
    DatagramSocket uas = socket();
    SipServer server = server(group, uas, 4);

    List<Channel> sockets = server.listeners();
    assertThat(sockets).hasSize(4);
    InetSocketAddress listen = (InetSocketAddress) sockets.get(0).localAddress();
    Set<Object> loops = new HashSet<>();
    for (Channel c : sockets) {
      assertThat(c.localAddress()).isEqualTo(listen);
      assertThat(c.config().getOption(EpollChannelOption.SO_REUSEPORT)).isTrue();
      loops.add(c.eventLoop());
    }
    assertThat(loops).as("one event loop per socket").hasSize(4);

    callsFlowThrough(listen, uas);
  }

  @Test
  void oneEpollSocketIsBoundWithoutReusePortSoTheAddressStaysExclusive() throws Exception {
    assumeThat(Epoll.isAvailable()).as("native epoll").isTrue();
    EventLoopGroup group = group(new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory()));
    DatagramSocket uas = socket();
    SipServer server = server(group, uas, 1);

    assertThat(server.listeners()).hasSize(1);
    Channel only = server.listeners().get(0);
    assertThat(only.config().getOption(EpollChannelOption.SO_REUSEPORT)).isFalse();
    InetSocketAddress listen = (InetSocketAddress) only.localAddress();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DatagramSocket(listen))
        .isInstanceOf(java.net.BindException.class);
    callsFlowThrough(listen, uas);
  }

  @Test
  void nioFallsBackToOneSocket() throws Exception {
    EventLoopGroup group = group(new MultiThreadIoEventLoopGroup(4, NioIoHandler.newFactory()));
    DatagramSocket uas = socket();
    SipServer server = server(group, uas, 4);

    assertThat(server.listeners()).hasSize(1);
    callsFlowThrough((InetSocketAddress) server.listeners().get(0).localAddress(), uas);
  }

  @Test
  void datagramsWaitingWhenTheLoopWakesAreReadTogetherAndAllForwarded() throws Exception {
    assumeThat(Epoll.isAvailable()).as("native epoll").isTrue();
    EventLoopGroup group = group(new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()));
    DatagramSocket uas = socket();
    SipServer server = server(group, uas, 1);
    Channel listener = server.listeners().get(0);
    InetSocketAddress listen = (InetSocketAddress) listener.localAddress();
    List<Integer> readsPerWakeUp = new java.util.concurrent.CopyOnWriteArrayList<>();
    int[] reads = new int[1];
    listener.pipeline().addFirst(new io.netty.channel.ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
        reads[0]++;
        ctx.fireChannelRead(msg);
      }

      @Override
      public void channelReadComplete(io.netty.channel.ChannelHandlerContext ctx) {
        readsPerWakeUp.add(reads[0]);
        reads[0] = 0;
        ctx.fireChannelReadComplete();
      }
    });

    // Hold the event loop while five INVITEs arrive, so that all five wait in the socket.
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    listener.eventLoop().execute(() -> {
      held.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    held.await();
    for (int i = 0; i < 5; i++) {
      DatagramSocket caller = socket();
      send(caller, listen, invite(caller.getLocalPort(), i));
    }
    release.countDown();

    Set<String> forwarded = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      String invite = text(receive(uas));
      int callId = invite.indexOf("Call-ID: ");
      forwarded.add(invite.substring(callId, invite.indexOf("\r\n", callId)));
    }
    assertThat(forwarded).as("every INVITE forwarded once").hasSize(5);
    assertThat(readsPerWakeUp).as("one read of the five waiting datagrams").containsExactly(5);
  }

  /**
   * From 16 callers (16 source ports, which the kernel hashes over the sockets): the INVITE reaches the uas
   * from the listener's address, the uas's 200 reaches the caller from the listener's address.
   */
  private void callsFlowThrough(InetSocketAddress listen, DatagramSocket uas) throws IOException {
    for (int i = 0; i < 16; i++) {
      DatagramSocket caller = socket();
      send(caller, listen, invite(caller.getLocalPort(), i));

      DatagramPacket atUas = receive(uas);
      assertThat(atUas.getSocketAddress()).as("INVITE %d forwarded from the listener", i).isEqualTo(listen);
      String forwarded = text(atUas);
      assertThat(forwarded).startsWith("INVITE sip:+12025550100@127.0.0.1;user=phone SIP/2.0\r\n");

      send(uas, listen, ok(forwarded));
      DatagramPacket atCaller = receive(caller);
      assertThat(atCaller.getSocketAddress()).as("200 %d from the listener", i).isEqualTo(listen);
      assertThat(text(atCaller)).startsWith("SIP/2.0 200 OK\r\n").contains("Call-ID: call-" + i + "\r\n");
    }
  }

  private SipServer server(EventLoopGroup group, DatagramSocket uas, int udpSockets) throws Exception {
    int port = Ports.free();
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
    ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());
    StatelessProxy proxy = new StatelessProxy(
        new ProxySettings(List.of(LocalEndpoint.of(address, null, EnumSet.of(Transport.UDP))),
            new NextHop((InetSocketAddress) uas.getLocalSocketAddress(), Transport.UDP),
            PeerTable.of(Map.of("lo", List.of("127.0.0.0/8"))), true),
        new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
            List.of(new SourcePeerCheck(PeerTable.of(Map.of("local", List.of("127.0.0.0/8")))))),
        metrics);
    SipServer server = new SipServer(proxy, metrics, group, 65536, 30, udpSockets);
    open.add(server);
    server.start();
    return server;
  }

  private EventLoopGroup group(EventLoopGroup group) {
    open.add(() -> group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync());
    return group;
  }

  private DatagramSocket socket() throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    s.setSoTimeout(5000);
    open.add(s);
    return s;
  }

  private static void send(DatagramSocket from, InetSocketAddress to, String message) throws IOException {
    byte[] bytes = message.getBytes(ISO_8859_1);
    from.send(new DatagramPacket(bytes, bytes.length, to));
  }

  private static DatagramPacket receive(DatagramSocket s) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
    try {
      s.receive(p);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("nothing arrived at " + s.getLocalSocketAddress(), e);
    }
    return p;
  }

  private static String text(DatagramPacket p) {
    return new String(p.getData(), p.getOffset(), p.getLength(), ISO_8859_1);
  }

  private static String invite(int port, int call) {
    return String.join("\r\n",
        "INVITE sip:+12025550100@127.0.0.1;user=phone SIP/2.0",
        "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK-call" + call,
        "Max-Forwards: 70",
        "From: <sip:+13035550100@127.0.0.1;user=phone>;tag=f" + call,
        "To: <sip:+12025550100@127.0.0.1;user=phone>",
        "Call-ID: call-" + call,
        "CSeq: 1 INVITE",
        "Contact: <sip:alice@127.0.0.1:" + port + ">",
        "Content-Length: 0",
        "", "");
  }

  /** The uas's 200 OK: the request's Vias, From, To with a tag, Call-ID and CSeq. */
  private static String ok(String request) {
    StringBuilder out = new StringBuilder("SIP/2.0 200 OK\r\n");
    for (String line : request.split("\r\n")) {
      if (line.startsWith("Via:") || line.startsWith("From:") || line.startsWith("Call-ID:")
          || line.startsWith("CSeq:") || line.startsWith("Record-Route:")) {
        out.append(line).append("\r\n");
      } else if (line.startsWith("To:")) {
        out.append(line).append(";tag=uas\r\n");
      }
    }
    return out.append("Content-Length: 0\r\n\r\n").toString();
  }
}
