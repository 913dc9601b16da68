package org.sipscreen.bench;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.conscrypt.Conscrypt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sipscreen.screening.check.stir_shaken.Es256Key;
import org.sipscreen.screening.check.stir_shaken.IdentityHeader;
import org.sipscreen.screening.check.stir_shaken.PassportVerifier;

/**
 * Which provider verifies a SHAKEN PASSporT's ES256 signature fastest with the certificate already at
 * hand (issue 4: at most 100 µs): JDK 17 SunEC through JCA (P1363 R||S format, and DER as most libraries
 * call it), BouncyCastle through JCA, BouncyCastle's lightweight ECDSASigner with a prepared key (what
 * {@code PassportVerifier} does with a cached certificate), and {@code PassportVerifier.signatureValid},
 * which also converts the JCA key each call. Every benchmark verifies the same signature over the same
 * ~330-byte signing input. Second round (issue 4): Conscrypt (BoringSSL) through JCA with a key
 * translated once, {@link Es256Key} (what {@code PassportVerifier} now keeps per certificate) with each of
 * its engines, and SHA-256 alone in BouncyCastle and the JDK. Conscrypt cases
 * return false when its native library does not load here. Run:
 * {@code java -jar loadtest/jmh/target/benchmarks.jar Es256Benchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Es256Benchmark {

  private static final String X5U = "https://cert.example.net/sti.pem";
  private static final Provider BC = new BouncyCastleProvider();

  private KeyPair keys;
  private byte[] input;
  private byte[] p1363;
  private byte[] der;
  private ECPublicKeyParameters bcKey;
  private IdentityHeader identity;
  private Es256Key es256KeyBouncyCastle;
  private Es256Key es256KeyConscrypt;
  private Provider conscrypt;
  private PublicKey conscryptKey;

  @Setup
  public void setUp() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    keys = generator.generateKeyPair();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = "{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"" + X5U + "\"}";
    String claims = "{\"attest\":\"A\",\"dest\":{\"tn\":[\"13035550199\"]},\"iat\":1795867200,"
        + "\"orig\":{\"tn\":\"12025550123\"},\"origid\":\"123e4567-e89b-12d3-a456-426655440000\"}";
    String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    input = signingInput.getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(keys.getPrivate());
    signer.update(input);
    p1363 = signer.sign();
    der = toDer(p1363);
    bcKey = (ECPublicKeyParameters) PublicKeyFactory.createKey(keys.getPublic().getEncoded());
    identity = (IdentityHeader) IdentityHeader.parse(
        signingInput + "." + b64.encodeToString(p1363) + ";info=<" + X5U + ">;alg=ES256;ppt=shaken");
    es256KeyBouncyCastle = Es256Key.of(keys.getPublic(), Es256Key.Engine.BOUNCY_CASTLE).orElseThrow();
    es256KeyConscrypt = Es256Key.of(keys.getPublic(), Es256Key.Engine.CONSCRYPT).orElse(null);
    if (Conscrypt.isAvailable()) {
      conscrypt = Conscrypt.newProvider();
      conscryptKey = KeyFactory.getInstance("EC", conscrypt)
          .generatePublic(new X509EncodedKeySpec(keys.getPublic().getEncoded()));
    } else {
      System.err.println("Conscrypt native library not available: conscrypt cases return false");
    }
    if (!jdkSunEcP1363() || !jdkSunEcDer() || !bouncyCastleJca() || !bouncyCastleLightweight()
        || !sipscreenSignatureValid() || !es256KeyBouncyCastle() || conscrypt != null && (!conscryptDer() || !es256KeyConscrypt())) {
      throw new IllegalStateException("a verification path does not verify the signature");
    }
  }

  @Benchmark
  public boolean jdkSunEcP1363() throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
    verifier.initVerify(keys.getPublic());
    verifier.update(input);
    return verifier.verify(p1363);
  }

  @Benchmark
  public boolean jdkSunEcDer() throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
    verifier.initVerify(keys.getPublic());
    verifier.update(input);
    return verifier.verify(der);
  }

  @Benchmark
  public boolean bouncyCastleJca() throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("SHA256withPLAIN-ECDSA", BC);
    verifier.initVerify(keys.getPublic());
    verifier.update(input);
    return verifier.verify(p1363);
  }

  @Benchmark
  public boolean bouncyCastleLightweight() {
    SHA256Digest digest = new SHA256Digest();
    digest.update(input, 0, input.length);
    byte[] hash = new byte[32];
    digest.doFinal(hash, 0);
    ECDSASigner signer = new ECDSASigner();
    signer.init(false, bcKey);
    return signer.verifySignature(hash, new BigInteger(1, Arrays.copyOfRange(p1363, 0, 32)),
        new BigInteger(1, Arrays.copyOfRange(p1363, 32, 64)));
  }

  @Benchmark
  public boolean sipscreenSignatureValid() {
    return PassportVerifier.signatureValid(identity, keys.getPublic());
  }

  @Benchmark
  public boolean es256KeyBouncyCastle() {
    return es256KeyBouncyCastle.verify(input, p1363);
  }

  @Benchmark
  public boolean es256KeyConscrypt() {
    return es256KeyConscrypt != null && es256KeyConscrypt.verify(input, p1363);
  }

  @Benchmark
  public boolean conscryptDer() throws GeneralSecurityException {
    if (conscrypt == null) {
      return false;
    }
    Signature verifier = Signature.getInstance("SHA256withECDSA", conscrypt);
    verifier.initVerify(conscryptKey);
    verifier.update(input);
    return verifier.verify(toDer(p1363));
  }

  @Benchmark
  public byte[] sha256BouncyCastle() {
    SHA256Digest digest = new SHA256Digest();
    digest.update(input, 0, input.length);
    byte[] hash = new byte[32];
    digest.doFinal(hash, 0);
    return hash;
  }

  @Benchmark
  public byte[] sha256Jdk() throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-256").digest(input);
  }

  /** R||S to the ASN.1 SEQUENCE { INTEGER r, INTEGER s } that JCA's SHA256withECDSA expects. */
  static byte[] toDer(byte[] rs) {
    return Es256Key.der(new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)),
        new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)));
  }
}
