package org.sipscreen.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.metrics.TlsMetrics;
import org.sipscreen.proxy.LocalEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS contexts of the SIP transport, built from the files of {@code sip.tls}: one server context per
 * client-certificate mode of the listeners and one client context for next hops (it presents the proxy's
 * certificate and checks the next hop's against the CAs and the name it was configured with, RFC 5922 §7.2:
 * the host name of the next hop's URI as a DNS subject alternative name, or its IP literal as an IP address
 * subject alternative name).
 * BoringSSL (netty-tcnative) when it loads, the JDK's TLS otherwise.
 *
 * <p>New connections take the contexts in place when they open; a reload of the files builds new contexts
 * and swaps them in whole, and refuses files that do not load, keeping the running ones.
 */
public final class TlsContexts implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

  /** What one set of files gives. */
  private record Built(TlsFiles files, Map<ClientAuth, SslContext> servers, SslContext client) {}

  private final SslProvider provider;
  private final TlsMetrics metrics;
  private volatile SipscreenConfig.Tls settings;
  private volatile Path base;
  private volatile Built built;
  private volatile TlsPeerIdentities identities = TlsPeerIdentities.NONE;
  private org.sipscreen.reload.FileWatch watch;

  private TlsContexts(SslProvider provider, TlsMetrics metrics, SipscreenConfig.Tls settings, Path base,
      Built built) {
    this.provider = provider;
    this.metrics = metrics;
    this.settings = settings;
    this.base = base;
    this.built = built;
  }

  /**
   * Reads the files of {@code tls} (relative to {@code base}) and builds the contexts.
   *
   * @throws TlsFiles.TlsFileException naming the key and the file that cannot be used
   */
  public static TlsContexts load(SipscreenConfig.Tls tls, Path base, TlsMetrics metrics)
      throws TlsFiles.TlsFileException {
    SslProvider provider = provider(tls.provider());
    return new TlsContexts(provider, metrics, tls, base, build(tls, base, provider));
  }

  /** The TLS library {@code name} (auto, openssl, jdk) stands for here. */
  static SslProvider provider(String name) throws TlsFiles.TlsFileException {
    return switch (name) {
      case "jdk" -> SslProvider.JDK;
      case "openssl" -> {
        if (!OpenSsl.isAvailable()) {
          throw new TlsFiles.TlsFileException("sip.tls.provider: openssl does not load here ("
              + OpenSsl.unavailabilityCause() + "); use auto or jdk");
        }
        yield SslProvider.OPENSSL;
      }
      default -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    };
  }

  private static Built build(SipscreenConfig.Tls tls, Path base, SslProvider provider)
      throws TlsFiles.TlsFileException {
    TlsFiles files = TlsFiles.read(tls, base);
    java.security.cert.X509Certificate[] chain = files.chain().toArray(new java.security.cert.X509Certificate[0]);
    java.security.cert.X509Certificate[] cas = files.cas().toArray(new java.security.cert.X509Certificate[0]);
    try {
      Map<ClientAuth, SslContext> servers = new EnumMap<>(ClientAuth.class);
      for (ClientAuth mode : ClientAuth.values()) {
        servers.put(mode, SslContextBuilder.forServer(files.key(), chain)
            .sslProvider(provider)
            .protocols("TLSv1.3", "TLSv1.2")
            .trustManager(cas)
            .clientAuth(mode)
            .build());
      }
      SslContext client = SslContextBuilder.forClient()
          .sslProvider(provider)
          .protocols("TLSv1.3", "TLSv1.2")
          .keyManager(files.key(), chain)
          .trustManager(NextHopTrustManager.of(files.cas()))
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
      return new Built(files, Map.copyOf(servers), client);
    } catch (java.security.GeneralSecurityException | SSLException | IllegalArgumentException e) {
      throw new TlsFiles.TlsFileException("sip.tls: " + base.resolve(tls.certificateFile()) + ", "
          + base.resolve(tls.keyFile()) + ": the TLS library refused them (" + e.getMessage() + ")");
    }
  }

  /** {@code boringssl} or {@code jdk}: the library in use. */
  public String providerName() {
    return provider == SslProvider.JDK ? "jdk" : "boringssl";
  }

  /** How long a handshake may take. */
  public long handshakeTimeoutMillis() {
    return settings.handshakeTimeout().toMillis();
  }

  /** A server-side handler for a new connection on a listener asking for client certificates as {@code mode}. */
  public SslHandler serverHandler(ByteBufAllocator alloc, String clientCertificate) {
    SslHandler h = built.servers().get(clientAuth(clientCertificate)).newHandler(alloc);
    h.setHandshakeTimeoutMillis(handshakeTimeoutMillis());
    return h;
  }

  /**
   * A client-side handler for a new connection to {@code nextHop}, which must prove {@code name} (a DNS
   * subject alternative name, also sent as SNI) or, without a name, its address (an IP address subject
   * alternative name). The context's endpoint identification ("HTTPS", RFC 6125 / RFC 2818 rules) checks
   * the peer host the handler is made for.
   */
  public SslHandler clientHandler(ByteBufAllocator alloc, InetSocketAddress nextHop,
      java.util.Optional<String> name) {
    String peerHost = name.orElseGet(() -> LocalEndpoint.literal(nextHop.getAddress())
        .replace("[", "").replace("]", ""));
    SslHandler h = built.client().newHandler(alloc, peerHost, nextHop.getPort());
    h.setHandshakeTimeoutMillis(handshakeTimeoutMillis());
    return h;
  }

  static ClientAuth clientAuth(String mode) {
    return switch (mode == null ? "required" : mode) {
      case "optional" -> ClientAuth.OPTIONAL;
      case "none" -> ClientAuth.NONE;
      default -> ClientAuth.REQUIRE;
    };
  }

  /** Which certificates peers must present, from now on (a config reload calls this). */
  public void identities(TlsPeerIdentities identities) {
    this.identities = Objects.requireNonNull(identities, "identities");
  }

  public TlsPeerIdentities identities() {
    return identities;
  }

  public TlsMetrics metrics() {
    return metrics;
  }

  /** Expiry of the proxy's certificate in use, Unix seconds. */
  public long notAfterSeconds() {
    return built.files().chain().get(0).getNotAfter().getTime() / 1000;
  }

  /** SHA-256 fingerprint of the proxy's certificate in use. */
  public String fingerprint() {
    return TlsFiles.fingerprint(built.files().chain().get(0));
  }

  /**
   * Reads the files again and, when they changed and load, swaps in new contexts; files that do not load
   * are refused with a warning and the running contexts stay. Returns whether new contexts are in place.
   */
  public synchronized boolean reload() {
    return reload(settings, base);
  }

  /** As {@link #reload()}, for the files a new config names (the provider stays the one started with). */
  public synchronized boolean reload(SipscreenConfig.Tls next, Path nextBase) {
    Built running = built;
    Built fresh;
    try {
      fresh = build(next, nextBase, provider);
    } catch (TlsFiles.TlsFileException e) {
      metrics.reloaded(false);
      log.warn("tls_reload_refused error=\"{}\" the running certificate stays (fingerprint {})", e.getMessage(),
          TlsFiles.fingerprint(running.files().chain().get(0)));
      return false;
    }
    settings = next;
    base = nextBase;
    if (fresh.files().sameAs(running.files())) {
      return false;
    }
    built = fresh;
    metrics.reloaded(true);
    watch();
    log.info("tls_reloaded certificate={} fingerprint={} not_after={}", next.certificateFile(), fingerprint(),
        fresh.files().chain().get(0).getNotAfter().toInstant());
    return true;
  }

  /** Watches the three files and reloads them once a change is complete. */
  public synchronized void watch() {
    Set<Path> files = Set.of(base.resolve(settings.certificateFile()).toAbsolutePath().normalize(),
        base.resolve(settings.keyFile()).toAbsolutePath().normalize(),
        base.resolve(settings.caFile()).toAbsolutePath().normalize());
    try {
      if (watch == null) {
        watch = new org.sipscreen.reload.FileWatch(com.github.benmanes.caffeine.cache.Scheduler.systemScheduler(),
            System::nanoTime, java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(500), this::reload);
      }
      watch.watch(files);
    } catch (java.io.IOException e) {
      log.warn("tls: cannot watch the certificate files ({}); reload with SIGHUP or POST /admin/reload",
          e.toString());
    }
  }

  @Override
  public synchronized void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
