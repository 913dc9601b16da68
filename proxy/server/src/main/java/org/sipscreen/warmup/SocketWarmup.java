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
 * The start-up warm-up's calls over real sockets: a throwaway UDP listener on a free 127.0.0.1 port, on
 * the proxy's own event loops, with a caller and a callee socket on loopback, so that receiving, screening,
 * recording and sending are compiled before the real listeners open. The throwaway proxy may send to 127.0.0.1 only and routes every call to the
 * callee socket. The chain must be the warm-up's ({@code InstalledChain#forWarmup}): its source_peer
 * check knows the caller socket as peer {@code warmup}, whatever peers and unknown-source action the
 * operator configured, so every call runs the whole chain and completes: a configured
 * {@code unknown_source: drop} cannot leave the warm-up waiting for answers that never come.
 */
public final class SocketWarmup {

  /**
   * How long the proxy may send nothing before the calls in flight are given up (and others started): long
   * enough for the first, cold messages, which load and initialise the classes of the whole path.
   */
  private static final long ANSWER_TIMEOUT_MILLIS = 1000;
  /** How long one wait for datagrams lasts at most. */
  private static final long SELECT_MILLIS = 50;
  /** Calls in flight at a time. */
  private static final int IN_FLIGHT = 16;

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
        WarmupCalls messages = new WarmupCalls(settings.endpoints().get(0).hostPort(),
            "127.0.0.1:" + callerAddress.getPort(), calleeAddress);
        return new Player(selector, caller, callee, listen, messages).play(calls, maxMillis);
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

  /**
   * Plays the calls with up to {@link #IN_FLIGHT} of them at a time, on this thread: the caller sends
   * INVITEs, and ACK and BYE after each 200; the callee answers each INVITE with 180 and 200 and each BYE
   * with 200. Neither keeps state: every message is made from the one it follows ({@link WarmupCalls}).
   * Several calls in flight keep the event loops busy without a wake-up per message.
   */
  private static final class Player {
    private final Selector selector;
    private final DatagramChannel caller;
    private final DatagramChannel callee;
    private final InetSocketAddress proxy;
    private final WarmupCalls messages;
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);
    private int inFlight;
    private int completed;

    Player(Selector selector, DatagramChannel caller, DatagramChannel callee, InetSocketAddress proxy,
        WarmupCalls messages) {
      this.selector = selector;
      this.caller = caller;
      this.callee = callee;
      this.proxy = proxy;
      this.messages = messages;
    }

    int play(int calls, long maxMillis) throws IOException {
      long deadline = System.nanoTime() + maxMillis * 1_000_000L;
      long lastHeard = System.nanoTime();
      int started = 0;
      while (completed < calls && deadline - System.nanoTime() > 0) {
        while (inFlight < IN_FLIGHT && started < calls) {
          send(caller, messages.invite(started++));
          inFlight++;
        }
        selector.select(Math.max(1, Math.min(SELECT_MILLIS, (deadline - System.nanoTime()) / 1_000_000L)));
        selector.selectedKeys().clear();
        boolean heard = receiveAll(callee, true) | receiveAll(caller, false);
        long now = System.nanoTime();
        if (heard) {
          lastHeard = now;
        } else if (now - lastHeard > ANSWER_TIMEOUT_MILLIS * 1_000_000L) {
          // Calls whose messages went missing: give up on them and start others.
          inFlight = 0;
          lastHeard = now;
        }
      }
      return completed;
    }

    private boolean receiveAll(DatagramChannel ch, boolean atCallee) throws IOException {
      boolean any = false;
      while (true) {
        buffer.clear();
        if (ch.receive(buffer) == null) {
          return any;
        }
        any = true;
        byte[] m = buffer.array();
        int len = buffer.position();
        if (atCallee) {
          answerAtCallee(m, len);
        } else {
          followAtCaller(m, len);
        }
      }
    }

    private void answerAtCallee(byte[] m, int len) throws IOException {
      if (WarmupCalls.startsWith(m, 0, len, "INVITE ")) {
        send(callee, messages.answer(m, len, 180));
        send(callee, messages.answer(m, len, 200));
      } else if (WarmupCalls.startsWith(m, 0, len, "BYE ")) {
        send(callee, messages.answer(m, len, 200));
      }
    }

    private void followAtCaller(byte[] m, int len) throws IOException {
      int status = WarmupCalls.status(m, len);
      if (status < 200) {
        return;
      }
      if (status == 200 && WarmupCalls.cseqOf(m, len, "INVITE")) {
        send(caller, messages.inDialog(m, len, false));
        send(caller, messages.inDialog(m, len, true));
        return;
      }
      // The 200 to a BYE, or a final answer refusing the INVITE: the call is over.
      completed++;
      inFlight = Math.max(0, inFlight - 1);
    }

    private void send(DatagramChannel from, byte[] message) throws IOException {
      from.send(ByteBuffer.wrap(message), proxy);
    }
  }
}
