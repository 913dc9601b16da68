package org.sipscreen.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The operations port: {@code GET /metrics} (Prometheus text format, OpenMetrics when the scraper asks for
 * it), {@code GET /healthz} (200 while the SIP listeners are up, 503 otherwise) and {@code GET /readyz}
 * (200 when listeners are up and lists loaded: {@link Readiness}). It runs on an event loop of its own, so
 * scrapes never delay SIP, and within {@link HttpLimits}: a request the decoder refused is answered 400
 * (431 for headers too large or too many) and its connection closed, never served.
 */
public final class HttpServer implements AutoCloseable {

  private final Channel channel;
  private final EventLoopGroup group;

  private HttpServer(Channel channel, EventLoopGroup group) {
    this.channel = channel;
    this.group = group;
  }

  /**
   * Binds the port on a one-thread event loop group of its own, closed with the server.
   *
   * @param readiness what {@code /readyz} answers
   * @param admin serves every path under {@code /admin/} (its own auth and routes); null: none
   */
  public static HttpServer start(InetSocketAddress bind, PrometheusRegistry registry,
      BooleanSupplier healthy, java.util.function.Supplier<Readiness> readiness,
      org.sipscreen.admin.AdminApi admin, HttpLimits limits) throws InterruptedException {
    EventLoopGroup group = org.sipscreen.transport.Transports.newGroup(1);
    try {
      HttpMetrics metrics = new HttpMetrics(registry);
      HttpChannelInitializer init = new HttpChannelInitializer(
          new Handler(registry, healthy, readiness, admin, metrics), limits, metrics);
      io.netty.channel.ChannelFuture future = new ServerBootstrap().group(group)
          .channel(org.sipscreen.transport.Transports.serverChannel())
          .childHandler(init)
          .bind(bind);
      return new HttpServer(org.sipscreen.transport.ListenException.bound(future, bind, "http"), group);
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
      throw e;
    }
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  @ChannelHandler.Sharable
  static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusRegistry registry;
    private final BooleanSupplier healthy;
    private final java.util.function.Supplier<Readiness> readiness;
    private final io.prometheus.metrics.expositionformats.ExpositionFormats formats =
        io.prometheus.metrics.expositionformats.ExpositionFormats.init();
    private final org.sipscreen.admin.AdminApi admin;
    private final HttpMetrics metrics;

    Handler(PrometheusRegistry registry, BooleanSupplier healthy,
        java.util.function.Supplier<Readiness> readiness, org.sipscreen.admin.AdminApi admin,
        HttpMetrics metrics) {
      this.metrics = metrics;
      this.registry = registry;
      this.healthy = healthy;
      this.readiness = readiness;
      this.admin = admin;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
      if (request.decoderResult().isFailure()) {
        // Malformed: never served. The decoder drops the rest of the stream, so the connection goes too.
        Throwable cause = request.decoderResult().cause();
        boolean tooLarge = cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException
            || cause instanceof io.netty.handler.codec.http.TooLongHttpLineException;
        (tooLarge ? metrics.headersTooLarge : metrics.badRequest).inc();
        send(ctx, tooLarge
            ? text(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request header fields too large\n")
            : text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      FullHttpResponse response;
      if (admin != null && path.startsWith("/admin/")) {
        admin.handle(ctx, request); // every /admin/ route, behind the admin API's authorization
        return;
      }
      if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
        response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
      } else if (path.equals("/metrics")) {
        // Prometheus text format, or OpenMetrics when the Accept header asks for it.
        var writer = formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
        ByteBuf buf = ctx.alloc().buffer(16 * 1024);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
          writer.write(out, registry.scrape());
        }
        response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, buf);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
      } else if (path.equals("/healthz")) {
        response = healthy.getAsBoolean()
            ? text(HttpResponseStatus.OK, "ok\n")
            : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "sip listeners down\n");
      } else if (path.equals("/readyz")) {
        Readiness r = readiness.get();
        response = text(r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
            r.detail());
      } else {
        response = text(HttpResponseStatus.NOT_FOUND, "not found\n");
      }
      send(ctx, response, HttpUtil.isKeepAlive(request));
    }

    static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
      HttpUtil.setContentLength(response, response.content().readableBytes());
      HttpUtil.setKeepAlive(response, keepAlive);
      var f = ctx.writeAndFlush(response);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }

    static FullHttpResponse text(HttpResponseStatus status, String body) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      org.sipscreen.transport.OutOfMemoryExit.PROCESS.onError(cause);
      ctx.close();
    }
  }
}
