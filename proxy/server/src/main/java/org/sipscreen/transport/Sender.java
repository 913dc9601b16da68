package org.sipscreen.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.ProxyAction;
import org.sipscreen.sip.Transport;
import org.sipscreen.sip.WireMessage;

/**
 * Puts {@link ProxyAction.Send}s on the wire. UDP goes out of the listening socket of the destination's
 * address family (so peers see our advertised port); TCP and TLS reuse the open connection of that
 * transport to the destination, inbound or outbound, and connect when there is none (RFC 3261 §18.2.2 and
 * §18.4). A message to a TLS next hop named by host goes only on a connection this proxy opened to that
 * name, whose certificate proved it: another connection from or to the same address proved nothing of it.
 */
public final class Sender {

  /** Copy-on-write array: read on every UDP send without an iterator or a lock. */
  private volatile Channel[] udpChannels = new Channel[0];
  private final Map<InetSocketAddress, Channel> connections = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, Channel> tlsConnections = new ConcurrentHashMap<>();
  /** Connects in progress: messages for a destination being connected to wait for that one connection. */
  private final Map<InetSocketAddress, ChannelFuture> connecting = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, ChannelFuture> tlsConnecting = new ConcurrentHashMap<>();
  private final Map<NamedTls, Channel> namedTlsConnections = new ConcurrentHashMap<>();
  private final Map<NamedTls, ChannelFuture> namedTlsConnecting = new ConcurrentHashMap<>();
  private final ProxyMetrics metrics;
  private volatile Function<InetSocketAddress, ChannelFuture> tcpClient;
  private volatile Function<InetSocketAddress, ChannelFuture> tlsClient;
  private volatile Function<NamedTls, ChannelFuture> namedTlsClient;

  /** A TLS connection to an address whose certificate proved {@code name}. */
  record NamedTls(InetSocketAddress address, String name) {}

  Sender(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  synchronized void addUdpChannel(Channel channel) {
    Channel[] more = Arrays.copyOf(udpChannels, udpChannels.length + 1);
    more[more.length - 1] = channel;
    udpChannels = more;
  }

  void setTcpClient(Bootstrap bootstrap) {
    this.tcpClient = bootstrap::connect;
  }

  /**
   * How to open a TLS connection to a destination that must prove a name, or its address when the name is
   * empty (the TLS handler is made for that destination).
   */
  void setTlsClient(java.util.function.BiFunction<InetSocketAddress, java.util.Optional<String>,
      ChannelFuture> connect) {
    this.tlsClient = address -> connect.apply(address, java.util.Optional.empty());
    this.namedTlsClient = named -> {
      ChannelFuture f = connect.apply(named.address(), java.util.Optional.of(named.name()));
      f.addListener((ChannelFutureListener) done -> {
        if (done.isSuccess()) {
          namedTlsConnections.put(named, done.channel());
          done.channel().closeFuture().addListener(c -> namedTlsConnections.remove(named, done.channel()));
        }
      });
      return f;
    };
  }

  void connectionOpened(Channel channel) {
    connectionOpened(Transport.TCP, channel);
  }

  void connectionOpened(Transport transport, Channel channel) {
    InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
    if (remote != null) {
      Map<InetSocketAddress, Channel> open = transport == Transport.TLS ? tlsConnections : connections;
      open.put(remote, channel);
      channel.closeFuture().addListener(f -> open.remove(remote, channel));
    }
  }

  int openConnections() {
    return connections.size() + tlsConnections.size();
  }

  /**
   * Carries out what the proxy decided: sends now, or when a pending screening completes (on whichever
   * thread completes it; Netty hands the write to the channel's event loop).
   */
  public void execute(ProxyAction action) {
    if (action instanceof ProxyAction.Send send) {
      send(send);
    } else if (action instanceof ProxyAction.Pending pending) {
      pending.action().thenAccept(this::execute);
    }
  }

  public void send(ProxyAction.Send send) {
    if (send.transport() == Transport.UDP) {
      sendUdp(send.destination(), send.message());
    } else if (send.transport() == Transport.TLS && send.tlsName().isPresent()) {
      sendStream(new NamedTls(send.destination(), send.tlsName().get()), send.message(), namedTlsConnections,
          namedTlsConnecting, namedTlsClient, "tls");
    } else if (send.transport() == Transport.TLS) {
      sendStream(send.destination(), send.message(), tlsConnections, tlsConnecting, tlsClient, "tls");
    } else {
      sendStream(send.destination(), send.message(), connections, connecting, tcpClient, "tcp");
    }
  }

  private void sendUdp(InetSocketAddress destination, WireMessage message) {
    Channel channel = udpChannelFor(destination);
    if (channel == null) {
      metrics.dropped("no_udp_socket");
      return;
    }
    ByteBuf buf = encode(channel.alloc(), message);
    UdpWriteBatch.write(channel, new DatagramPacket(buf, destination));
  }

  private <K> void sendStream(K destination, WireMessage message, Map<K, Channel> connections,
      Map<K, ChannelFuture> connecting, Function<K, ChannelFuture> client, String transport) {
    Channel channel = connections.get(destination);
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(encode(channel.alloc(), message), channel.voidPromise());
      return;
    }
    if (client == null) {
      metrics.dropped("no_" + transport + "_client");
      return;
    }
    ByteBuf buf = encode(ByteBufAllocator.DEFAULT, message);
    ChannelFuture connect = connecting.get(destination);
    if (connect == null) {
      ChannelFuture mine = client.apply(destination);
      ChannelFuture other = connecting.putIfAbsent(destination, mine);
      if (other != null) {
        mine.channel().close(); // another thread started the same connect first: use that one
        connect = other;
      } else {
        connect = mine;
        mine.addListener(done -> connecting.remove(destination, mine));
      }
    }
    connect.addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        f.channel().writeAndFlush(buf, f.channel().voidPromise());
      } else {
        buf.release();
        metrics.dropped(transport + "_connect_failed");
      }
    });
  }

  /**
   * The first listening socket of the destination's address family, or, when that listener has several
   * SO_REUSEPORT sockets, the one on the calling event loop: same source address and port for the peer, and
   * no hand-over to another thread.
   */
  private Channel udpChannelFor(InetSocketAddress destination) {
    Channel[] channels = udpChannels;
    boolean v4 = destination.getAddress() instanceof Inet4Address;
    Channel chosen = null;
    for (Channel c : channels) {
      InetSocketAddress local = (InetSocketAddress) c.localAddress();
      if (local != null && (local.getAddress() instanceof Inet4Address) == v4) {
        chosen = c;
        break;
      }
    }
    if (chosen == null) {
      return channels.length == 0 ? null : channels[0];
    }
    if (chosen.eventLoop().inEventLoop()) {
      return chosen;
    }
    Object listenAddress = chosen.localAddress();
    for (Channel c : channels) {
      if (c.eventLoop().inEventLoop() && listenAddress.equals(c.localAddress())) {
        return c;
      }
    }
    return chosen;
  }

  private static ByteBuf encode(ByteBufAllocator alloc, WireMessage message) {
    ByteBuf buf = alloc.buffer(message.length());
    message.writeTo(buf::writeBytes);
    return buf;
  }
}
