package org.sipscreen.screening.check.stir_shaken;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway STI PKI generated in memory for tests: a CA, STI certificates it issues, and PASSporT
 * signing. Test keys: they live only in the test JVM; nothing is written to disk.
 */
public final class TestPki {

  public static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  public static final String X5U = "https://cert.example.net/sti.pem";

  private static long serial = 1;

  public final KeyPair caKeys;
  public final X509Certificate ca;

  public TestPki(String caName) {
    try {
      caKeys = p256();
      ca = certificate("CN=" + caName, caKeys, "CN=" + caName, caKeys.getPrivate(),
          NOW.minusSeconds(86_400 * 365), NOW.plusSeconds(86_400 * 365), true, null);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair p256() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
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
    try {
      return certificate("CN=STI-SP Test", keys, ca.getSubjectX500Principal().getName(),
          caKeys.getPrivate(), from, until, false, tnAuthList);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate certificate(String subject, KeyPair keys, String issuer,
      PrivateKey issuerKey, Instant from, Instant until, boolean isCa, byte[] tnAuthList)
      throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException,
          org.bouncycastle.cert.CertIOException {
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
        BigInteger.valueOf(serial++), Date.from(from), Date.from(until), new X500Name(subject),
        keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      if (tnAuthList != null) {
        builder.addExtension(new ASN1ObjectIdentifier(CertificateChainValidator.TN_AUTH_LIST_OID), false,
            tnAuthList);
      }
    }
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
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
    return "{\"alg\":\"ES256\",\"ppt\":\"" + ppt + "\",\"typ\":\"passport\",\"x5u\":\"" + X5U + "\"}";
  }

  public static String shakenClaims(String attest, String orig, String dest, long iat) {
    return "{\"attest\":\"" + attest + "\",\"dest\":{\"tn\":[\"" + dest + "\"]},\"iat\":" + iat
        + ",\"orig\":{\"tn\":\"" + orig + "\"},\"origid\":\"123e4567-e89b-12d3-a456-426655440000\"}";
  }

  public static String identity(String jws, String ppt) {
    return jws + ";info=<" + X5U + ">;alg=ES256;ppt=" + ppt;
  }
}
