package org.sipscreen.stir;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
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
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.sipscreen.screening.check.stir_shaken.CertificateFetchException;
import org.sipscreen.screening.check.stir_shaken.CertificateFetcher;

/**
 * Fetches x5u certificate chains over HTTPS on Netty: one {@code GET} per fetch on a fresh connection, no
 * redirects (3xx is a failure), a response size cap and one deadline for resolve + connect + TLS + response.
 * The host is resolved on a small dedicated thread pool (never on an event loop), every resolved address
 * goes through the SSRF guard ({@link DestinationGuard}) and the connection is made to the address that
 * was checked, so DNS cannot be asked twice with different answers. TLS trusts the JDK's default CAs plus
 * optional extra CA files and verifies the server's host name (SNI is sent for host names).
 * {@link #fetch} never blocks; failures are {@link CertificateFetchException}s with a snake_case reason.
 */
public final class HttpsCertificateFetcher implements CertificateFetcher, AutoCloseable {

  /** RFC 8555 section 9.1, what ATIS-1000074 servers answer with. */
  public static final String PEM_CHAIN_MEDIA_TYPE = "application/pem-certificate-chain";

  /**
   * Fetch settings.
   *
   * @param timeout the whole fetch: DNS, connect, TLS handshake and the complete response
   * @param maxResponseBytes a larger body (or Content-Length) fails with {@code too_large}
   * @param allowHttp accept {@code http://} x5u URLs too (RFC 8226 asks for https; for labs only)
   * @param allowPrivateAddresses switch off the SSRF guard (tests, labs with a private STI-CR)
   * @param extraCaFiles PEM files of CAs trusted for the HTTPS connection besides the JDK's defaults
   * @param maxConcurrentFetches more fetches in flight than this fail at once with {@code busy}
   */
  public record Settings(Duration timeout, int maxResponseBytes, boolean allowHttp,
      boolean allowPrivateAddresses, List<Path> extraCaFiles, int maxConcurrentFetches) {

    public Settings {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      if (maxResponseBytes < 1024 || maxResponseBytes > 1 << 20) {
        throw new IllegalArgumentException(
            "maxResponseBytes must be 1024-1048576, was " + maxResponseBytes);
      }
      extraCaFiles = List.copyOf(extraCaFiles);
      if (maxConcurrentFetches < 1) {
        throw new IllegalArgumentException(
            "maxConcurrentFetches must be positive, was " + maxConcurrentFetches);
      }
    }

    /** 2 s, 64 KiB, https only, SSRF guard on, JDK CAs only, 32 fetches at a time. */
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(2), 64 * 1024, false, false, List.of(), 32);
    }

    public Settings withAllowHttp(boolean allow) {
      return new Settings(timeout, maxResponseBytes, allow, allowPrivateAddresses, extraCaFiles,
          maxConcurrentFetches);
    }

    public Settings withAllowPrivateAddresses(boolean allow) {
      return new Settings(timeout, maxResponseBytes, allowHttp, allow, extraCaFiles, maxConcurrentFetches);
    }

    public Settings withExtraCaFiles(List<Path> files) {
      return new Settings(timeout, maxResponseBytes, allowHttp, allowPrivateAddresses, files,
          maxConcurrentFetches);
    }

    public Settings withTimeout(Duration newTimeout) {
      return new Settings(newTimeout, maxResponseBytes, allowHttp, allowPrivateAddresses, extraCaFiles,
          maxConcurrentFetches);
    }

    public Settings withMaxResponseBytes(int bytes) {
      return new Settings(timeout, bytes, allowHttp, allowPrivateAddresses, extraCaFiles,
          maxConcurrentFetches);
    }
  }

  private final Settings settings;
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final SslContext ssl;
  private final ThreadPoolExecutor resolver;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param group the event loops connections run on (the proxy's own group is fine; it is not closed)
   * @param channelType the socket channel class matching {@code group}
   * @throws IOException when an extra CA file cannot be read or holds no certificate (message names it)
   */
  public HttpsCertificateFetcher(Settings settings, EventLoopGroup group,
      Class<? extends SocketChannel> channelType) throws IOException {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.group = Objects.requireNonNull(group, "group");
    this.channelType = Objects.requireNonNull(channelType, "channelType");
    this.ssl = clientContext(settings.extraCaFiles());
    this.resolver = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.maxConcurrentFetches()), runnable -> {
          Thread thread = new Thread(runnable, "sipscreen-stir-resolver");
          thread.setDaemon(true);
          return thread;
        });
    resolver.allowCoreThreadTimeOut(true);
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public CompletionStage<byte[]> fetch(URI uri) {
    Objects.requireNonNull(uri, "uri");
    Fetch fetch = new Fetch();
    Target target;
    try {
      target = Target.of(uri, settings.allowHttp());
    } catch (CertificateFetchException e) {
      fetch.result.completeExceptionally(e);
      return fetch.result;
    }
    if (inFlight.incrementAndGet() > settings.maxConcurrentFetches()) {
      inFlight.decrementAndGet();
      fetch.result.completeExceptionally(new CertificateFetchException(CertificateFetchException.BUSY,
          "more than " + settings.maxConcurrentFetches() + " certificate fetches in flight"));
      return fetch.result;
    }
    fetch.result.whenComplete((body, error) -> inFlight.decrementAndGet());
    fetch.timer = group.next().schedule(() -> fetch.fail(new CertificateFetchException(
        CertificateFetchException.TIMEOUT, "no complete answer from " + target.authority()
            + " within " + settings.timeout().toMillis() + " ms")),
        settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
    try {
      resolver.execute(() -> resolveAndConnect(target, fetch));
    } catch (RejectedExecutionException e) {
      fetch.fail(new CertificateFetchException(CertificateFetchException.BUSY,
          "certificate host resolver is busy or closed"));
    }
    return fetch.result;
  }

  /** Stops the resolver threads; fetches in flight fail or finish. The event loop group is not ours. */
  @Override
  public void close() {
    resolver.shutdownNow();
  }

  /** Runs on a resolver thread: DNS, the SSRF guard, then the connect (which returns at once). */
  private void resolveAndConnect(Target target, Fetch fetch) {
    if (fetch.result.isDone()) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(target.host());
    } catch (UnknownHostException e) {
      fetch.fail(new CertificateFetchException(CertificateFetchException.DNS,
          "cannot resolve " + target.host()));
      return;
    }
    if (fetch.result.isDone()) {
      return; // the deadline passed while DNS was answering
    }
    InetAddress address = null;
    String refusal = null;
    for (InetAddress candidate : addresses) {
      String why = settings.allowPrivateAddresses() ? null : DestinationGuard.whyRefused(candidate);
      if (why == null) {
        address = candidate;
        break;
      }
      refusal = refusal == null ? target.host() + " is " + candidate.getHostAddress() + ", a " + why
          : refusal;
    }
    if (address == null) {
      fetch.fail(new CertificateFetchException(CertificateFetchException.REFUSED, refusal));
      return;
    }
    InetSocketAddress remote = new InetSocketAddress(address, target.port());
    Bootstrap bootstrap = new Bootstrap().group(group).channel(channelType)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, settings.timeout().toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (target.https()) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc(), target.host(), target.port()));
            }
            ch.pipeline().addLast(new HttpClientCodec(), new ResponseHandler(fetch, target));
          }
        });
    bootstrap.connect(remote).addListener(connected -> {
      Channel ch = ((io.netty.channel.ChannelFuture) connected).channel();
      if (!connected.isSuccess()) {
        Throwable cause = connected.cause();
        fetch.fail(new CertificateFetchException(CertificateFetchException.CONNECT,
            "cannot connect to " + target.authority() + " (" + remote.getAddress().getHostAddress() + "): "
                + (cause == null ? "cancelled" : cause.getMessage()), cause));
        return;
      }
      if (!fetch.attach(ch)) {
        return; // timed out meanwhile: attach closed it
      }
      FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
          target.requestTarget(), Unpooled.EMPTY_BUFFER);
      request.headers()
          .set(HttpHeaderNames.HOST, target.authority())
          .set(HttpHeaderNames.ACCEPT, PEM_CHAIN_MEDIA_TYPE)
          .set(HttpHeaderNames.USER_AGENT, "sipscreen")
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ch.writeAndFlush(request).addListener(written -> {
        if (!written.isSuccess()) {
          fetch.fail(failureOf(written.cause(), target));
        }
      });
    });
  }

  /** Classifies an exception from the pipeline: TLS problems, else a broken exchange. */
  private static CertificateFetchException failureOf(Throwable cause, Target target) {
    if (cause instanceof CertificateFetchException f) {
      return f;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof CertificateException) {
        return new CertificateFetchException(CertificateFetchException.TLS,
            "TLS with " + target.authority() + " failed: " + t.getMessage(), cause);
      }
      if (t instanceof ConnectException) {
        return new CertificateFetchException(CertificateFetchException.CONNECT,
            "connection to " + target.authority() + " failed: " + t.getMessage(), cause);
      }
    }
    return new CertificateFetchException(CertificateFetchException.PROTOCOL,
        "exchange with " + target.authority() + " failed: " + cause, cause);
  }

  /** One fetch's state: the result, its timer and its channel once connected. Completes exactly once. */
  private static final class Fetch {
    final CompletableFuture<byte[]> result = new CompletableFuture<>();
    volatile ScheduledFuture<?> timer;
    private Channel channel;

    /** Remembers the connected channel; false (and closes it) when the fetch already ended. */
    synchronized boolean attach(Channel ch) {
      if (result.isDone()) {
        ch.close();
        return false;
      }
      channel = ch;
      return true;
    }

    void succeed(byte[] body) {
      if (result.complete(body)) {
        end();
      }
    }

    void fail(CertificateFetchException cause) {
      if (result.completeExceptionally(cause)) {
        end();
      }
    }

    private void end() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      Channel ch;
      synchronized (this) {
        ch = channel;
        channel = null;
      }
      if (ch != null) {
        ch.close();
      }
    }
  }

  /** Reads one response: status, then the body up to the cap. Runs on the channel's event loop. */
  private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Fetch fetch;
    private final Target target;
    private ByteArrayOutputStream body;

    ResponseHandler(Fetch fetch, Target target) {
      this.fetch = fetch;
      this.target = target;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
      if (fetch.result.isDone()) {
        return;
      }
      if (message.decoderResult().isFailure()) {
        fetch.fail(new CertificateFetchException(CertificateFetchException.PROTOCOL,
            target.authority() + " sent a malformed HTTP response: " + message.decoderResult().cause()));
        return;
      }
      if (message instanceof HttpResponse response) {
        int status = response.status().code();
        if (response.status().codeClass() == HttpStatusClass.REDIRECTION) {
          fetch.fail(new CertificateFetchException(CertificateFetchException.REDIRECT,
              target.authority() + " answered " + response.status() + "; redirects are not followed"));
          return;
        }
        if (status != 200) {
          fetch.fail(new CertificateFetchException(CertificateFetchException.HTTP_STATUS,
              target.authority() + " answered " + response.status()));
          return;
        }
        long length = HttpUtil.getContentLength(response, -1L);
        if (length > settings.maxResponseBytes()) {
          fetch.fail(tooLarge());
          return;
        }
        body = new ByteArrayOutputStream(length > 0 ? (int) length : 4096);
      }
      if (message instanceof HttpContent content && body != null) {
        ByteBuf data = content.content();
        if (body.size() + data.readableBytes() > settings.maxResponseBytes()) {
          fetch.fail(tooLarge());
          return;
        }
        try {
          data.readBytes(body, data.readableBytes());
        } catch (IOException e) {
          throw new IllegalStateException("writing to memory cannot fail", e);
        }
        if (content instanceof LastHttpContent) {
          fetch.succeed(body.toByteArray());
        }
      }
    }

    private CertificateFetchException tooLarge() {
      return new CertificateFetchException(CertificateFetchException.TOO_LARGE,
          target.authority() + " sent more than " + settings.maxResponseBytes() + " bytes");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
        fetch.fail(failureOf(handshake.cause(), target));
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      fetch.fail(new CertificateFetchException(CertificateFetchException.PROTOCOL,
          target.authority() + " closed the connection before the response was complete"));
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fetch.fail(failureOf(cause, target));
      ctx.close();
    }
  }

  /** Where a URL points: scheme, host (brackets removed), port, Host header and request target. */
  record Target(boolean https, String host, int port, String authority, String requestTarget) {

    static Target of(URI uri, boolean allowHttp) throws CertificateFetchException {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new CertificateFetchException(CertificateFetchException.BAD_URL,
            "x5u must be an https:// URL: " + uri);
      }
      if (scheme.equals("http") && !allowHttp) {
        throw new CertificateFetchException(CertificateFetchException.REFUSED,
            "x5u is http://, and only https:// is allowed: " + uri);
      }
      if (uri.getHost() == null || uri.getRawUserInfo() != null) {
        throw new CertificateFetchException(CertificateFetchException.BAD_URL,
            "x5u needs a host and no user info: " + uri);
      }
      boolean https = scheme.equals("https");
      int defaultPort = https ? 443 : 80;
      int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
      String host = uri.getHost();
      String authority = port == defaultPort ? host : host + ":" + port;
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      return new Target(https, host, port, authority,
          uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }
  }

  /** A TLS client context trusting the JDK's default CAs plus {@code extraCaFiles}, host names verified. */
  private static SslContext clientContext(List<Path> extraCaFiles) throws IOException {
    try {
      TrustManagerFactory defaults = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (TrustManager manager : defaults.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate ca : x509.getAcceptedIssuers()) {
            trusted.setCertificateEntry("default-" + n++, ca);
          }
        }
      }
      for (Path file : extraCaFiles) {
        for (X509Certificate ca : readCaFile(file)) {
          trusted.setCertificateEntry("extra-" + n++, ca);
        }
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      return SslContextBuilder.forClient()
          .trustManager(factory)
          .endpointIdentificationAlgorithm("HTTPS")
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS for certificate fetches: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> readCaFile(Path file) throws IOException {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (CertificateException e) {
      throw new IOException(file + ": not a PEM CA certificate file: " + e.getMessage(), e);
    }
    List<X509Certificate> result = new ArrayList<>();
    for (Certificate certificate : certificates) {
      if (certificate instanceof X509Certificate x509) {
        result.add(x509);
      }
    }
    if (result.isEmpty()) {
      throw new IOException(file + ": no certificate in CA file");
    }
    return result;
  }
}
