package org.sipscreen.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
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
 * (200 when listeners are up and lists loaded: {@link Readiness}). Served by Netty like every other socket.
 */
public final class HttpServer implements AutoCloseable {

  private final Channel channel;

  private HttpServer(Channel channel) {
    this.channel = channel;
  }

  public static HttpServer start(EventLoopGroup group, Class<? extends ServerSocketChannel> channelType,
      InetSocketAddress bind, PrometheusRegistry registry, BooleanSupplier healthy)
      throws InterruptedException {
    return start(group, channelType, bind, registry, healthy, null);
  }

  public static HttpServer start(EventLoopGroup group, Class<? extends ServerSocketChannel> channelType,
      InetSocketAddress bind, PrometheusRegistry registry, BooleanSupplier healthy,
      org.sipscreen.admin.AdminApi admin) throws InterruptedException {
    return start(group, channelType, bind, registry, healthy,
        () -> healthy.getAsBoolean() ? new Readiness(true, "ready\n") : new Readiness(false, "not ready\n"),
        admin);
  }

  /**
   * @param readiness what {@code /readyz} answers
   * @param admin serves every path under {@code /admin/} (its own auth and routes); null: none
   */
  public static HttpServer start(EventLoopGroup group, Class<? extends ServerSocketChannel> channelType,
      InetSocketAddress bind, PrometheusRegistry registry, BooleanSupplier healthy,
      java.util.function.Supplier<Readiness> readiness, org.sipscreen.admin.AdminApi admin)
      throws InterruptedException {
    Handler handler = new Handler(registry, healthy, readiness, admin);
    io.netty.channel.ChannelFuture future = new ServerBootstrap().group(group).channel(channelType)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), handler);
          }
        })
        .bind(bind);
    return new HttpServer(org.sipscreen.transport.ListenException.bound(future, bind, "http"));
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  @ChannelHandler.Sharable
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusRegistry registry;
    private final BooleanSupplier healthy;
    private final java.util.function.Supplier<Readiness> readiness;
    private final io.prometheus.metrics.expositionformats.ExpositionFormats formats =
        io.prometheus.metrics.expositionformats.ExpositionFormats.init();
    private final org.sipscreen.admin.AdminApi admin;

    Handler(PrometheusRegistry registry, BooleanSupplier healthy,
        java.util.function.Supplier<Readiness> readiness, org.sipscreen.admin.AdminApi admin) {
      this.registry = registry;
      this.healthy = healthy;
      this.readiness = readiness;
      this.admin = admin;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
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

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
      HttpUtil.setContentLength(response, response.content().readableBytes());
      HttpUtil.setKeepAlive(response, keepAlive);
      var f = ctx.writeAndFlush(response);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
