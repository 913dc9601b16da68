package org.sipscreen.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sipscreen.flood.FloodControl;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.LocalEndpoint;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.sip.Transport;

/**
 * The SIP sockets. The whole data path, per transport:
 * <pre>
 *   UDP: DatagramPacket -> FloodFilter -> SipUdpHandler -> StatelessProxy -> Sender
 *   TCP: accept (TcpConnectionLimit) -> bytes -> SipStreamDecoder (frames, TcpBufferBudget)
 *        -> IdleStateHandler -> FloodFilter -> SipTcpHandler -> StatelessProxy -> Sender
 *   TLS: accept (TcpConnectionLimit) -> SslHandler -> TlsHandshakeHandler (counts, peer certificate)
 *        -> the TCP pipeline from SipStreamDecoder on
 * </pre>
 * An accepted connection over the total or per-source limit is closed before its pipeline is built; the
 * framers of all connections share one budget for incomplete messages.
 * The idle timer sits behind the framer, so only whole messages keep a connection open, never a trickle of
 * bytes; the framer itself closes a connection whose message is not whole within the message timeout.
 * Outbound TCP and TLS connections get the same pipelines, so responses arriving on them are handled alike;
 * an outbound TLS connection checks the next hop's certificate ({@link TlsContexts}).
 */
public final class SipServer implements AutoCloseable {

  private final StatelessProxy proxy;
  private final ProxyMetrics metrics;
  private final FloodControl flood;
  private final int maxMessageBytes;
  private final int tcpIdleSeconds;
  private final long tcpMessageTimeoutNanos;
  private final int udpSockets;
  private final EventLoopGroup group;
  private final Sender sender;
  private final List<Channel> listeners = new ArrayList<>();
  /**
   * Ticks the next hops' OPTIONS prober on its own thread: probing never runs on an event loop, so no
   * request (an emergency INVITE least of all) waits behind it.
   */
  private final java.util.concurrent.ScheduledExecutorService probing =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sipscreen-next-hop-prober");
        t.setDaemon(true);
        return t;
      });
  private final TcpConnectionLimit connections;
  /** The TLS contexts when a listener or a next hop speaks TLS; null otherwise. */
  private volatile TlsContexts tls;
  private final TcpBufferBudget buffers;
  private final OutOfMemoryExit outOfMemory;
  /** Accepted TCP connections, for a graceful shutdown (closed channels leave the group by themselves). */
  private final io.netty.channel.group.ChannelGroup accepted =
      new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);

  public SipServer(StatelessProxy proxy, ProxyMetrics metrics, EventLoopGroup group, int maxMessageBytes,
      int tcpIdleSeconds) {
    this(proxy, metrics, group, maxMessageBytes, tcpIdleSeconds, 1);
  }

  /** @param udpSockets UDP sockets per listen address (SO_REUSEPORT, one per event loop; 1 without epoll) */
  public SipServer(StatelessProxy proxy, ProxyMetrics metrics, EventLoopGroup group, int maxMessageBytes,
      int tcpIdleSeconds, int udpSockets) {
    this(proxy, metrics, group, maxMessageBytes, tcpIdleSeconds, udpSockets,
        java.time.Duration.ofSeconds(10), FloodControl.off());
  }

  /**
   * @param udpSockets UDP sockets per listen address (SO_REUSEPORT, one per event loop; 1 without epoll)
   * @param tcpMessageTimeout how long one message may take to arrive whole on a TCP connection
   * @param flood what every received request meets first
   */
  public SipServer(StatelessProxy proxy, ProxyMetrics metrics, EventLoopGroup group, int maxMessageBytes,
      int tcpIdleSeconds, int udpSockets, java.time.Duration tcpMessageTimeout, FloodControl flood) {
    this(proxy, metrics, group, maxMessageBytes, tcpIdleSeconds, udpSockets, tcpMessageTimeout, flood,
        TcpConnectionLimit.none(), TcpBufferBudget.unlimited(), OutOfMemoryExit.PROCESS);
  }

  /**
   * @param connections admits accepted TCP connections (total and per source)
   * @param buffers bounds what all TCP connections hold in incomplete messages
   * @param outOfMemory ends the process on an out-of-memory error a pipeline catches
   */
  public SipServer(StatelessProxy proxy, ProxyMetrics metrics, EventLoopGroup group, int maxMessageBytes,
      int tcpIdleSeconds, int udpSockets, java.time.Duration tcpMessageTimeout, FloodControl flood,
      TcpConnectionLimit connections, TcpBufferBudget buffers, OutOfMemoryExit outOfMemory) {
    this.connections = connections;
    this.buffers = buffers;
    this.outOfMemory = outOfMemory;
    this.tcpMessageTimeoutNanos = tcpMessageTimeout.toNanos();
    this.flood = flood;
    this.udpSockets = udpSockets;
    this.proxy = proxy;
    this.metrics = metrics;
    this.group = group;
    this.maxMessageBytes = maxMessageBytes;
    this.tcpIdleSeconds = tcpIdleSeconds;
    this.sender = new Sender(metrics);
  }

  /** Serves TLS listeners and TLS next hops with these contexts; before {@link #start}. */
  public SipServer tls(TlsContexts contexts) {
    this.tls = contexts;
    return this;
  }

  /** Binds every configured endpoint; throws a {@link ListenException} naming the one that cannot be bound. */
  public void start() throws InterruptedException {
    SipUdpHandler udpHandler = new SipUdpHandler(proxy, sender, metrics, maxMessageBytes, outOfMemory);
    SipTcpHandler tcpHandler = new SipTcpHandler(proxy, sender, metrics, outOfMemory);
    SipTcpHandler tlsHandler = new SipTcpHandler(proxy, sender, metrics, outOfMemory, Transport.TLS);
    FloodFilter floodFilter = new FloodFilter(flood);
    ChannelInitializer<Channel> udpInit = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast("flood", floodFilter).addLast("proxy", udpHandler);
      }
    };
    ChannelInitializer<SocketChannel> tcpInit = new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        streamPipeline(ch.pipeline(), floodFilter, tcpHandler);
      }
    };
    Bootstrap client = new Bootstrap().group(group).channel(Transports.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
        .option(ChannelOption.TCP_NODELAY, true);
    sender.setTcpClient(client.clone().handler(tcpInit));
    TlsContexts contexts = tls;
    if (contexts != null) {
      TlsHandshakeHandler outboundHandshakes = new TlsHandshakeHandler(contexts, false);
      sender.setTlsClient((destination, name) -> client.clone().handler(new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          ch.pipeline().addLast("tls", contexts.clientHandler(ch.alloc(), destination, name))
              .addLast("handshake", outboundHandshakes);
          streamPipeline(ch.pipeline(), floodFilter, tlsHandler);
        }
      }).connect(destination));
    }
    TlsHandshakeHandler inboundHandshakes = contexts == null ? null : new TlsHandshakeHandler(contexts, true);

    for (LocalEndpoint endpoint : proxy.settings().endpoints()) {
      if (endpoint.transports().contains(Transport.UDP)) {
        for (Channel udp : UdpListener.bind(group, endpoint.bind(), udpSockets, udpInit)) {
          listeners.add(udp);
          sender.addUdpChannel(udp);
        }
      }
      if (endpoint.transports().contains(Transport.TCP)) {
        listeners.add(streamListener(endpoint, "tcp", ch -> ch.pipeline().addLast(tcpInit)));
      }
      if (endpoint.transports().contains(Transport.TLS)) {
        if (contexts == null) {
          throw new IllegalStateException("a TLS listener needs the TLS contexts (sip.tls)");
        }
        String clientCertificate = endpoint.clientCertificate();
        listeners.add(streamListener(endpoint, "tls", ch -> {
          ch.pipeline().addLast("tls", contexts.serverHandler(ch.alloc(), clientCertificate))
              .addLast("handshake", inboundHandshakes);
          streamPipeline(ch.pipeline(), floodFilter, tlsHandler);
        }));
      }
    }
    probing.scheduleWithFixedDelay(this::probeNextHops, PROBE_TICK_MILLIS, PROBE_TICK_MILLIS,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * A TCP or TLS listener on {@code endpoint}: each accepted connection is admitted by the connection
   * limits (or closed), tracked for draining, then given its pipeline by {@code pipeline}.
   */
  private Channel streamListener(LocalEndpoint endpoint, String transport,
      java.util.function.Consumer<SocketChannel> pipeline) throws InterruptedException {
    return ListenException.bound(new ServerBootstrap().group(group).channel(Transports.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!connections.admit(ch)) {
              return;
            }
            accepted.add(ch);
            pipeline.accept(ch);
          }
        })
        .bind(endpoint.bind()), endpoint.bind(), transport);
  }

  /** The stream part of a TCP or TLS pipeline: framer, idle timer, flood filter, SIP handler. */
  private void streamPipeline(ChannelPipeline p, FloodFilter floodFilter, SipTcpHandler handler) {
    p.addLast("framer", new SipStreamDecoder(maxMessageBytes,
        () -> metrics.malformed("tcp_framing"), tcpMessageTimeoutNanos,
        () -> metrics.dropped("tcp_message_timeout"), buffers));
    p.addLast("idle", new IdleStateHandler(0, 0, tcpIdleSeconds, TimeUnit.SECONDS));
    p.addLast("flood", floodFilter);
    p.addLast("proxy", handler);
  }

  /** How often the prober looks for due probes and expired ones (the finest probe timing it has). */
  static final long PROBE_TICK_MILLIS = 50;

  private void probeNextHops() {
    try {
      proxy.prober().tick(sender::send);
    } catch (RuntimeException e) {
      // A failed tick must not end the schedule (an exception would cancel it): the next one tries again.
      org.slf4j.LoggerFactory.getLogger(SipServer.class).warn("next_hop_probe_failed error={}", e.toString());
    }
  }

  /** True while every SIP listener is open. */
  public boolean isUp() {
    if (listeners.isEmpty()) {
      return false;
    }
    for (Channel c : listeners) {
      if (!c.isActive()) {
        return false;
      }
    }
    return true;
  }

  /** SIP listening sockets open now (every UDP socket of a listener counts). */
  public int listenersUp() {
    int up = 0;
    for (Channel c : listeners) {
      up += c.isActive() ? 1 : 0;
    }
    return up;
  }

  /**
   * Closes the TCP listening sockets, so no new connection is accepted; UDP and the open connections
   * keep working (responses of calls in flight still get through).
   */
  public void stopAccepting() {
    for (Channel c : listeners) {
      if (c instanceof io.netty.channel.ServerChannel) {
        c.close().syncUninterruptibly();
      }
    }
  }

  /** Accepted TCP connections still open. */
  public int openConnections() {
    return accepted.size();
  }

  public List<Channel> listeners() {
    return List.copyOf(listeners);
  }

  @Override
  public void close() {
    probing.shutdownNow();
    for (Channel c : listeners) {
      c.close().syncUninterruptibly();
    }
    accepted.close().syncUninterruptibly();
  }
}
