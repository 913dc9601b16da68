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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.ProxyAction;
import org.sipscreen.proxy.Transport;
import org.sipscreen.sip.WireMessage;

/**
 * Puts {@link ProxyAction.Send}s on the wire. UDP goes out of the listening socket of the destination's
 * address family (so peers see our advertised port); TCP reuses the open connection to the destination,
 * inbound or outbound, and connects when there is none (RFC 3261 §18.2.2 and §18.4).
 */
public final class Sender {

  private final List<Channel> udpChannels = new CopyOnWriteArrayList<>();
  private final Map<InetSocketAddress, Channel> connections = new ConcurrentHashMap<>();
  /** Connects in progress: messages for a destination being connected to wait for that one connection. */
  private final Map<InetSocketAddress, ChannelFuture> connecting = new ConcurrentHashMap<>();
  private final ProxyMetrics metrics;
  private volatile Bootstrap tcpClient;

  Sender(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  void addUdpChannel(Channel channel) {
    udpChannels.add(channel);
  }

  void setTcpClient(Bootstrap bootstrap) {
    this.tcpClient = bootstrap;
  }

  void connectionOpened(Channel channel) {
    InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
    if (remote != null) {
      connections.put(remote, channel);
      channel.closeFuture().addListener(f -> connections.remove(remote, channel));
    }
  }

  int openConnections() {
    return connections.size();
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
    } else {
      sendTcp(send.destination(), send.message());
    }
  }

  private void sendUdp(InetSocketAddress destination, WireMessage message) {
    Channel channel = udpChannelFor(destination);
    if (channel == null) {
      metrics.dropped("no_udp_socket");
      return;
    }
    ByteBuf buf = encode(channel.alloc(), message);
    channel.writeAndFlush(new DatagramPacket(buf, destination), channel.voidPromise());
  }

  private void sendTcp(InetSocketAddress destination, WireMessage message) {
    Channel channel = connections.get(destination);
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(encode(channel.alloc(), message), channel.voidPromise());
      return;
    }
    Bootstrap client = tcpClient;
    if (client == null) {
      metrics.dropped("no_tcp_client");
      return;
    }
    ByteBuf buf = encode(ByteBufAllocator.DEFAULT, message);
    ChannelFuture connect = connecting.get(destination);
    if (connect == null) {
      ChannelFuture mine = client.connect(destination);
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
        metrics.dropped("tcp_connect_failed");
      }
    });
  }

  private Channel udpChannelFor(InetSocketAddress destination) {
    boolean v4 = destination.getAddress() instanceof Inet4Address;
    Channel fallback = null;
    for (Channel c : udpChannels) {
      InetSocketAddress local = (InetSocketAddress) c.localAddress();
      if (local != null && (local.getAddress() instanceof Inet4Address) == v4) {
        return c;
      }
      if (fallback == null) {
        fallback = c;
      }
    }
    return fallback;
  }

  private static ByteBuf encode(ByteBufAllocator alloc, WireMessage message) {
    ByteBuf buf = alloc.buffer(message.length());
    message.writeTo(buf::writeBytes);
    return buf;
  }
}
