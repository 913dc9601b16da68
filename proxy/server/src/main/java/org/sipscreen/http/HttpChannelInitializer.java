package org.sipscreen.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP port's pipeline, in one place:
 * <pre>
 *   bytes -> request deadline (armed) -> HttpServerCodec -> header count -> request deadline (disarmed)
 *         -> HttpObjectAggregator -> idle timeout (complete requests only) -> HttpServer.Handler
 * </pre>
 * Connections beyond {@link HttpLimits#maxConnections} are closed as they are accepted.
 */
final class HttpChannelInitializer extends ChannelInitializer<Channel> {

  /** The largest request body: admin requests are small JSON documents. */
  static final int MAX_CONTENT_BYTES = 64 * 1024;

  private final ChannelHandler handler;
  private final HttpLimits limits;
  private final HttpMetrics metrics;
  private final AtomicInteger open = new AtomicInteger();
  private final ChannelHandler headerCount;
  private final ChannelHandler idleClose;

  HttpChannelInitializer(ChannelHandler handler, HttpLimits limits, HttpMetrics metrics) {
    this.handler = handler;
    this.limits = limits;
    this.metrics = metrics;
    this.headerCount = new HeaderCount(limits.maxHeaders());
    this.idleClose = new IdleClose(metrics);
  }

  /** Connections open now. */
  int openConnections() {
    return open.get();
  }

  @Override
  protected void initChannel(Channel ch) {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      metrics.connectionLimit.inc();
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    RequestTimeout deadline = new RequestTimeout(limits.requestTimeout().toNanos(),
        metrics.requestTimeout::inc);
    ChannelPipeline p = ch.pipeline();
    p.addLast("deadline-armed", deadline.bytes);
    p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
        .setMaxHeaderSize(limits.maxHeaderBytes())
        .setMaxInitialLineLength(Math.min(limits.maxHeaderBytes(), 4096))));
    p.addLast("header-count", headerCount);
    p.addLast("deadline-disarmed", deadline.requests);
    p.addLast("aggregator", new HttpObjectAggregator(MAX_CONTENT_BYTES));
    p.addLast("idle", new IdleStateHandler(limits.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
    p.addLast("idle-close", idleClose);
    p.addLast("handler", handler);
  }

  /** Marks a request with more header lines than allowed as failed, so it is answered 431, not served. */
  @ChannelHandler.Sharable
  static final class HeaderCount extends ChannelInboundHandlerAdapter {
    private final int max;

    HeaderCount(int max) {
      this.max = max;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest r && r.decoderResult().isSuccess() && r.headers().size() > max) {
        r.setDecoderResult(DecoderResult.failure(
            new TooLongHttpHeaderException("more than " + max + " header lines")));
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** Closes a connection that completed no request within the idle timeout. */
  @ChannelHandler.Sharable
  static final class IdleClose extends ChannelInboundHandlerAdapter {
    private final HttpMetrics metrics;

    IdleClose(HttpMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        metrics.idleTimeout.inc();
        ctx.close();
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
