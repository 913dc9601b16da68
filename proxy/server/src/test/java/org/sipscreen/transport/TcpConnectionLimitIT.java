package org.sipscreen.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import org.sipscreen.sip.Transport;
import org.sipscreen.testkit.Ports;

/**
 * Real loopback sockets from several source addresses (127.0.0.2-7): a source over its limit, and any
 * source over the total, has its new connection closed unread while the connections already open keep
 * being answered; a peer's address has the higher per-source limit and the last tenth of the total; a
 * closed connection frees its place.
 */
@Timeout(60)
class TcpConnectionLimitIT {

  static final int TOTAL = 10;
  static final int PER_SOURCE = 2;
  static final int PER_PEER_SOURCE = 4;
  /** In the connection limit's peer networks. */
  static final String PEER = "127.0.0.3";

  final List<AutoCloseable> open = new ArrayList<>();
  ProxyMetrics metrics;
  SipServer server;
  InetSocketAddress listen;

  @BeforeEach
  void start() throws Exception {
    EventLoopGroup group = Transports.newGroup(2);
    open.add(() -> group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync());
    listen = new InetSocketAddress("127.0.0.1", Ports.free());
    metrics = new ProxyMetrics(new PrometheusRegistry());
    PeerTable everyLoopback = PeerTable.of(Map.of("lo", List.of("127.0.0.0/8")));
    StatelessProxy proxy = new StatelessProxy(
        new ProxySettings(List.of(LocalEndpoint.of(listen, null, EnumSet.of(Transport.TCP))),
            new NextHop(new InetSocketAddress("127.0.0.1", Ports.free()), Transport.UDP), everyLoopback, true),
        new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY, List.of()), metrics);
    PeerTable peers = PeerTable.of(Map.of("carrier", List.of(PEER + "/32")));
    TcpConnectionLimit limit = new TcpConnectionLimit(TOTAL, PER_SOURCE, PER_PEER_SOURCE,
        a -> peers.peerOf(a).isPresent(), metrics::tcpConnectionClosed);
    server = new SipServer(proxy, metrics, group, 65536, 300, 1, java.time.Duration.ofSeconds(10),
        org.sipscreen.flood.FloodControl.off(), limit, TcpBufferBudget.unlimited(), OutOfMemoryExit.PROCESS);
    open.add(server);
    server.start();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void aSourceOverItsLimitLosesItsNewConnectionAndKeepsTheOthers() throws Exception {
    Socket a = connect("127.0.0.2");
    Socket b = connect("127.0.0.2");
    assertAnswered(a, "a1");
    assertAnswered(b, "b1");

    Socket c = connect("127.0.0.2");
    assertClosedByProxy(c);
    assertThat(closed("per_source_limit")).isEqualTo(1);

    assertAnswered(a, "a2");
    assertAnswered(b, "b2");
    assertAnswered(connect("127.0.0.4"), "other source");
    awaitOpen(3);
  }

  @Test
  void aPeersAddressHasItsOwnHigherLimit() throws Exception {
    List<Socket> peer = new ArrayList<>();
    for (int i = 0; i < PER_PEER_SOURCE; i++) {
      peer.add(connect(PEER));
    }
    for (int i = 0; i < peer.size(); i++) {
      assertAnswered(peer.get(i), "peer" + i);
    }
    assertClosedByProxy(connect(PEER));
    assertThat(closed("per_source_limit")).isEqualTo(1);
  }

  @Test
  void overTheTotalTheNewConnectionIsClosedAndTheLastTenthIsForPeers() throws Exception {
    List<Socket> strangers = new ArrayList<>();
    for (String source : List.of("127.0.0.2", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7")) {
      for (int i = 0; i < PER_SOURCE; i++) {
        Socket s = connect(source);
        if (strangers.size() < TOTAL - TOTAL / 10) {
          assertAnswered(s, source + "-" + i);
          strangers.add(s);
        } else {
          assertClosedByProxy(s);
        }
      }
    }
    assertThat(closed("total_limit")).as("the tenth stranger").isEqualTo(1);
    awaitOpen(TOTAL - 1);

    Socket peer = connect(PEER);
    assertAnswered(peer, "peer in the place kept for peers");
    awaitOpen(TOTAL);
    assertClosedByProxy(connect(PEER));
    assertThat(closed("total_limit")).isEqualTo(2);
    for (Socket s : strangers) {
      assertAnswered(s, "still-" + strangers.indexOf(s));
    }
    assertAnswered(peer, "peer still");

    strangers.get(0).close();
    awaitOpen(TOTAL - 1);
    assertAnswered(connect(PEER), "peer after a place freed");
    assertThat(closed("total_limit")).isEqualTo(2);
  }

  double closed(String reason) {
    return metrics.counterValue("sipscreen_tcp_connections_closed_total", reason);
  }

  Socket connect(String source) throws IOException {
    Socket s = new Socket();
    open.add(s);
    s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    s.connect(listen, 5000);
    s.setSoTimeout(5000);
    return s;
  }

  /** The proxy answers an OPTIONS on the connection with 200. */
  void assertAnswered(Socket s, String callId) throws IOException {
    InetSocketAddress local = (InetSocketAddress) s.getLocalSocketAddress();
    String options = "OPTIONS sip:127.0.0.1:" + listen.getPort() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/TCP " + local.getAddress().getHostAddress() + ":" + local.getPort()
        + ";branch=z9hG4bK-" + callId.replace(' ', '-') + "\r\n"
        + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
        + "Call-ID: " + callId.replace(' ', '-') + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    s.getOutputStream().write(options.getBytes(ISO_8859_1));
    s.getOutputStream().flush();
    assertThat(readResponse(s)).as("answer to %s", callId).startsWith("SIP/2.0 200 ");
  }

  /** Reads up to the blank line ending a response's headers. */
  static String readResponse(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder sb = new StringBuilder();
    try {
      int c;
      while ((c = in.read()) >= 0) {
        sb.append((char) c);
        if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
          return sb.toString();
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer within 5 s: " + sb, e);
    }
    return sb.toString();
  }

  /** The proxy closed the connection without reading or answering. */
  static void assertClosedByProxy(Socket s) throws IOException {
    try {
      assertThat(s.getInputStream().read()).as("end of stream").isEqualTo(-1);
    } catch (java.net.SocketException reset) {
      // a reset is a close as well
    }
  }

  void awaitOpen(int expected) throws InterruptedException {
    for (int i = 0; i < 500 && server.openConnections() != expected; i++) {
      Thread.sleep(10);
    }
    assertThat(server.openConnections()).isEqualTo(expected);
  }
}
