package org.sipscreen.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request has not arrived whole within the timeout of its first byte: the
 * slowloris defence, which an idle timeout alone is not (every trickled byte would reset it). Two handlers
 * around the HTTP decoder share one per-connection deadline: {@link #bytes} arms it on the first byte of a
 * request, {@link #requests} disarms it when the decoder ends that request. Both run on the connection's
 * event loop, so the state needs no lock.
 */
final class RequestTimeout {

  private final long timeoutNanos;
  private final Runnable onTimeout;
  private ScheduledFuture<?> deadline;

  /** @param onTimeout counts a connection closed for it */
  RequestTimeout(long timeoutNanos, Runnable onTimeout) {
    this.timeoutNanos = timeoutNanos;
    this.onTimeout = onTimeout;
  }

  /** Before the decoder: the first byte of a request arms the deadline. */
  final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (deadline == null && msg instanceof ByteBuf b && b.isReadable()) {
        deadline = ctx.executor().schedule(() -> {
          onTimeout.run();
          ctx.close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      disarm();
      ctx.fireChannelInactive();
    }
  };

  /** After the decoder: the end of a request (or a request the decoder gave up on) disarms it. */
  final ChannelInboundHandlerAdapter requests = new ChannelInboundHandlerAdapter() {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof LastHttpContent) {
        disarm();
      }
      ctx.fireChannelRead(msg);
    }
  };

  private void disarm() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
