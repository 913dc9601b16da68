package org.sipscreen.warmup;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.LocalEndpoint;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.recording.RecordingSink;
import org.sipscreen.records.DecisionRecorder;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.sip.Transport;
import org.sipscreen.transport.SipServer;

/**
 * The start-up warm-up over real sockets: a throwaway UDP listener on a free 127.0.0.1 port, on the
 * proxy's own event loops, with a caller and a callee socket on loopback, so that receiving, sending and
 * the Netty pipeline are compiled before the real listeners open (the direct {@link Warmup#run} reaches
 * only the proxy's logic). The throwaway proxy may send to 127.0.0.1 only and routes every call to the
 * callee socket. The chain must be the warm-up's ({@code InstalledChain#forWarmup}): its source_peer
 * check knows the caller socket as peer {@code warmup}, whatever peers and unknown-source action the
 * operator configured, so every call runs the whole chain and completes: a configured
 * {@code unknown_source: drop} cannot leave the warm-up waiting for answers that never come.
 */
public final class SocketWarmup {

  /** How long to wait for the proxy's answer to one message before going on without it. */
  private static final long ANSWER_TIMEOUT_MILLIS = 200;

  private SocketWarmup() {}

  /**
   * Plays up to {@code calls} calls, stopping after {@code maxMillis}; returns the number played. The
   * listener and sockets are closed when it returns.
   *
   * @param configured the real proxy's settings (record-routing is copied)
   * @param metrics the throwaway proxy's metrics (not the real proxy's)
   * @param recorder decision records of the warm-up calls, or null for none
   */
  public static int run(EventLoopGroup group, ProxySettings configured, ScreeningChain chain,
      ProxyMetrics metrics, DecisionRecorder recorder, int maxMessageBytes, int calls, long maxMillis)
      throws IOException, InterruptedException {
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    try (DatagramChannel caller = open(loopback); DatagramChannel callee = open(loopback);
        Selector selector = Selector.open()) {
      InetSocketAddress listen = new InetSocketAddress(loopback, freeUdpPort(loopback));
      InetSocketAddress calleeAddress = (InetSocketAddress) callee.getLocalAddress();
      ProxySettings settings = new ProxySettings(
          List.of(LocalEndpoint.of(listen, null, EnumSet.of(Transport.UDP))),
          new NextHop(calleeAddress, Transport.UDP),
          PeerTable.of(Map.of("warmup", List.of("127.0.0.1/32"))),
          configured.recordRoute(), ProxySettings.UnknownSources.FORBIDDEN);
      StatelessProxy proxy = new StatelessProxy(settings, chain, metrics, RecordingSink.of(recorder));
      SipServer server = new SipServer(proxy, metrics, group, maxMessageBytes, 30, 1);
      try {
        server.start();
        caller.register(selector, SelectionKey.OP_READ);
        callee.register(selector, SelectionKey.OP_READ);
        InetSocketAddress callerAddress = (InetSocketAddress) caller.getLocalAddress();
        Warmup.Wire wire = new Wire(selector, caller, callee, listen);
        return Warmup.play(wire, settings.endpoints().get(0).hostPort(),
            "127.0.0.1:" + callerAddress.getPort(), calleeAddress, calls, maxMillis);
      } finally {
        server.close();
      }
    }
  }

  private static DatagramChannel open(InetAddress loopback) throws IOException {
    DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
    ch.bind(new InetSocketAddress(loopback, 0));
    ch.configureBlocking(false);
    return ch;
  }

  private static int freeUdpPort(InetAddress loopback) throws IOException {
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
      return probe.getLocalPort();
    }
  }

  /** Sends from the caller or callee socket and waits for the next datagram on either. */
  private static final class Wire implements Warmup.Wire {
    private final Selector selector;
    private final DatagramChannel caller;
    private final DatagramChannel callee;
    private final InetSocketAddress proxy;
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);

    Wire(Selector selector, DatagramChannel caller, DatagramChannel callee, InetSocketAddress proxy) {
      this.selector = selector;
      this.caller = caller;
      this.callee = callee;
      this.proxy = proxy;
    }

    @Override
    public String carry(String text, boolean fromCallee) {
      try {
        drain(caller);
        drain(callee);
        (fromCallee ? callee : caller).send(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), proxy);
        long deadline = System.nanoTime() + ANSWER_TIMEOUT_MILLIS * 1_000_000L;
        long left;
        while ((left = (deadline - System.nanoTime()) / 1_000_000L) > 0) {
          selector.select(left);
          selector.selectedKeys().clear();
          for (DatagramChannel ch : new DatagramChannel[] {callee, caller}) {
            buffer.clear();
            if (ch.receive(buffer) != null) {
              buffer.flip();
              return StandardCharsets.ISO_8859_1.decode(buffer).toString();
            }
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    }

    private void drain(DatagramChannel ch) throws IOException {
      do {
        buffer.clear();
      } while (ch.receive(buffer) != null);
    }
  }
}
