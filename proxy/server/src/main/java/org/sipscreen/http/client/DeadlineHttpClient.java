package org.sipscreen.http.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.sipscreen.http.client.HttpResult.Failed;
import org.sipscreen.http.client.HttpResult.Failure;

/**
 * HTTP/1.1 GET over Netty with one deadline per request for the whole exchange: DNS, waiting for a
 * pooled connection, connect, TLS and the complete response. Host names resolve on two small resolver
 * threads (never on an event loop, which the JDK resolver would block); every address goes through the
 * {@link AddressPolicy}, and the connection is made to the address that was checked, so DNS cannot be
 * asked twice with different answers. Bodies are capped; redirects are not followed. Connections are
 * either kept alive in a fixed pool per origin or opened per request and closed after it. {@link #get}
 * never blocks and its future always completes with an {@link HttpResult}, on an event loop or a resolver
 * thread.
 */
public final class DeadlineHttpClient implements AutoCloseable {

  /**
   * @param connectTimeout the TCP connect alone (the request's deadline bounds it too)
   * @param maxResponseBytes a larger body, or Content-Length, fails with {@link Failure#TOO_LARGE}
   * @param maxConnectionsPerOrigin keep-alive connections per origin and address; {@code 0}: a fresh
   *     connection per request, closed after it ({@code Connection: close})
   * @param maxInFlight requests begun and not yet ended; more fail at once with {@link Failure#BUSY}
   * @param addressPolicy which resolved addresses may be connected to
   * @param tls the client TLS context for {@code https} origins; without it they are refused
   */
  public record Settings(Duration connectTimeout, int maxResponseBytes, int maxConnectionsPerOrigin,
      int maxInFlight, AddressPolicy addressPolicy, Optional<SslContext> tls) {

    public Settings {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
      }
      if (maxResponseBytes < 1) {
        throw new IllegalArgumentException("maxResponseBytes must be positive, was " + maxResponseBytes);
      }
      if (maxConnectionsPerOrigin < 0) {
        throw new IllegalArgumentException(
            "maxConnectionsPerOrigin must be 0 or more, was " + maxConnectionsPerOrigin);
      }
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be positive, was " + maxInFlight);
      }
      Objects.requireNonNull(addressPolicy, "addressPolicy");
      Objects.requireNonNull(tls, "tls");
    }
  }

  private static final byte[] NO_BODY = new byte[0];

  private final Settings settings;
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final ThreadPoolExecutor resolver;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentMap<Route, FixedChannelPool> pools = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Where pooled connections go: the origin (Host header, TLS name) at one checked address. */
  private record Route(Origin origin, InetSocketAddress remote) {}

  /**
   * @param group the event loops connections run on (the proxy's own group is fine; it is not closed)
   * @param channelType the socket channel class matching {@code group} (epoll or NIO)
   */
  public DeadlineHttpClient(Settings settings, EventLoopGroup group,
      Class<? extends SocketChannel> channelType) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.group = Objects.requireNonNull(group, "group");
    this.channelType = Objects.requireNonNull(channelType, "channelType");
    this.resolver = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.maxInFlight()), runnable -> {
          Thread thread = new Thread(runnable, "sipscreen-http-resolver");
          thread.setDaemon(true);
          return thread;
        });
    resolver.allowCoreThreadTimeOut(true);
  }

  public Settings settings() {
    return settings;
  }

  /** Starts the GET; the future completes by the request's deadline at the latest. */
  public CompletionStage<HttpResult> get(HttpGet request) {
    Objects.requireNonNull(request, "request");
    Exchange exchange = new Exchange(request);
    if (closed) {
      exchange.end(new Failed(Failure.CLOSED, "the HTTP client is closed", null), false);
      return exchange.result;
    }
    if (request.origin().https() && settings.tls().isEmpty()) {
      exchange.end(new HttpResult.Refused("https is not set up for " + request.origin()), false);
      return exchange.result;
    }
    if (inFlight.incrementAndGet() > settings.maxInFlight()) {
      inFlight.decrementAndGet();
      exchange.end(new Failed(Failure.BUSY,
          "more than " + settings.maxInFlight() + " requests in flight", null), false);
      return exchange.result;
    }
    exchange.result.whenComplete((result, error) -> inFlight.decrementAndGet());
    exchange.timer = group.next().schedule(
        () -> exchange.end(new HttpResult.TimedOut(request.deadline()), false),
        request.deadline().toNanos(), TimeUnit.NANOSECONDS);
    if (request.address().isPresent()) {
      connectToFirstAllowed(exchange, new InetAddress[] {request.address().get()});
      return exchange.result;
    }
    try {
      resolver.execute(() -> resolveAndConnect(exchange));
    } catch (RejectedExecutionException e) {
      exchange.end(new Failed(Failure.BUSY, "the host resolver is busy or closed", null), false);
    }
    return exchange.result;
  }

  /** Fails requests not begun; closes idle pooled connections. The event loop group is not ours. */
  @Override
  public void close() {
    closed = true;
    resolver.shutdownNow();
    pools.values().forEach(FixedChannelPool::closeAsync);
  }

  /** Runs on a resolver thread: DNS, then the policy and the connect (which returns at once). */
  private void resolveAndConnect(Exchange exchange) {
    if (exchange.isEnded()) {
      return;
    }
    String host = exchange.request.origin().host();
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      exchange.end(new Failed(Failure.DNS, "cannot resolve " + host, null), false);
      return;
    }
    if (!exchange.isEnded()) { // else the deadline passed while DNS was answering
      connectToFirstAllowed(exchange, addresses);
    }
  }

  private void connectToFirstAllowed(Exchange exchange, InetAddress[] addresses) {
    Origin origin = exchange.request.origin();
    String refusal = null;
    for (InetAddress candidate : addresses) {
      Optional<String> why = settings.addressPolicy().whyRefused(candidate);
      if (why.isEmpty()) {
        connect(exchange, new InetSocketAddress(candidate, origin.port()));
        return;
      }
      if (refusal == null) {
        refusal = origin.host() + " is " + candidate.getHostAddress() + ", a " + why.get();
      }
    }
    exchange.end(new HttpResult.Refused(refusal), false);
  }

  private void connect(Exchange exchange, InetSocketAddress remote) {
    Origin origin = exchange.request.origin();
    if (settings.maxConnectionsPerOrigin() == 0) {
      bootstrap(remote).handler(new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          initPipeline(ch, origin, false);
        }
      }).connect().addListener((ChannelFuture connected) -> {
        if (connected.isSuccess()) {
          exchange.begin(connected.channel(), null);
        } else {
          exchange.end(connectFailure(origin, remote, connected.cause()), false);
        }
      });
      return;
    }
    FixedChannelPool pool = pools.computeIfAbsent(new Route(origin, remote), this::newPool);
    if (closed) {
      pool.closeAsync();
      exchange.end(new Failed(Failure.CLOSED, "the HTTP client is closed", null), false);
      return;
    }
    pool.acquire().addListener((Future<Channel> acquired) -> {
      if (acquired.isSuccess()) {
        exchange.begin(acquired.getNow(), pool);
      } else if (closed) {
        exchange.end(new Failed(Failure.CLOSED, "the HTTP client is closed", null), false);
      } else if (acquired.cause() instanceof IllegalStateException busy) {
        exchange.end(new Failed(Failure.BUSY, origin + ": " + busy.getMessage(), busy), false);
      } else {
        exchange.end(connectFailure(origin, remote, acquired.cause()), false);
      }
    });
  }

  private Bootstrap bootstrap(InetSocketAddress remote) {
    return new Bootstrap().group(group).channel(channelType).remoteAddress(remote)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis())))
        .option(ChannelOption.TCP_NODELAY, true);
  }

  private FixedChannelPool newPool(Route route) {
    return new FixedChannelPool(bootstrap(route.remote()), new AbstractChannelPoolHandler() {
      @Override
      public void channelCreated(Channel ch) {
        initPipeline(ch, route.origin(), true);
      }
    }, ChannelHealthChecker.ACTIVE, null, -1, settings.maxConnectionsPerOrigin(), settings.maxInFlight());
  }

  /** The whole data path of a connection: TLS for https (SNI and host name check), HTTP, the exchange. */
  private void initPipeline(Channel ch, Origin origin, boolean pooled) {
    if (origin.https()) {
      ch.pipeline().addLast(settings.tls().orElseThrow()
          .newHandler(ch.alloc(), origin.host(), origin.port()));
    }
    ch.pipeline().addLast(new HttpClientCodec(), new ExchangeHandler(origin, pooled));
  }

  private static Failed connectFailure(Origin origin, InetSocketAddress remote, Throwable cause) {
    return new Failed(Failure.CONNECT, "cannot connect to " + origin.authority() + " ("
        + remote.getAddress().getHostAddress() + "): " + (cause == null ? "cancelled" : cause.getMessage()),
        cause);
  }

  /** Classifies an exception from the pipeline: TLS, a refused connection, else a broken exchange. */
  private static Failed failureOf(Throwable cause, Origin origin) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof CertificateException) {
        return new Failed(Failure.TLS,
            "TLS with " + origin.authority() + " failed: " + t.getMessage(), cause);
      }
      if (t instanceof ConnectException) {
        return new Failed(Failure.CONNECT,
            "connection to " + origin.authority() + " failed: " + t.getMessage(), cause);
      }
    }
    return new Failed(Failure.PROTOCOL, "exchange with " + origin.authority() + " failed: " + cause, cause);
  }

  /**
   * One request's state: its result, its deadline timer and, once begun, its connection. Ends exactly
   * once; the connection goes back (closed unless reusable) before the result completes, so a caller's
   * next request finds it in the pool.
   */
  private final class Exchange {
    final HttpGet request;
    final CompletableFuture<HttpResult> result = new CompletableFuture<>();
    volatile ScheduledFuture<?> timer;
    private boolean ended;
    private Channel channel;
    private FixedChannelPool pool;

    Exchange(HttpGet request) {
      this.request = request;
    }

    synchronized boolean isEnded() {
      return ended;
    }

    /** Takes the connection (any thread) and sends the request on its event loop. */
    void begin(Channel ch, FixedChannelPool from) {
      boolean taken;
      synchronized (this) {
        taken = !ended;
        if (taken) {
          channel = ch;
          pool = from;
        }
      }
      if (!taken) { // ended meanwhile (the deadline): the connection goes back unused
        giveBack(ch, from, false);
        return;
      }
      boolean keepAlive = from != null;
      if (ch.eventLoop().inEventLoop()) {
        send(ch, keepAlive);
      } else {
        ch.eventLoop().execute(() -> send(ch, keepAlive));
      }
    }

    private void send(Channel ch, boolean keepAlive) {
      if (isEnded()) {
        return;
      }
      Origin origin = request.origin();
      ch.pipeline().get(ExchangeHandler.class).expect(this);
      FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
          request.target(), Unpooled.EMPTY_BUFFER);
      get.headers()
          .set(HttpHeaderNames.HOST, origin.authority())
          .set(HttpHeaderNames.USER_AGENT, "sipscreen")
          .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
      for (Map.Entry<String, String> header : request.headers().entrySet()) {
        get.headers().set(header.getKey(), header.getValue());
      }
      ch.writeAndFlush(get).addListener(written -> {
        if (!written.isSuccess()) {
          end(failureOf(written.cause(), origin), false);
        }
      });
    }

    /** Completes the result unless it already is; false if it was. */
    boolean end(HttpResult outcome, boolean reuse) {
      Channel ch;
      FixedChannelPool from;
      synchronized (this) {
        if (ended) {
          return false;
        }
        ended = true;
        ch = channel;
        from = pool;
        channel = null;
        pool = null;
      }
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      if (ch != null) {
        giveBack(ch, from, reuse);
      }
      result.complete(outcome);
      return true;
    }

    /**
     * Returns a connection: to its pool if it has one, closed first unless it is reusable. A closed one goes
     * back only once the close is done (this may run off the channel's event loop), so the pool's health
     * check cannot hand it out again.
     */
    private static void giveBack(Channel ch, FixedChannelPool from, boolean reuse) {
      if (reuse) {
        from.release(ch);
      } else if (from == null) {
        ch.close();
      } else {
        ch.close().addListener(closed -> from.release(ch));
      }
    }
  }

  /**
   * One per connection, on its event loop: reads the response of the one exchange in flight (HTTP/1.1,
   * no pipelining), the body up to the cap.
   */
  private final class ExchangeHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Origin origin;
    private final boolean pooled;
    private Exchange exchange;
    private HttpResponse response;
    private ByteArrayOutputStream body;

    ExchangeHandler(Origin origin, boolean pooled) {
      this.origin = origin;
      this.pooled = pooled;
    }

    void expect(Exchange next) {
      exchange = next;
      response = null;
      body = null;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
      if (exchange == null) {
        ctx.close(); // a response nobody asked for: the connection is out of step
        return;
      }
      if (exchange.isEnded()) {
        return; // the deadline passed; the connection is closing
      }
      if (message.decoderResult().isFailure()) {
        finish(new Failed(Failure.PROTOCOL, origin.authority() + " sent a malformed HTTP response: "
            + message.decoderResult().cause(), message.decoderResult().cause()), false);
        return;
      }
      if (message instanceof HttpResponse head) {
        if (!exchange.request.readsBodyOf().test(head.status().code())) {
          finish(new HttpResult.Ok(head.status(), head.headers(), NO_BODY), false);
          return;
        }
        long length = HttpUtil.getContentLength(head, -1L);
        if (length > settings.maxResponseBytes()) {
          finish(tooLarge(), false);
          return;
        }
        response = head;
        body = new ByteArrayOutputStream(length > 0 ? (int) length : 256);
      }
      if (message instanceof HttpContent content && body != null) {
        ByteBuf data = content.content();
        if (body.size() + data.readableBytes() > settings.maxResponseBytes()) {
          finish(tooLarge(), false);
          return;
        }
        try {
          data.readBytes(body, data.readableBytes());
        } catch (IOException e) {
          throw new IllegalStateException("writing to memory cannot fail", e);
        }
        if (content instanceof LastHttpContent) {
          finish(new HttpResult.Ok(response.status(), response.headers(), body.toByteArray()),
              pooled && HttpUtil.isKeepAlive(response));
        }
      }
    }

    private Failed tooLarge() {
      return new Failed(Failure.TOO_LARGE,
          origin.authority() + " sent more than " + settings.maxResponseBytes() + " bytes", null);
    }

    private void finish(HttpResult outcome, boolean reuse) {
      Exchange ending = exchange;
      expect(null);
      ending.end(outcome, reuse);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()
          && exchange != null) {
        finish(failureOf(handshake.cause(), origin), false);
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (exchange != null) {
        finish(new Failed(Failure.PROTOCOL,
            origin.authority() + " closed the connection before the response was complete", null), false);
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (exchange != null) {
        finish(failureOf(cause, origin), false);
      }
      ctx.close();
    }
  }
}
