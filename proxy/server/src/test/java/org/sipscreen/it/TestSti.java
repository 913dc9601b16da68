package org.sipscreen.it;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.sipscreen.screening.check.stir_shaken.CertificatePreloadDirectory;
import org.sipscreen.screening.check.stir_shaken.PemCertificateChain;

/**
 * A throwaway STI PKI for integration tests: a CA and one STI-SP certificate, with TEST KEYS generated at
 * test time and never written to disk; only the certificates are written (trust anchor PEM, preload
 * directory). Signs SHAKEN PASSporTs with a fresh iat.
 */
public final class TestSti {

  public static final String X5U = "https://cert.test.invalid/sipscreen-it.pem";

  private final KeyPair caKeys;
  private final KeyPair spKeys;
  public final X509Certificate ca;
  public final X509Certificate sp;

  public TestSti() throws Exception {
    caKeys = p256();
    spKeys = p256();
    Instant now = Instant.now();
    ca = certificate("CN=sipscreen test STI-CA", caKeys, "CN=sipscreen test STI-CA", caKeys, now, true);
    sp = certificate("CN=sipscreen test STI-SP", spKeys, "CN=sipscreen test STI-CA", caKeys, now, false);
  }

  /** Writes the CA as {@code ca.pem} and the SP chain as a preload directory {@code certs/} under dir. */
  public void writeTo(Path dir) throws Exception {
    Files.writeString(dir.resolve("ca.pem"), PemCertificateChain.encode(List.of(ca)));
    Path certs = Files.createDirectories(dir.resolve("certs"));
    CertificatePreloadDirectory.write(certs, Map.of(X5U, PemCertificateChain.encode(List.of(sp))));
  }

  /** The compact JWS of a SHAKEN PASSporT from orig to dest, iat now. Numbers are digits without +. */
  public String passport(String attest, String orig, String dest) throws GeneralSecurityException {
    return passport(attest, orig, dest, X5U);
  }

  /** The same, naming another certificate URL. */
  public String passport(String attest, String orig, String dest, String x5u) throws GeneralSecurityException {
    String header = "{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"" + x5u + "\"}";
    String claims = "{\"attest\":\"" + attest + "\",\"dest\":{\"tn\":[\"" + dest + "\"]},\"iat\":"
        + Instant.now().getEpochSecond() + ",\"orig\":{\"tn\":\"" + orig + "\"},\"origid\":\""
        + java.util.UUID.randomUUID() + "\"}";
    String input = b64(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64(claims.getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(spKeys.getPrivate());
    signer.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64(signer.sign());
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static KeyPair p256() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate certificate(String subject, KeyPair keys, String issuer, KeyPair issuerKeys,
      Instant now, boolean isCa) throws Exception {
    var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
        BigInteger.valueOf(now.toEpochMilli() + (isCa ? 0 : 1)), Date.from(now.minusSeconds(3600)),
        Date.from(now.plusSeconds(86_400)), new X500Name(subject), keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(isCa
        ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }
}
