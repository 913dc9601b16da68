package org.sipscreen.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.InboundMessage;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.sip.Transport;

/**
 * Hands each framed TCP (or TLS) message to the proxy and sends what it decides. Registers every
 * connection, inbound or outbound, with the {@link Sender} so that responses find their way back onto it;
 * closes idle ones.
 */
@ChannelHandler.Sharable
final class SipTcpHandler extends SimpleChannelInboundHandler<byte[]> {

  private final StatelessProxy proxy;
  private final Sender sender;
  private final ProxyMetrics metrics;

  private final OutOfMemoryExit outOfMemory;
  private final Transport transport;

  SipTcpHandler(StatelessProxy proxy, Sender sender, ProxyMetrics metrics) {
    this(proxy, sender, metrics, OutOfMemoryExit.PROCESS);
  }

  SipTcpHandler(StatelessProxy proxy, Sender sender, ProxyMetrics metrics, OutOfMemoryExit outOfMemory) {
    this(proxy, sender, metrics, outOfMemory, Transport.TCP);
  }

  /** @param transport TCP, or TLS when the connection's pipeline decrypts in front of the framer */
  SipTcpHandler(StatelessProxy proxy, Sender sender, ProxyMetrics metrics, OutOfMemoryExit outOfMemory,
      Transport transport) {
    this.transport = transport;
    this.outOfMemory = outOfMemory;
    this.proxy = proxy;
    this.sender = sender;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    sender.connectionOpened(transport, ctx.channel());
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, byte[] message) {
    InboundMessage in = new InboundMessage(message, 0, message.length, transport,
        (InetSocketAddress) ctx.channel().remoteAddress(),
        (InetSocketAddress) ctx.channel().localAddress(), System.nanoTime());
    sender.execute(proxy.process(in));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      metrics.dropped("tcp_idle_close");
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    outOfMemory.onError(cause);
    ctx.close();
  }
}
