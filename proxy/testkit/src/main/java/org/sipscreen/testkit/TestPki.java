package org.sipscreen.testkit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
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

/**
 * TEST KEYS ONLY: the one test PKI of the project's tests. P-256 keys and certificates are generated in
 * memory when a test runs and never written to the repository: STI CAs and the STI certificates they issue
 * (with or without a TNAuthList), a self-signed TLS server certificate for {@code localhost}, and PASSporT
 * (JWS, ES256) signing.
 *
 * <p>An instance is one STI-CA valid a year either side of {@link #NOW} (for tests with a fixed clock); the
 * static {@link #ca}/{@link #leaf} make certificates valid around any instant (for tests on the wall clock).
 */
public final class TestPki {

  public static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  public static final String X5U = "https://cert.example.net/sti.pem";
  /** The TNAuthList certificate extension (RFC 8226). */
  public static final String TN_AUTH_LIST_OID = "1.3.6.1.5.5.7.1.26";

  private static final AtomicLong SERIAL = new AtomicLong(1);

  /** A key and the certificate for it. */
  public record Issued(KeyPair keys, X509Certificate certificate) {
    /** The certificate as PEM text. */
    public String pem() {
      return TestPki.pem(List.of(certificate));
    }
  }

  public final KeyPair caKeys;
  public final X509Certificate ca;

  public TestPki(String caName) {
    Issued issued = ca(caName, NOW.minusSeconds(86_400 * 365), NOW.plusSeconds(86_400 * 365));
    caKeys = issued.keys();
    ca = issued.certificate();
  }

  /** A fresh P-256 key pair. */
  public static KeyPair p256() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static KeyPair newKeys() {
    try {
      return p256();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An STI certificate for {@code keys}, issued by this CA, valid from..until, with TNAuthList SPC 1234. */
  public X509Certificate issue(KeyPair keys, Instant from, Instant until) {
    return issue(keys, from, until, SPC_1234);
  }

  /**
   * An STI certificate whose TNAuthList extension value is {@code tnAuthList} (DER, e.g. from {@link
   * #tnAuthList}; any bytes, to test malformed ones), or without the extension when null.
   */
  public X509Certificate issue(KeyPair keys, Instant from, Instant until, byte[] tnAuthList) {
    return build("CN=STI-SP Test", keys.getPublic(), ca.getSubjectX500Principal().getName(),
        caKeys.getPrivate(), from, until, false, null, tnAuthList);
  }

  /** A CA certificate (STI-CA / trust anchor) named {@code CN=name}. */
  public static Issued ca(String name, Instant from, Instant until) {
    KeyPair keys = newKeys();
    return new Issued(keys, build("CN=" + name, keys.getPublic(), "CN=" + name, keys.getPrivate(), from,
        until, true, null, null));
  }

  /** An STI certificate {@code CN=STI-SP Test} issued by {@code ca}, without a TNAuthList. */
  public static Issued leaf(Issued ca, Instant from, Instant until) {
    return leaf(ca, "CN=STI-SP Test", from, until);
  }

  /** An STI certificate with the given subject issued by {@code ca}, without a TNAuthList. */
  public static Issued leaf(Issued ca, String subject, Instant from, Instant until) {
    KeyPair keys = newKeys();
    return new Issued(keys, build(subject, keys.getPublic(),
        ca.certificate().getSubjectX500Principal().getName(), ca.keys().getPrivate(), from, until, false,
        null, null));
  }

  /** A self-signed TLS server certificate valid for the DNS name {@code localhost} only (no IP SAN). */
  public static Issued localhostServer() {
    KeyPair keys = newKeys();
    return new Issued(keys, build("CN=localhost", keys.getPublic(), "CN=localhost", keys.getPrivate(),
        Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400), false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")), null));
  }

  /**
   * A TLS certificate {@code CN=cn} issued by {@code ca}, valid an hour ago to a day from now, with the given
   * DNS names and IP addresses as subject alternative names; its key is fresh (P-256).
   */
  public static Issued tlsLeaf(Issued ca, String cn, List<String> dnsNames, List<String> ipAddresses) {
    KeyPair keys = newKeys();
    List<GeneralName> names = new java.util.ArrayList<>();
    dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    ipAddresses.forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a)));
    return new Issued(keys, build("CN=" + cn, keys.getPublic(), ca.certificate().getSubjectX500Principal()
        .getName(), ca.keys().getPrivate(), Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400),
        false, names.isEmpty() ? null : new GeneralNames(names.toArray(new GeneralName[0])), null));
  }

  /** A private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  public static String privateKeyPem(PrivateKey key) {
    Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    return "-----BEGIN PRIVATE KEY-----\n" + base64.encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** A PKCS#12 key store with {@code issued}'s key and certificate under alias {@code key}. */
  public static void writeKeyStore(java.nio.file.Path file, Issued issued, char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("key", issued.keys().getPrivate(), password,
          new X509Certificate[] {issued.certificate()});
      try (var out = java.nio.file.Files.newOutputStream(file)) {
        store.store(out, password);
      }
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PKCS#12 trust store holding {@code ca} as its one trusted certificate. */
  public static void writeTrustStore(java.nio.file.Path file, X509Certificate ca, char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", ca);
      try (var out = java.nio.file.Files.newOutputStream(file)) {
        store.store(out, password);
      }
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
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

  /** Certificates as PEM text ({@code -----BEGIN CERTIFICATE-----}, base64 in 64-character lines). */
  public static String pem(List<X509Certificate> chain) {
    StringBuilder out = new StringBuilder();
    Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    for (X509Certificate certificate : chain) {
      try {
        out.append("-----BEGIN CERTIFICATE-----\n")
            .append(base64.encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return out.toString();
  }

  private static X509Certificate build(String subject, PublicKey key, String issuer, PrivateKey issuerKey,
      Instant from, Instant until, boolean isCa, GeneralNames sans, byte[] tnAuthList) {
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
      if (!isCa && tnAuthList != null) {
        builder.addExtension(new ASN1ObjectIdentifier(TN_AUTH_LIST_OID), false, tnAuthList);
      }
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** TNAuthList (RFC 8226) with SPC "1234": SEQUENCE { [0] IA5String "1234" }, DER by hand. */
  public static final byte[] SPC_1234 = {0x30, 0x08, (byte) 0xa0, 0x06, 0x16, 0x04, '1', '2', '3', '4'};

  /** A DER TNAuthorizationList of the given entries ({@link #spc}, {@link #one}, {@link #range}). */
  public static byte[] tnAuthList(ASN1Encodable... entries) {
    try {
      return new DERSequence(entries).getEncoded(ASN1Encoding.DER);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ASN1Encodable spc(String code) {
    return new DERTaggedObject(true, 0, new DERIA5String(code));
  }

  public static ASN1Encodable one(String tn) {
    return new DERTaggedObject(true, 2, new DERIA5String(tn));
  }

  public static ASN1Encodable range(String start, long count) {
    return new DERTaggedObject(true, 1,
        new DERSequence(new ASN1Encodable[] {new DERIA5String(start), new ASN1Integer(count)}));
  }

  public static String b64(String json) {
    return b64(json.getBytes(StandardCharsets.UTF_8));
  }

  public static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A compact JWS over header and claims JSON, signed ES256 (R||S) with {@code key}. */
  public static String jws(String headerJson, String claimsJson, PrivateKey key) {
    String input = b64(headerJson) + "." + b64(claimsJson);
    try {
      Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
      signer.initSign(key);
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String header(String ppt) {
    return header(ppt, X5U);
  }

  /** A PASSporT header naming the certificate at {@code x5u}. */
  public static String header(String ppt, String x5u) {
    return "{\"alg\":\"ES256\",\"ppt\":\"" + ppt + "\",\"typ\":\"passport\",\"x5u\":\"" + x5u + "\"}";
  }

  public static String shakenClaims(String attest, String orig, String dest, long iat) {
    return shakenClaims(attest, orig, dest, iat, "123e4567-e89b-12d3-a456-426655440000");
  }

  /** SHAKEN claims with the given origid. Numbers are digits without +. */
  public static String shakenClaims(String attest, String orig, String dest, long iat, String origid) {
    return "{\"attest\":\"" + attest + "\",\"dest\":{\"tn\":[\"" + dest + "\"]},\"iat\":" + iat
        + ",\"orig\":{\"tn\":\"" + orig + "\"},\"origid\":\"" + origid + "\"}";
  }

  public static String identity(String jws, String ppt) {
    return jws + ";info=<" + X5U + ">;alg=ES256;ppt=" + ppt;
  }
}
