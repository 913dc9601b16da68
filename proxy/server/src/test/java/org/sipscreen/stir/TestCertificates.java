package org.sipscreen.stir;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.sipscreen.screening.check.stir_shaken.PemCertificateChain;

/**
 * TEST KEYS ONLY: certificates and P-256 keys generated in memory when a test runs, never written to the
 * repository. A TLS server certificate for the HTTPS stub and a small STI PKI (CA + leaf) for it to serve.
 */
public final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(1);

  /** A key and the certificate for it. */
  public record Issued(KeyPair keys, X509Certificate certificate) {
    /** The certificate as PEM text. */
    public String pem() {
      try {
        return PemCertificateChain.encode(List.of(certificate));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private TestCertificates() {}

  /** A self-signed TLS server certificate valid for the DNS name {@code localhost} only (no IP SAN). */
  public static Issued localhostServer() {
    KeyPair keys = p256();
    return new Issued(keys, build("CN=localhost", keys.getPublic(), "CN=localhost", keys.getPrivate(),
        Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400), false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost"))));
  }

  /** A CA certificate (STI-CA / trust anchor). */
  public static Issued ca(String name, Instant from, Instant until) {
    KeyPair keys = p256();
    return new Issued(keys,
        build("CN=" + name, keys.getPublic(), "CN=" + name, keys.getPrivate(), from, until, true, null));
  }

  /** An STI leaf certificate issued by {@code ca}. */
  public static Issued leaf(Issued ca, Instant from, Instant until) {
    KeyPair keys = p256();
    return new Issued(keys, build("CN=STI-SP Test", keys.getPublic(),
        ca.certificate().getSubjectX500Principal().getName(), ca.keys().getPrivate(), from, until, false,
        null));
  }

  /** A TLS server context presenting {@code server}. */
  public static SSLContext serverContext(Issued server) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = "test-only".toCharArray();
      store.setKeyEntry("server", server.keys().getPrivate(), password,
          new X509Certificate[] {server.certificate()});
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair p256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate build(String subject, java.security.PublicKey key, String issuer,
      PrivateKey issuerKey, Instant from, Instant until, boolean isCa, GeneralNames sans) {
    try {
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
          BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(from), Date.from(until),
          new X500Name(subject), key);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(isCa
          ? KeyUsage.keyCertSign | KeyUsage.cRLSign
          : KeyUsage.digitalSignature));
      if (sans != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException(e);
    }
  }
}
