package org.sipscreen.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.sipscreen.testkit.TestPki;

/**
 * TEST KEYS ONLY, made when a test runs: one interconnect CA and the certificates the TLS tests use, written
 * as the PEM files of {@code sip.tls} (proxy.crt, proxy.key, ca.pem) and as PKCS#12 stores for JAIN-SIP.
 */
final class TlsTestFiles {

  final Path dir;
  final TestPki.Issued ca;
  final TestPki.Issued proxy;

  TlsTestFiles(Path dir) throws IOException {
    this.dir = dir;
    ca = TestPki.ca("Interconnect Test CA", java.time.Instant.now().minusSeconds(3600),
        java.time.Instant.now().plusSeconds(86_400));
    proxy = TestPki.tlsLeaf(ca, "sipscreen.test", List.of("sipscreen.test"), List.of("127.0.0.1"));
    writeProxy(proxy);
    Files.writeString(dir.resolve("ca.pem"), ca.pem());
    TestPki.writeTrustStore(dir.resolve("trust.p12"), ca.certificate(), JainSipAgent.PASSWORD.toCharArray());
  }

  /** Writes {@code issued} as the proxy's certificate and key (in place). */
  void writeProxy(TestPki.Issued issued) throws IOException {
    Files.writeString(dir.resolve("proxy.crt"), issued.pem());
    Files.writeString(dir.resolve("proxy.key"), TestPki.privateKeyPem(issued.keys().getPrivate()));
  }

  /** A certificate of this CA with the DNS and IP names given, and its key store file {@code name.p12}. */
  Path keyStore(String name, List<String> dns, List<String> ips) {
    return keyStore(name, TestPki.tlsLeaf(ca, name, dns, ips));
  }

  Path keyStore(String name, TestPki.Issued issued) {
    Path file = dir.resolve(name + ".p12");
    TestPki.writeKeyStore(file, issued, JainSipAgent.PASSWORD.toCharArray());
    return file;
  }

  Path trustStore() {
    return dir.resolve("trust.p12");
  }

  /** The {@code sip.tls} section for these files. */
  String tlsSection(String provider) {
    return """
          tls:
            certificate_file: proxy.crt
            key_file: proxy.key
            ca_file: ca.pem
            provider: %s
        """.formatted(provider);
  }

  /** A JDK client context presenting {@code client} (or no certificate when null) and trusting the CA. */
  SSLContext clientContext(TestPki.Issued client) throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (client != null) {
      java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("key", client.keys().getPrivate(), JainSipAgent.PASSWORD.toCharArray(),
          new java.security.cert.X509Certificate[] {client.certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, JainSipAgent.PASSWORD.toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }
}
