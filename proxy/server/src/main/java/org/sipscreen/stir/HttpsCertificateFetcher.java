package org.sipscreen.stir;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpStatusClass;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.sipscreen.http.client.AddressPolicy;
import org.sipscreen.http.client.ClientTls;
import org.sipscreen.http.client.DeadlineHttpClient;
import org.sipscreen.http.client.HttpGet;
import org.sipscreen.http.client.HttpResult;
import org.sipscreen.http.client.Origin;
import org.sipscreen.screening.check.stir_shaken.CertificateFetchException;
import org.sipscreen.screening.check.stir_shaken.CertificateFetcher;

/**
 * Fetches x5u certificate chains over HTTPS through a {@link DeadlineHttpClient}: one {@code GET} per
 * fetch on a fresh connection, no redirects (3xx is a failure), a response size cap and one deadline for
 * resolve + connect + TLS + response. The SSRF guard ({@link DestinationGuard}) is the client's address
 * policy, so every resolved address is checked and the connection goes to the address that was checked.
 * TLS trusts the JDK's default CAs plus optional extra CA files and verifies the server's host name (SNI
 * is sent for host names). {@link #fetch} never blocks; failures are {@link CertificateFetchException}s
 * with a snake_case reason.
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
  private final DeadlineHttpClient client;

  /**
   * @param group the event loops connections run on (the proxy's own group is fine; it is not closed)
   * @param channelType the socket channel class matching {@code group}
   * @throws IOException when an extra CA file cannot be read or holds no certificate (message names it)
   */
  public HttpsCertificateFetcher(Settings settings, EventLoopGroup group,
      Class<? extends SocketChannel> channelType) throws IOException {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(channelType, "channelType");
    this.client = new DeadlineHttpClient(new DeadlineHttpClient.Settings(settings.timeout(),
        settings.maxResponseBytes(), 0, settings.maxConcurrentFetches(),
        settings.allowPrivateAddresses() ? AddressPolicy.ANY : DestinationGuard.POLICY,
        Optional.of(ClientTls.trusting(settings.extraCaFiles()))), group, channelType);
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public CompletionStage<byte[]> fetch(URI uri) {
    Objects.requireNonNull(uri, "uri");
    CompletableFuture<byte[]> body = new CompletableFuture<>();
    Target target;
    try {
      target = Target.of(uri, settings.allowHttp());
    } catch (CertificateFetchException e) {
      body.completeExceptionally(e);
      return body;
    }
    HttpGet get = HttpGet.of(new Origin(target.https(), target.host(), target.port()),
            target.requestTarget(), settings.timeout())
        .withHeader(HttpHeaderNames.ACCEPT.toString(), PEM_CHAIN_MEDIA_TYPE)
        .readingBodyOnlyOf(status -> status == 200);
    client.get(get).thenAccept(result -> {
      if (result instanceof HttpResult.Ok ok && ok.status().code() == 200) {
        body.complete(ok.body());
      } else {
        body.completeExceptionally(failureOf(result, target));
      }
    });
    return body;
  }

  /** Stops the resolver threads; fetches in flight fail or finish. The event loop group is not ours. */
  @Override
  public void close() {
    client.close();
  }

  /** The failure, with its reason, of an exchange that brought no certificate chain. */
  private CertificateFetchException failureOf(HttpResult result, Target target) {
    if (result instanceof HttpResult.Ok ok) {
      return ok.status().codeClass() == HttpStatusClass.REDIRECTION
          ? new CertificateFetchException(CertificateFetchException.REDIRECT,
              target.authority() + " answered " + ok.status() + "; redirects are not followed")
          : new CertificateFetchException(CertificateFetchException.HTTP_STATUS,
              target.authority() + " answered " + ok.status());
    }
    if (result instanceof HttpResult.TimedOut) {
      return new CertificateFetchException(CertificateFetchException.TIMEOUT, "no complete answer from "
          + target.authority() + " within " + settings.timeout().toMillis() + " ms");
    }
    if (result instanceof HttpResult.Refused refused) {
      return new CertificateFetchException(CertificateFetchException.REFUSED, refused.reason());
    }
    HttpResult.Failed failed = (HttpResult.Failed) result;
    String reason = switch (failed.failure()) {
      case DNS -> CertificateFetchException.DNS;
      case CONNECT -> CertificateFetchException.CONNECT;
      case TLS -> CertificateFetchException.TLS;
      case TOO_LARGE -> CertificateFetchException.TOO_LARGE;
      case BUSY, CLOSED -> CertificateFetchException.BUSY;
      case PROTOCOL -> CertificateFetchException.PROTOCOL;
    };
    return new CertificateFetchException(reason, failed.detail(), failed.cause());
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
}
