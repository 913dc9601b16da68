package org.sipscreen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.metrics.TlsMetrics;
import org.sipscreen.testkit.TestPki;

/** How handshakes end, on an EmbeddedChannel: each failure counted by its kind, the connection closed. */
class TlsHandshakeHandlerTest {

  @TempDir
  Path dir;

  private TlsMetrics metrics;
  private TlsContexts contexts;

  @BeforeEach
  void contexts() throws Exception {
    TestPki.Issued ca = TestPki.ca("CA", Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));
    TestPki.Issued proxy = TestPki.tlsLeaf(ca, "proxy", List.of("proxy.test"), List.of());
    Files.writeString(dir.resolve("p.crt"), proxy.pem());
    Files.writeString(dir.resolve("p.key"), TestPki.privateKeyPem(proxy.keys().getPrivate()));
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
    metrics = new TlsMetrics();
    contexts = TlsContexts.load(new SipscreenConfig.Tls("p.crt", "p.key", "ca.pem", "jdk", null), dir, metrics);
  }

  private EmbeddedChannel channel(boolean inbound) {
    return new EmbeddedChannel(new TlsHandshakeHandler(contexts, inbound));
  }

  @Test
  void countsPlainTextAsNotTlsAndCloses() {
    EmbeddedChannel ch = channel(true);
    ch.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
        new NotSslRecordException("not an SSL/TLS record")));
    assertThat(metrics.handshakes("inbound", "not_tls")).isEqualTo(1);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void countsTimeoutsAndRefusedCertificatesByDirection() {
    EmbeddedChannel in = channel(true);
    in.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
        new SslHandshakeTimeoutException("handshake timed out after 10000ms")));
    EmbeddedChannel out = channel(false);
    out.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
        new SSLHandshakeException("No subject alternative names matching IP address 127.0.0.1 found")));
    EmbeddedChannel untrusted = channel(false);
    untrusted.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(
        new SSLHandshakeException("PKIX path building failed")));
    assertThat(metrics.handshakes("inbound", "timeout")).isEqualTo(1);
    assertThat(metrics.handshakes("outbound", "name_mismatch")).isEqualTo(1);
    assertThat(metrics.handshakes("outbound", "failed")).isEqualTo(1);
    assertThat(metrics.handshakes("inbound", "failed")).isZero();
    assertThat(in.isOpen()).isFalse();
    assertThat(out.isOpen()).isFalse();
  }

  @Test
  void dropsWhatArrivesAfterARefusal() {
    TlsHandshakeHandler handler = new TlsHandshakeHandler(contexts, false);
    EmbeddedChannel ch = new EmbeddedChannel(handler);
    io.netty.channel.ChannelHandlerContext ctx = ch.pipeline().context(handler);
    ch.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new SSLHandshakeException("bad")));
    // On a real event loop the handlers stay until the close completes, after the SslHandler has passed on
    // what it decrypted in the same read: that reaches the handler, which must drop it.
    ByteBuf late = Unpooled.copiedBuffer("INVITE sip:x SIP/2.0\r\n", StandardCharsets.US_ASCII);
    handler.channelRead(ctx, late);
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(late.refCnt()).isZero();
  }

  @Test
  void passesMessagesOfAnAcceptedConnectionOn() {
    EmbeddedChannel ch = channel(false);
    ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    assertThat(metrics.handshakes("outbound", "ok")).isEqualTo(1);
    ByteBuf data = Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII);
    ch.writeInbound(data);
    ByteBuf read = ch.readInbound();
    assertThat(read).isSameAs(data);
    read.release();
    ch.finishAndReleaseAll();
  }
}
