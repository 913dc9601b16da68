package org.sipscreen.stir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.netty.EventLoops;
import org.sipscreen.screening.check.stir_shaken.CertificateFetchException;
import org.sipscreen.testkit.TestPki;

/** HttpsCertificateFetcher against a local HTTPS stub with a test-generated certificate. */
@Timeout(120)
class HttpsCertificateFetcherIT {

  @RegisterExtension
  static final EventLoops loops = new EventLoops(1);

  @TempDir
  Path dir;

  private CertificateStub stub;
  private final List<HttpsCertificateFetcher> fetchers = new ArrayList<>();
  private String chainPem;

  @BeforeEach
  void startStub() throws IOException {
    stub = CertificateStub.https(dir.resolve("stub-ca.pem"));
    TestPki.Issued ca = TestPki.ca("STI-CA Test",
        Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400));
    TestPki.Issued leaf = TestPki.leaf(ca,
        Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400));
    chainPem = leaf.pem() + ca.pem();
    stub.serve("/sti.pem", CertificateStub.Answer.pem(chainPem));
  }

  @AfterEach
  void stop() {
    fetchers.forEach(HttpsCertificateFetcher::close);
    stub.close();
  }

  /** Settings that reach the stub: its CA trusted, loopback allowed. */
  private HttpsCertificateFetcher.Settings local() {
    return HttpsCertificateFetcher.Settings.defaults()
        .withExtraCaFiles(List.of(stub.caFile()))
        .withAllowPrivateAddresses(true)
        .withTimeout(Duration.ofSeconds(10));
  }

  private HttpsCertificateFetcher fetcher(HttpsCertificateFetcher.Settings settings) throws IOException {
    HttpsCertificateFetcher fetcher =
        new HttpsCertificateFetcher(settings, loops.group(), NioSocketChannel.class);
    fetchers.add(fetcher);
    return fetcher;
  }

  private static byte[] body(CompletableFuture<byte[]> fetch) throws Exception {
    return fetch.get(20, TimeUnit.SECONDS);
  }

  /** The reason the fetch failed with; fails the test if it succeeded. */
  private static String reason(CompletableFuture<byte[]> fetch) throws Exception {
    try {
      byte[] body = fetch.get(20, TimeUnit.SECONDS);
      throw new AssertionError("fetch succeeded with " + body.length + " bytes");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(CertificateFetchException.class);
      return ((CertificateFetchException) e.getCause()).reason();
    }
  }

  private CompletableFuture<byte[]> fetch(HttpsCertificateFetcher fetcher, String url) {
    return fetcher.fetch(URI.create(url)).toCompletableFuture();
  }

  @Test
  void fetchesTheChainOverHttpsAskingForAPemChain() throws Exception {
    byte[] body = body(fetch(fetcher(local()), stub.url("/sti.pem")));

    assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo(chainPem);
    assertThat(stub.requests).containsExactly("GET /sti.pem accept=application/pem-certificate-chain");
  }

  @Test
  void refusesLoopbackUnlessPrivateAddressesAreAllowed() throws Exception {
    HttpsCertificateFetcher guarded = fetcher(local().withAllowPrivateAddresses(false));

    assertThat(reason(fetch(guarded, stub.url("/sti.pem")))).isEqualTo("refused");
    assertThat(reason(fetch(guarded, "https://127.0.0.1:" + stub.port() + "/sti.pem")))
        .isEqualTo("refused");
    assertThat(stub.requests).isEmpty();
  }

  @Test
  void refusesHttpUnlessAllowed() throws Exception {
    try (CertificateStub plain = CertificateStub.http()) {
      plain.serve("/sti.pem", CertificateStub.Answer.pem(chainPem));

      assertThat(reason(fetch(fetcher(local()), plain.url("/sti.pem")))).isEqualTo("refused");
      assertThat(plain.requests).isEmpty();

      byte[] body = body(fetch(fetcher(local().withAllowHttp(true)), plain.url("/sti.pem")));
      assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo(chainPem);
    }
  }

  @Test
  void doesNotFollowRedirects() throws Exception {
    stub.serve("/moved.pem", new CertificateStub.Answer(302, new byte[0], stub.url("/sti.pem"), false, false));

    assertThat(reason(fetch(fetcher(local()), stub.url("/moved.pem")))).isEqualTo("redirect");
    assertThat(stub.requests).hasSize(1);
  }

  @Test
  void nonOkStatusIsHttpStatus() throws Exception {
    assertThat(reason(fetch(fetcher(local()), stub.url("/unknown.pem")))).isEqualTo("http_status");
  }

  @Test
  void refusesBodiesOverTheCapWithOrWithoutContentLength() throws Exception {
    byte[] big = new byte[5000];
    Arrays.fill(big, (byte) 'A');
    stub.serve("/big.pem", new CertificateStub.Answer(200, big, null, false, false));
    stub.serve("/chunked.pem", new CertificateStub.Answer(200, big, null, false, true));
    HttpsCertificateFetcher small = fetcher(local().withMaxResponseBytes(4096));

    assertThat(reason(fetch(small, stub.url("/big.pem")))).isEqualTo("too_large");
    assertThat(reason(fetch(small, stub.url("/chunked.pem")))).isEqualTo("too_large");
    assertThat(body(fetch(small, stub.url("/sti.pem")))).hasSizeLessThan(4096);
  }

  @Test
  void slowServerTimesOut() throws Exception {
    stub.serve("/slow.pem", new CertificateStub.Answer(200, new byte[10], null, true, false));

    assertThat(reason(fetch(fetcher(local().withTimeout(Duration.ofMillis(300))), stub.url("/slow.pem"))))
        .isEqualTo("timeout");
  }

  @Test
  void untrustedServerCertificateIsTls() throws Exception {
    HttpsCertificateFetcher jdkCasOnly = fetcher(local().withExtraCaFiles(List.of()));
    assertThat(reason(fetch(jdkCasOnly, stub.url("/sti.pem")))).isEqualTo("tls");
  }

  @Test
  void serverCertificateMustNameTheHost() throws Exception {
    // The stub's certificate names "localhost" only; 127.0.0.1 is the same server under another name.
    assertThat(reason(fetch(fetcher(local()), "https://127.0.0.1:" + stub.port() + "/sti.pem")))
        .isEqualTo("tls");
  }

  @Test
  void unusableUrlsFailWithoutConnecting() throws Exception {
    HttpsCertificateFetcher fetcher = fetcher(local());
    assertThat(reason(fetch(fetcher, "ftp://localhost/sti.pem"))).isEqualTo("bad_url");
    assertThat(reason(fetch(fetcher, "https://user@localhost:" + stub.port() + "/sti.pem")))
        .isEqualTo("bad_url");
    assertThat(stub.requests).isEmpty();
  }

  @Test
  void badExtraCaFileIsAnErrorNamingIt() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad-ca.pem"), "not a certificate");
    assertThatThrownBy(() -> fetcher(local().withExtraCaFiles(List.of(bad))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bad-ca.pem");
  }

  @Test
  void settingsCheckTheirArguments() {
    HttpsCertificateFetcher.Settings defaults = HttpsCertificateFetcher.Settings.defaults();
    assertThat(defaults.allowHttp()).isFalse();
    assertThat(defaults.allowPrivateAddresses()).isFalse();
    assertThatThrownBy(() -> defaults.withTimeout(Duration.ZERO))
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> defaults.withMaxResponseBytes(10))
        .hasMessage("maxResponseBytes must be 1024-1048576, was 10");
  }

  @Test
  void guardRefusesNonPublicAddresses() throws Exception {
    for (String refused : List.of("127.0.0.1", "127.9.9.9", "::1", "0.0.0.0", "::", "10.1.2.3",
        "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "fe80::1", "fc00::1",
        "fd12:3456::1", "100.64.0.1", "100.127.255.255", "224.0.0.1", "ff02::1", "255.255.255.255",
        "240.0.0.1", "0.1.2.3", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe",
        "2002:c0a8:0101::1", "fec0::1")) {
      assertThat(DestinationGuard.whyRefused(InetAddress.getByName(refused))).as(refused).isNotNull();
    }
    for (String allowed : List.of("8.8.8.8", "100.63.255.255", "100.128.0.1", "172.32.0.1",
        "192.169.0.1", "2001:4860:4860::8888", "64:ff9b::808:808", "2002:0808:0808::1")) {
      assertThat(DestinationGuard.whyRefused(InetAddress.getByName(allowed))).as(allowed).isNull();
    }
  }
}
