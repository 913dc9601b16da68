package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.proxy.LocalEndpoint;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.sip.Transport;

/** {@code sip.tls}, tls listeners and next hops, {@code peers.<name>.tls}: defaults and every refused value. */
class TlsConfigTest {

  @TempDir
  Path dir;

  private static final String TLS = """
        tls: {certificate_file: proxy.crt, key_file: proxy.key, ca_file: ca.pem}
      """;

  private SipscreenConfig load(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file);
  }

  private String error(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file)).getMessage();
  }

  @Test
  void tlsListenerDefaultsToPort5061RequiringClientCertificates() throws Exception {
    SipscreenConfig c = load("sip:\n  listen: [{address: 127.0.0.1, transports: [tls]}]\n" + TLS);
    SipscreenConfig.Listener l = c.sip().listen().get(0);
    assertThat(l.port()).isEqualTo(5061);
    assertThat(l.clientCertificate()).isEqualTo("required");
    assertThat(c.sip().tls().provider()).isEqualTo("auto");
    assertThat(c.sip().tls().handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    ProxySettings s = ProxySettingsFactory.settings(c, dir.resolve("sipscreen.yaml"));
    LocalEndpoint e = s.endpoints().get(0);
    assertThat(e.transports()).containsExactly(Transport.TLS);
    assertThat(e.clientCertificate()).isEqualTo("required");
  }

  @Test
  void tlsNextHopDefaultsToPort5061() throws Exception {
    SipscreenConfig c = load("sip:\n" + TLS + "routing:\n  default_route: \"sip:127.0.0.1;transport=tls\"\n");
    ProxySettings s = ProxySettingsFactory.settings(c, dir.resolve("sipscreen.yaml"));
    assertThat(s.defaultRoute()).isEqualTo(new NextHop(new InetSocketAddress("127.0.0.1", 5061), Transport.TLS));
  }

  @Test
  void refusesTlsSharingAListenerWithTcp() throws Exception {
    assertThat(error("sip:\n  listen: [{port: 5070, transports: [tcp, tls]}]\n" + TLS))
        .contains("sip.listen[0]").contains("tls needs a TCP port of its own").contains("(line 2)");
  }

  @Test
  void refusesATlsListenerWithoutTheTlsSection() throws Exception {
    assertThat(error("sip:\n  listen: [{transports: [tls]}]\n"))
        .contains("tls is required: the listener 127.0.0.1 port 5061 serves tls");
  }

  @Test
  void refusesATlsNextHopWithoutTheTlsSection() throws Exception {
    assertThat(error("routing:\n  default_route: \"sip:127.0.0.1:5061;transport=tls\"\n"))
        .contains("sip.tls is required: next hop sip:127.0.0.1:5061;transport=tls");
  }

  @Test
  void aTlsNextHopNamedByHostIsResolvedAndMustProveThatName() throws Exception {
    load("sip:\n" + TLS + "routing:\n  next_hops:\n    - {uri: \"sip:Core.Example.net;transport=TLS\"}\n");
    org.sipscreen.proxy.NextHopName name =
        org.sipscreen.proxy.NextHopName.of("sip:Core.Example.net;transport=TLS", 1, 1).orElseThrow();
    assertThat(name.srvQueries()).containsExactly(
        new org.sipscreen.proxy.NextHopName.SrvQuery("_sips._tcp.core.example.net", Transport.TLS));
    assertThat(name.addressPort()).as("without SRV records: 5061").isEqualTo(5061);
    assertThat(name.hopAt(new InetSocketAddress("10.0.0.7", 5061), Transport.TLS))
        .isEqualTo(new NextHop(new InetSocketAddress("10.0.0.7", 5061), Transport.TLS,
            java.util.Optional.of("core.example.net")));
  }

  @Test
  void aSipsNextHopIsATlsHop() throws Exception {
    SipscreenConfig c = load("sip:\n" + TLS + "routing:\n  default_route: \"sips:127.0.0.1\"\n");
    ProxySettings s = ProxySettingsFactory.settings(c, dir.resolve("sipscreen.yaml"));
    assertThat(s.defaultRoute()).isEqualTo(new NextHop(new InetSocketAddress("127.0.0.1", 5061), Transport.TLS));
  }

  @Test
  void refusesATlsNextHopNamedByHostWithoutTheTlsSection() throws Exception {
    assertThat(error("routing:\n  next_hops:\n    - {uri: \"sip:core.example.net;transport=TLS\"}\n"))
        .contains("sip.tls is required: next hop sip:core.example.net;transport=TLS");
    assertThat(error("routing:\n  default_route: \"sips:127.0.0.1\"\n"))
        .contains("sip.tls is required: next hop sips:127.0.0.1");
  }

  @Test
  void refusesClientCertificateOnANonTlsListenerAndUnknownModes() throws Exception {
    assertThat(error("sip:\n  listen: [{transports: [udp], client_certificate: required}]\n"))
        .contains("client_certificate applies to a tls listener only");
    assertThat(error("sip:\n  listen: [{transports: [tls], client_certificate: maybe}]\n" + TLS))
        .contains("client_certificate must be required, optional or none, was 'maybe'");
  }

  @Test
  void refusesMissingFilesAndUnknownProvider() throws Exception {
    assertThat(error("sip:\n  tls: {key_file: k, ca_file: c}\n")).contains("sip.tls")
        .contains("certificate_file is required");
    assertThat(error("sip:\n  tls: {certificate_file: c, ca_file: c}\n")).contains("key_file is required");
    assertThat(error("sip:\n  tls: {certificate_file: c, key_file: k}\n")).contains("ca_file is required");
    assertThat(error("sip:\n  tls: {certificate_file: c, key_file: k, ca_file: c, provider: gnutls}\n"))
        .contains("provider must be auto, openssl or jdk, was 'gnutls'");
    assertThat(error("sip:\n  tls: {certificate_file: c, key_file: k, ca_file: c, handshake_timeout: 1ms}\n"))
        .contains("handshake_timeout");
  }

  @Test
  void peerTlsNormalizesFingerprintsAndRefusesBadOnes() throws Exception {
    String hex = "5D:1A:9C:0E:77:3B:41:F2:88:06:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45";
    SipscreenConfig c = load("peers:\n  a:\n    networks: [10.0.0.0/8]\n    tls: {sha256_fingerprints: [\""
        + hex + "\"]}\n");
    assertThat(c.peers().get("a").tls().sha256Fingerprints())
        .containsExactly(hex.replace(":", "").toLowerCase(java.util.Locale.ROOT));
    assertThat(error("peers:\n  a:\n    networks: [10.0.0.0/8]\n    tls: {sha256_fingerprints: [abcd]}\n"))
        .contains("peers.a.tls").contains("'abcd' is not a SHA-256 fingerprint");
    assertThat(error("peers:\n  a:\n    networks: [10.0.0.0/8]\n    tls: {}\n"))
        .contains("subject_alt_names or sha256_fingerprints is required");
  }
}
