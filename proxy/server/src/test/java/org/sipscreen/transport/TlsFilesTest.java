package org.sipscreen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.metrics.TlsMetrics;
import org.sipscreen.testkit.TestPki;

/** The files of {@code sip.tls} and the peer certificate rule, without sockets. */
class TlsFilesTest {

  @TempDir
  Path dir;

  private static final SipscreenConfig.Tls TLS =
      new SipscreenConfig.Tls("proxy.crt", "proxy.key", "ca.pem", "jdk", null);

  private final TestPki.Issued ca = TestPki.ca("Test CA", Instant.now().minusSeconds(60),
      Instant.now().plusSeconds(86_400));

  private TestPki.Issued writeSet() throws Exception {
    TestPki.Issued proxy = TestPki.tlsLeaf(ca, "proxy", List.of("proxy.test"), List.of("127.0.0.1"));
    Files.writeString(dir.resolve("proxy.crt"), proxy.pem());
    Files.writeString(dir.resolve("proxy.key"), TestPki.privateKeyPem(proxy.keys().getPrivate()));
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
    return proxy;
  }

  private String error() {
    return catchThrowableOfType(TlsFiles.TlsFileException.class, () -> TlsFiles.read(TLS, dir)).getMessage();
  }

  @Test
  void readsChainKeyAndCas() throws Exception {
    TestPki.Issued proxy = writeSet();
    TlsFiles files = TlsFiles.read(TLS, dir);
    assertThat(files.chain()).containsExactly(proxy.certificate());
    assertThat(files.cas()).containsExactly(ca.certificate());
    assertThat(files.sameAs(TlsFiles.read(TLS, dir))).isTrue();
  }

  @Test
  void namesTheMissingFileAndItsKey() throws Exception {
    writeSet();
    Files.delete(dir.resolve("ca.pem"));
    assertThat(error()).startsWith("sip.tls.ca_file: ").endsWith("ca.pem: file not found");
  }

  @Test
  void refusesAKeyOfAnotherCertificate() throws Exception {
    writeSet();
    TestPki.Issued other = TestPki.tlsLeaf(ca, "other", List.of("other.test"), List.of());
    Files.writeString(dir.resolve("proxy.key"), TestPki.privateKeyPem(other.keys().getPrivate()));
    assertThat(error()).startsWith("sip.tls.key_file: ").contains("is not the key of the certificate in");
  }

  @Test
  void refusesAKeyInTheOldFormatSayingHowToConvertIt() throws Exception {
    writeSet();
    Files.writeString(dir.resolve("proxy.key"), "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    assertThat(error()).contains("old per-algorithm format").contains("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void refusesACertificateFileWithoutCertificates() throws Exception {
    writeSet();
    Files.writeString(dir.resolve("proxy.crt"), "# nothing\n");
    assertThat(error()).startsWith("sip.tls.certificate_file: ");
  }

  @Test
  void aRefusedReloadKeepsTheRunningCertificate() throws Exception {
    TestPki.Issued proxy = writeSet();
    TlsMetrics metrics = new TlsMetrics();
    try (TlsContexts contexts = TlsContexts.load(TLS, dir, metrics)) {
      Files.writeString(dir.resolve("proxy.crt"), "garbage");
      assertThat(contexts.reload()).isFalse();
      assertThat(metrics.reloads(false)).isEqualTo(1);
      assertThat(contexts.fingerprint()).isEqualTo(TlsFiles.fingerprint(proxy.certificate()));
      TestPki.Issued renewed = writeSet();
      assertThat(contexts.reload()).isTrue();
      assertThat(metrics.reloads(true)).isEqualTo(1);
      assertThat(contexts.fingerprint()).isEqualTo(TlsFiles.fingerprint(renewed.certificate()));
      assertThat(contexts.reload()).as("unchanged files").isFalse();
    }
  }

  @Test
  void peerWithTlsMustPresentANamedCertificateOthersAreLeftToTheCas() throws Exception {
    TestPki.Issued named = TestPki.tlsLeaf(ca, "a", List.of("SBC.Carrier-A.example"), List.of());
    TestPki.Issued byAddress = TestPki.tlsLeaf(ca, "b", List.of(), List.of("10.0.0.7"));
    TestPki.Issued stranger = TestPki.tlsLeaf(ca, "s", List.of("stranger.example"), List.of());
    TlsPeerIdentities ids = TlsPeerIdentities.of(Map.of(
        "a", new SipscreenConfig.PeerConfig(List.of("10.1.0.0/16"), null, null, null, null, null,
            new SipscreenConfig.PeerTls(List.of("sbc.carrier-a.example", "10.0.0.7"), null)),
        "f", new SipscreenConfig.PeerConfig(List.of("10.2.0.0/16"), null, null, null, null, null,
            new SipscreenConfig.PeerTls(null, List.of(TlsFiles.fingerprint(stranger.certificate())))),
        "open", new SipscreenConfig.PeerConfig(List.of("10.3.0.0/16"), null, null, null, null, null, null)));
    InetAddress a = InetAddress.getByName("10.1.2.3");
    assertThat(ids.refusal(a, named.certificate())).isEmpty();
    assertThat(ids.refusal(a, byAddress.certificate())).isEmpty();
    assertThat(ids.refusal(a, stranger.certificate())).contains("certificate_mismatch peer=a");
    assertThat(ids.refusal(a, null)).contains("no_certificate peer=a");
    InetAddress f = InetAddress.getByName("10.2.0.1");
    assertThat(ids.refusal(f, stranger.certificate())).isEmpty();
    assertThat(ids.refusal(f, named.certificate())).contains("certificate_mismatch peer=f");
    assertThat(ids.refusal(InetAddress.getByName("10.3.0.1"), stranger.certificate())).isEmpty();
    assertThat(ids.refusal(InetAddress.getByName("192.0.2.1"), null)).as("no peer's: source_peer decides")
        .isEmpty();
  }
}
