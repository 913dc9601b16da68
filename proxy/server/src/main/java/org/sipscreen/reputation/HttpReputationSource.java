package org.sipscreen.reputation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sipscreen.screening.check.reputation.ReputationAnswer;
import org.sipscreen.screening.check.reputation.ReputationSource;

/**
 * The reputation service over HTTP/1.1 on Netty: {@code GET <url with the number>} answered by
 * {@code 200 {"score": 87, "category": "robocall"}} or {@code 404} (not found); anything else is a
 * failure. Connections to the one configured host are kept alive in a small fixed pool; redirects are
 * not followed. {@link #lookup} never blocks: it returns a future that completes on an event loop.
 */
public final class HttpReputationSource implements ReputationSource, AutoCloseable {

  /** The placeholder in the URL template that the URL-encoded E.164 number replaces. */
  public static final String NUMBER_PLACEHOLDER = "{number}";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Client settings (config keys under {@code screening.reputation} in brackets).
   *
   * @param url {@code http://host[:port]/path...{number}...} [{@code url}]
   * @param connectTimeout TCP connect timeout [{@code connect_timeout_ms}, 200 ms]
   * @param requestTimeout from sending the request to the whole response; the connection is closed
   *     after a timeout [{@code request_timeout_ms}, 1 s]
   * @param maxConnections keep-alive connections to the service [{@code max_connections}, 8]
   * @param maxResponseBytes a larger response body is a failure [{@code max_response_bytes}, 4096]
   */
  public record Settings(String url, Duration connectTimeout, Duration requestTimeout,
      int maxConnections, int maxResponseBytes) {

    public Settings {
      Objects.requireNonNull(url, "url");
      requirePositive("connect_timeout_ms", connectTimeout);
      requirePositive("request_timeout_ms", requestTimeout);
      if (maxConnections < 1 || maxConnections > 1024) {
        throw new IllegalArgumentException(
            "reputation max_connections must be 1-1024, was " + maxConnections);
      }
      if (maxResponseBytes < 64 || maxResponseBytes > 1 << 20) {
        throw new IllegalArgumentException(
            "reputation max_response_bytes must be 64-1048576, was " + maxResponseBytes);
      }
      UrlTemplate.parse(url); // validates
    }

    /** The defaults for everything but the URL. */
    public static Settings of(String url) {
      return new Settings(url, Duration.ofMillis(200), Duration.ofSeconds(1), 8, 4096);
    }

    /** The client settings of the service {@code screening.reputation} describes. */
    public static Settings of(org.sipscreen.screening.check.reputation.ReputationServices.Service s) {
      return new Settings(s.url(), s.connectTimeout(), s.requestTimeout(), s.maxConnections(),
          s.maxResponseBytes());
    }

    private static void requirePositive(String key, Duration value) {
      Objects.requireNonNull(value, key);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("reputation " + key + " must be positive, was " + value);
      }
    }
  }

  private final Settings settings;
  private final UrlTemplate url;
  private final FixedChannelPool pool;
  private volatile boolean closed;

  /**
   * Resolves the URL's host once, here (DNS must not run on an event loop): construct it at startup or
   * reload, not per call.
   *
   * @param settings URL and limits
   * @param group the event loops the connections run on (the proxy's own group is fine)
   * @param channelType the socket channel class matching {@code group} (epoll or NIO)
   * @throws IllegalArgumentException when the URL is not an {@code http://} template with
   *     {@value #NUMBER_PLACEHOLDER}, or its host does not resolve
   */
  public HttpReputationSource(Settings settings, EventLoopGroup group,
      Class<? extends SocketChannel> channelType) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(channelType, "channelType");
    this.url = UrlTemplate.parse(settings.url());
    InetSocketAddress address = new InetSocketAddress(url.host(), url.port());
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("reputation url: cannot resolve host '" + url.host() + "'");
    }
    Bootstrap bootstrap = new Bootstrap().group(group).channel(channelType).remoteAddress(address)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true);
    this.pool = new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
      @Override
      public void channelCreated(Channel ch) {
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(settings.maxResponseBytes()),
            new ResponseHandler());
      }
    }, ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL,
        settings.connectTimeout().plus(settings.requestTimeout()).toMillis(),
        settings.maxConnections(), 1024);
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public CompletionStage<ReputationAnswer> lookup(String e164) {
    Objects.requireNonNull(e164, "e164");
    CompletableFuture<ReputationAnswer> answer = new CompletableFuture<>();
    if (closed) {
      answer.completeExceptionally(new IOException("reputation client is closed"));
      return answer;
    }
    String target = url.requestTarget(e164);
    pool.acquire().addListener((io.netty.util.concurrent.Future<Channel> acquired) -> {
      if (!acquired.isSuccess()) {
        answer.completeExceptionally(new IOException(
            "reputation service " + url.hostHeader() + ": " + acquired.cause(), acquired.cause()));
        return;
      }
      Channel ch = acquired.getNow();
      if (ch.eventLoop().inEventLoop()) {
        send(ch, target, answer);
      } else {
        ch.eventLoop().execute(() -> send(ch, target, answer));
      }
    });
    return answer;
  }

  private void send(Channel ch, String target, CompletableFuture<ReputationAnswer> answer) {
    ResponseHandler handler = ch.pipeline().get(ResponseHandler.class);
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target, Unpooled.EMPTY_BUFFER);
    request.headers()
        .set(HttpHeaderNames.HOST, url.hostHeader())
        .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.USER_AGENT, "sipscreen")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    handler.start(ch, request, answer);
  }

  /** Closes the pooled connections; lookups after this fail at once. The event loop group is not ours. */
  @Override
  public void close() {
    closed = true;
    pool.closeAsync();
  }

  /** Turns a complete response into an answer, or an exception saying what was wrong with it. */
  static ReputationAnswer answerOf(FullHttpResponse response) throws IOException {
    HttpResponseStatus status = response.status();
    if (status.code() == 404) {
      return ReputationAnswer.NOT_FOUND;
    }
    if (status.code() != 200) {
      throw new IOException("reputation service answered " + status
          + (status.codeClass() == HttpStatusClass.REDIRECTION ? " (redirects are not followed)" : ""));
    }
    JsonNode body;
    try (InputStream in = new ByteBufInputStream(response.content())) {
      body = JSON.readTree(in);
    } catch (IOException e) {
      throw new IOException("reputation service answered malformed JSON: " + e.getMessage(), e);
    }
    if (body == null || !body.isObject()) {
      throw new IOException("reputation service answered JSON that is not an object");
    }
    JsonNode score = body.get("score");
    if (score == null || !score.isIntegralNumber() || !score.canConvertToInt()
        || score.intValue() < 0 || score.intValue() > 100) {
      throw new IOException("reputation service answered no integer \"score\" 0-100: " + score);
    }
    JsonNode category = body.get("category");
    return new ReputationAnswer.Scored(score.intValue(),
        category != null && category.isTextual() ? category.textValue() : ReputationAnswer.UNSPECIFIED);
  }

  /**
   * One per connection: at most one request in flight (HTTP/1.1 without pipelining). All methods run on
   * the channel's event loop. Every acquired channel is released to the pool exactly once, closed first
   * unless the exchange ended cleanly with a keep-alive response.
   */
  private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private Channel channel;
    private CompletableFuture<ReputationAnswer> answer;
    private ScheduledFuture<?> timeout;

    void start(Channel ch, FullHttpRequest request, CompletableFuture<ReputationAnswer> pending) {
      this.channel = ch;
      this.answer = pending;
      long nanos = settings.requestTimeout().toNanos();
      this.timeout = ch.eventLoop().schedule(() -> fail(new TimeoutException(
          "reputation service did not answer within " + settings.requestTimeout().toMillis() + " ms")),
          nanos, TimeUnit.NANOSECONDS);
      ch.writeAndFlush(request).addListener(written -> {
        if (!written.isSuccess()) {
          fail(new IOException("reputation request not sent: " + written.cause(), written.cause()));
        }
      });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      if (answer == null) {
        ctx.close(); // a response nobody asked for: the connection is out of step
        return;
      }
      ReputationAnswer result;
      try {
        result = answerOf(response);
      } catch (IOException e) {
        fail(e);
        return;
      }
      finish(HttpUtil.isKeepAlive(response) && response.decoderResult().isSuccess()).complete(result);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      fail(new ClosedChannelException());
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (answer == null) {
        ctx.close();
      } else {
        fail(cause instanceof Exception ? (Exception) cause : new IOException(cause));
      }
    }

    private void fail(Exception cause) {
      if (answer != null) {
        finish(false).completeExceptionally(cause);
      }
    }

    /** Ends the exchange: cancels the timeout, returns the connection, hands back the pending answer. */
    private CompletableFuture<ReputationAnswer> finish(boolean reuse) {
      CompletableFuture<ReputationAnswer> pending = answer;
      Channel ch = channel;
      answer = null;
      channel = null;
      timeout.cancel(false);
      timeout = null;
      if (!reuse) {
        ch.close();
      }
      pool.release(ch);
      return pending;
    }
  }

  /** An {@code http://} URL with one {@value #NUMBER_PLACEHOLDER} in its path or query. */
  record UrlTemplate(String host, int port, String hostHeader, String targetPrefix, String targetSuffix) {

    private static final String MARK = "sipscreennumberplaceholder";

    static UrlTemplate parse(String template) {
      int at = template.indexOf(NUMBER_PLACEHOLDER);
      if (at < 0 || template.indexOf(NUMBER_PLACEHOLDER, at + 1) >= 0) {
        throw new IllegalArgumentException(
            "reputation url must contain " + NUMBER_PLACEHOLDER + " exactly once: '" + template + "'");
      }
      URI uri;
      try {
        uri = new URI(template.replace(NUMBER_PLACEHOLDER, MARK));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("reputation url is not a URL: '" + template + "': "
            + e.getMessage(), e);
      }
      if (!"http".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("reputation url must be http://: '" + template + "'");
      }
      if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "reputation url needs a host and no user info or fragment: '" + template + "'");
      }
      String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      int mark = target.indexOf(MARK);
      if (mark < 0) {
        throw new IllegalArgumentException(
            "reputation url must have " + NUMBER_PLACEHOLDER + " in its path or query: '" + template + "'");
      }
      String host = uri.getHost();
      int port = uri.getPort() < 0 ? 80 : uri.getPort();
      String hostHeader = port == 80 ? host : host + ":" + port;
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new UrlTemplate(host, port, hostHeader, target.substring(0, mark),
          target.substring(mark + MARK.length()));
    }

    /** The request target with the number URL-encoded ({@code +} becomes {@code %2B}). */
    String requestTarget(String e164) {
      return targetPrefix + URLEncoder.encode(e164, StandardCharsets.UTF_8) + targetSuffix;
    }
  }
}
