package org.sipscreen.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds the UDP sockets of one listen address: with native epoll, {@code sockets} sockets on the same
 * address and port with SO_REUSEPORT, each on its own event loop, so that the kernel spreads peers (by
 * their address and port) over the loops; with NIO, one socket. One socket is bound without SO_REUSEPORT. Every socket has the listener's address,
 * so a peer sees the same source whichever socket answers.
 */
final class UdpListener {

  /** Datagrams read from one socket per wake-up of its event loop, at most (the loop's other work waits). */
  static final int READS_PER_WAKEUP = 16;

  private UdpListener() {}

  /** Binds and returns the sockets, the first one first; throws when one cannot be bound. */
  static List<Channel> bind(EventLoopGroup group, InetSocketAddress address, int sockets,
      ChannelHandler handler) throws InterruptedException {
    if (sockets < 1) {
      throw new IllegalArgumentException("sockets must be positive, was " + sockets);
    }
    // The group's I/O type decides, not the process-wide choice: tests run NIO groups beside epoll ones.
    boolean epoll = group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
    int count = epoll ? sockets : 1;
    // A single socket keeps the option off, so that a second process binding the port fails as usual.
    boolean reusePort = count > 1;
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor executor : group) {
      loops.add((EventLoop) executor);
    }
    List<Channel> channels = new ArrayList<>(count);
    InetSocketAddress bound = address;
    try {
      for (int i = 0; i < count; i++) {
        Bootstrap bootstrap = new Bootstrap().group(loops.get(i % loops.size()))
            .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
            .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
            // Netty reads 2 KiB datagrams by default and silently truncates longer ones; read the largest
            // possible datagram so that the size cap, not the buffer, decides. Such an allocator reads one
            // datagram per wake-up unless told otherwise (16 is the channel's default only for its own
            // allocator): read on while datagrams wait, and what the datagrams of one read cause is sent
            // together (UdpWriteBatch).
            .option(ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(65536).maxMessagesPerRead(READS_PER_WAKEUP))
            .handler(handler);
        if (reusePort) {
          bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        // Port 0 means any free port: the later sockets join the port the first one got.
        Channel channel = ListenException.bound(bootstrap.bind(bound), bound, "udp");
        channels.add(channel);
        bound = (InetSocketAddress) channel.localAddress();
      }
    } catch (InterruptedException | RuntimeException e) {
      channels.forEach(Channel::close);
      throw e;
    }
    return channels;
  }
}
