package org.sipscreen.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.InboundMessage;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.sip.Transport;

/**
 * One datagram is one message (RFC 3261 §18.3): copies it out of the socket buffer, hands it to the proxy
 * and sends what the proxy decides. Datagrams over the size cap are dropped and counted unread. What the
 * datagrams of one read cause is sent when the read is complete, together ({@link UdpWriteBatch}).
 */
@ChannelHandler.Sharable
final class SipUdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {

  private final StatelessProxy proxy;
  private final Sender sender;
  private final ProxyMetrics metrics;
  private final int maxMessageBytes;

  private final OutOfMemoryExit outOfMemory;

  SipUdpHandler(StatelessProxy proxy, Sender sender, ProxyMetrics metrics, int maxMessageBytes) {
    this(proxy, sender, metrics, maxMessageBytes, OutOfMemoryExit.PROCESS);
  }

  SipUdpHandler(StatelessProxy proxy, Sender sender, ProxyMetrics metrics, int maxMessageBytes,
      OutOfMemoryExit outOfMemory) {
    this.outOfMemory = outOfMemory;
    this.proxy = proxy;
    this.sender = sender;
    this.metrics = metrics;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Opens the event loop's write batch: what the datagrams of this read cause goes out together. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    UdpWriteBatch.open();
    super.channelRead(ctx, msg);
  }

  /** Sends what the read's datagrams caused ({@link UdpWriteBatch}). */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UdpWriteBatch.close();
    ctx.fireChannelReadComplete();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    int length = content.readableBytes();
    if (length > maxMessageBytes) {
      metrics.dropped("oversize_datagram");
      return;
    }
    byte[] bytes = new byte[length];
    content.getBytes(content.readerIndex(), bytes);
    InboundMessage in = new InboundMessage(bytes, 0, length, Transport.UDP, packet.sender(),
        packet.recipient(), System.nanoTime());
    sender.execute(proxy.process(in));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    outOfMemory.onError(cause);
    // A UDP socket must never close because of one bad datagram or an ICMP error.
    metrics.dropped("udp_error");
  }
}
