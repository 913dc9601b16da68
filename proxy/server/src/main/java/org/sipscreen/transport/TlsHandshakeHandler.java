package org.sipscreen.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits behind the {@link SslHandler}: counts how each handshake ends and, on an inbound connection, holds
 * the peer to the certificate {@code peers.<name>.tls} names ({@link TlsPeerIdentities}). A failed handshake,
 * bytes that are not TLS or a certificate of the wrong peer close the connection with one log line (at most
 * one a second, without a stack trace) and a count; nothing reaches the framer before the handshake is done.
 */
@ChannelHandler.Sharable
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(TlsHandshakeHandler.class);
  private static final long LOG_EVERY_NANOS = 1_000_000_000L;

  private final TlsContexts tls;
  private final boolean inbound;
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
  private final AtomicLong unlogged = new AtomicLong();

  TlsHandshakeHandler(TlsContexts tls, boolean inbound) {
    this.tls = tls;
    this.inbound = inbound;
  }

  private String direction() {
    return inbound ? "inbound" : "outbound";
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (!done.isSuccess()) {
        refuse(ctx, result(done.cause()), message(done.cause()));
        return;
      }
      if (inbound) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        Optional<String> refusal = tls.identities().refusal(remote.getAddress(),
            peerCertificate(ctx.pipeline().get(SslHandler.class)));
        if (refusal.isPresent()) {
          refuse(ctx, "peer_mismatch", refusal.get());
          return;
        }
      }
      tls.metrics().handshake(direction(), "ok");
    }
    super.userEventTriggered(ctx, evt);
  }

  /**
   * Bytes decrypted in the same read as the handshake's end reach here after a refusal closed the
   * connection: they are dropped, so a refused peer's first request is never screened or forwarded.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (ctx.channel().hasAttr(REFUSED)) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static final io.netty.util.AttributeKey<Boolean> REFUSED =
      io.netty.util.AttributeKey.valueOf("sipscreen.tls.refused");

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The SslHandler reports a failed handshake twice: as this exception and as the completion event,
    // which counts it. Anything after the handshake goes on to the SIP handler, which closes.
    if (cause instanceof DecoderException && (cause.getCause() instanceof javax.net.ssl.SSLException
        || cause.getCause() instanceof NotSslRecordException)) {
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  private void refuse(ChannelHandlerContext ctx, String result, String why) {
    ctx.channel().attr(REFUSED).set(Boolean.TRUE);
    tls.metrics().handshake(direction(), result);
    long now = System.nanoTime();
    long last = lastLog.get();
    if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
      log.warn("tls_handshake_refused direction={} remote={} result={} error=\"{}\" (more unlogged since the"
          + " last line: {})", direction(), ctx.channel().remoteAddress(), result, why, unlogged.getAndSet(0));
    } else {
      unlogged.incrementAndGet();
    }
    ctx.close();
  }

  static String result(Throwable cause) {
    if (cause instanceof NotSslRecordException || cause.getCause() instanceof NotSslRecordException) {
      return "not_tls";
    }
    if (cause instanceof SslHandshakeTimeoutException) {
      return "timeout";
    }
    return isNameMismatch(cause) ? "name_mismatch" : "failed";
  }

  /**
   * Whether the certificate was refused because it does not name the next hop (the JDK's hostname check,
   * which both TLS libraries run here: "No subject alternative DNS name matching …", "No subject alternative
   * names matching IP address …", "No name matching …").
   */
  static boolean isNameMismatch(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No subject alternative") || m.contains("No name matching"))) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message (a refused certificate's reason sits under the engine's generic one). */
  private static String message(Throwable cause) {
    String m = null;
    for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
      if (t.getMessage() != null) {
        m = t.getMessage();
      }
    }
    m = m == null ? cause.getClass().getSimpleName() : m;
    m = m.replace('"', '\'').replace('\n', ' ');
    return m.length() > 200 ? m.substring(0, 200) : m;
  }

  /** The peer's end-entity certificate, or null when it sent none. */
  static X509Certificate peerCertificate(SslHandler ssl) {
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }
}
