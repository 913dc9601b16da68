package org.sipscreen.http.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The client's TLS: the JDK's default CAs plus extra CA files, host names verified, TLS 1.3 and 1.2. */
public final class ClientTls {

  private ClientTls() {}

  /**
   * A client context trusting the JDK's default CAs and the CAs in {@code extraCaFiles} (PEM).
   *
   * @throws IOException when a CA file cannot be read or holds no certificate (the message names it)
   */
  public static SslContext trusting(List<Path> extraCaFiles) throws IOException {
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
      throw new IOException("cannot set up TLS for HTTPS requests: " + e.getMessage(), e);
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
