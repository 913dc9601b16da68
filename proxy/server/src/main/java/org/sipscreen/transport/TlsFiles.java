package org.sipscreen.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.sipscreen.config.SipscreenConfig;

/**
 * The PEM files of {@code sip.tls}, read and checked together: the certificate chain, its PKCS#8 private key
 * (which must be the key of the chain's first certificate) and the trusted CAs. A failure is a
 * {@link TlsFileException} naming the key and the file, so a bad file is refused before it is used.
 *
 * @param digest SHA-256 over the three files' bytes, to tell whether they changed
 */
public record TlsFiles(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> cas, byte[] digest) {

  /** A file of {@code sip.tls} that cannot be used, with the key that names it. */
  public static final class TlsFileException extends Exception {
    public TlsFileException(String message) {
      super(message);
    }
  }

  /** Reads the files {@code tls} names, relative to {@code base} (the config file's folder). */
  public static TlsFiles read(SipscreenConfig.Tls tls, Path base) throws TlsFileException {
    Path certificateFile = base.resolve(tls.certificateFile());
    Path keyFile = base.resolve(tls.keyFile());
    Path caFile = base.resolve(tls.caFile());
    byte[] certificateBytes = bytes(certificateFile, "certificate_file");
    byte[] keyBytes = bytes(keyFile, "key_file");
    byte[] caBytes = bytes(caFile, "ca_file");
    List<X509Certificate> chain = certificates(certificateBytes, certificateFile, "certificate_file");
    List<X509Certificate> cas = certificates(caBytes, caFile, "ca_file");
    PrivateKey key = privateKey(keyBytes, keyFile);
    if (!matches(key, chain.get(0))) {
      throw new TlsFileException("sip.tls.key_file: " + keyFile + " is not the key of the certificate in "
          + certificateFile);
    }
    MessageDigest sha = sha256();
    sha.update(certificateBytes);
    sha.update(keyBytes);
    sha.update(caBytes);
    return new TlsFiles(List.copyOf(chain), key, List.copyOf(cas), sha.digest());
  }

  /** Whether {@code other} holds the same bytes. */
  public boolean sameAs(TlsFiles other) {
    return other != null && Arrays.equals(digest, other.digest);
  }

  /** The SHA-256 fingerprint of a certificate: 64 lower-case hex digits. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(sha256().digest(certificate.getEncoded()));
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(Path file, String key) throws TlsFileException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsFileException("sip.tls." + key + ": " + file + ": file not found");
    } catch (IOException e) {
      throw new TlsFileException("sip.tls." + key + ": " + file + ": cannot read: " + e.getMessage());
    }
  }

  private static List<X509Certificate> certificates(byte[] pem, Path file, String key) throws TlsFileException {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var c : factory.generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) c);
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new TlsFileException("sip.tls." + key + ": " + file + ": not a PEM certificate file ("
          + e.getMessage() + ")");
    }
    if (out.isEmpty()) {
      throw new TlsFileException("sip.tls." + key + ": " + file + ": holds no certificate");
    }
    return out;
  }

  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PKCS8_END = "-----END PRIVATE KEY-----";

  /** An unencrypted PKCS#8 key (what {@code openssl genpkey} writes), RSA, EC or Ed25519. */
  private static PrivateKey privateKey(byte[] pem, Path file) throws TlsFileException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf(PKCS8_BEGIN);
    int end = text.indexOf(PKCS8_END);
    if (begin < 0 || end < begin) {
      String hint = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") ? "an encrypted key"
          : text.contains("PRIVATE KEY-----") ? "a key in the old per-algorithm format" : "no private key";
      throw new TlsFileException("sip.tls.key_file: " + file + ": " + hint + "; the key must be unencrypted"
          + " PKCS#8 PEM (-----BEGIN PRIVATE KEY-----; openssl pkcs8 -topk8 -nocrypt converts one)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + PKCS8_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new TlsFileException("sip.tls.key_file: " + file + ": the key is not base64");
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new TlsFileException("sip.tls.key_file: " + file + ": not an RSA, EC or Ed25519 private key");
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true; // an algorithm we cannot test is left to the TLS library
    }
    if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
      return false;
    }
    try {
      byte[] probe = "sipscreen key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
