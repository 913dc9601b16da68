package org.sipscreen.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.sipscreen.flood.FloodControl;

/**
 * Puts every received request through {@link FloodControl} before anything parses it: a UDP datagram
 * (first in its pipeline) or a framed TCP message (after the framer). Responses pass uncounted: the proxy
 * relays only those whose top Via is its own. A dropped request gets no answer; a TCP connection from a
 * banned source that is no peer's is closed (TCP sources cannot be spoofed), and a new one is closed at once.
 */
@ChannelHandler.Sharable
final class FloodFilter extends ChannelInboundHandlerAdapter {

  /** The longest request line read to find an emergency INVITE; a longer one is no emergency call. */
  private static final int MAX_REQUEST_LINE = 1024;

  private final FloodControl flood;

  FloodFilter(FloodControl flood) {
    this.flood = flood;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote
        && flood.refuseConnection(remote.getAddress())) {
      ctx.close();
      return;
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof DatagramPacket packet) {
      ByteBuf content = packet.content();
      if (isResponse(content) || admitted(packet.sender().getAddress(), content)) {
        ctx.fireChannelRead(msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
    } else if (msg instanceof byte[] message && ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
      ByteBuf content = io.netty.buffer.Unpooled.wrappedBuffer(message);
      if (isResponse(content) || admitted(remote.getAddress(), content)) {
        ctx.fireChannelRead(msg);
      } else if (flood.refuseConnection(remote.getAddress())) {
        ctx.close();
      }
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private boolean admitted(InetAddress source, ByteBuf content) {
    return switch (flood.admit(source)) {
      case PASS -> true;
      case DROP -> false;
      case EMERGENCY_ONLY -> flood.emergencyExempt(requestLine(content));
    };
  }

  /** A message that starts like a status line ({@code SIP/2.0 200 OK}). */
  private static boolean isResponse(ByteBuf b) {
    int i = b.readerIndex();
    return b.readableBytes() >= 4 && b.getByte(i) == 'S' && b.getByte(i + 1) == 'I' && b.getByte(i + 2) == 'P'
        && b.getByte(i + 3) == '/';
  }

  private static String requestLine(ByteBuf b) {
    int start = b.readerIndex();
    int end = Math.min(b.writerIndex(), start + MAX_REQUEST_LINE);
    int eol = b.indexOf(start, end, (byte) '\r');
    if (eol < 0) {
      eol = b.indexOf(start, end, (byte) '\n');
    }
    return eol < 0 ? "" : b.toString(start, eol - start, StandardCharsets.US_ASCII);
  }
}
