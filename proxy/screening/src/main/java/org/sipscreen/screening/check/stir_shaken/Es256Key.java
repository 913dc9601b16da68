package org.sipscreen.screening.check.stir_shaken;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.util.BigIntegers;

/**
 * A P-256 public key prepared once per certificate for ES256 (RFC 7518 section 3.4) verification: ECDSA
 * with SHA-256 over the 64-byte R||S signature of a JWS. Immutable and thread-safe.
 *
 * <p>Why two engines: Conscrypt (BoringSSL's P-256) verifies about twice as fast as the fastest pure-Java
 * path (loadtest/RESULTS.md, "JMH: ES256 verification, second round"), but it is a native library that
 * may not load on every platform. When it loads, keys carry a Conscrypt key; otherwise BouncyCastle's
 * lightweight {@link ECDSASigner} verifies, whose fixed-point comb tables stay on the key's point because
 * the same prepared key is reused. Both engines get the same input checks first: exactly 64 bytes, r and
 * s in [1, n-1] (FIPS 186-4 section 6.4; high-S is valid ECDSA and accepted by both).
 */
public final class Es256Key {

  /** Which library verifies. */
  public enum Engine { CONSCRYPT, BOUNCY_CASTLE }

  private static final System.Logger LOG = System.getLogger(Es256Key.class.getName());
  private static final X9ECParameters P256 = ECNamedCurveTable.getByName("P-256");
  private static final BigInteger N = P256.getN();
  private static final int SIGNATURE_BYTES = 64;
  private static final Provider CONSCRYPT = loadConscrypt();
  private static final Engine PREFERRED = CONSCRYPT != null ? Engine.CONSCRYPT : Engine.BOUNCY_CASTLE;
  private static final ThreadLocal<Signature> CONSCRYPT_VERIFIER = ThreadLocal.withInitial(() -> {
    try {
      return Signature.getInstance("SHA256withECDSA", CONSCRYPT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Conscrypt loaded without SHA256withECDSA", e);
    }
  });

  static {
    LOG.log(System.Logger.Level.INFO, "ES256 verification uses " + PREFERRED
        + (CONSCRYPT == null ? " (Conscrypt native library not available)" : ""));
  }

  private final ECPublicKeyParameters bouncyCastleKey;
  private final PublicKey conscryptKey;

  private Es256Key(ECPublicKeyParameters bouncyCastleKey, PublicKey conscryptKey) {
    this.bouncyCastleKey = bouncyCastleKey;
    this.conscryptKey = conscryptKey;
  }

  /** The engine this process uses: Conscrypt when its native library loaded, BouncyCastle otherwise. */
  public static Engine preferredEngine() {
    return PREFERRED;
  }

  /** The prepared key for the preferred engine when {@code key} is an EC P-256 key, empty otherwise. */
  public static Optional<Es256Key> of(PublicKey key) {
    return of(key, PREFERRED);
  }

  /**
   * The prepared key for {@code engine} (tests and benchmarks compare both). Empty when {@code key} is not
   * an EC public key on P-256, its point is not valid, or the engine is Conscrypt and it is unavailable.
   */
  public static Optional<Es256Key> of(PublicKey key, Engine engine) {
    if (key == null || engine == Engine.CONSCRYPT && CONSCRYPT == null) {
      return Optional.empty();
    }
    ECPublicKeyParameters ec = bouncyCastleP256(key);
    if (ec == null) {
      return Optional.empty();
    }
    if (engine == Engine.BOUNCY_CASTLE) {
      return Optional.of(new Es256Key(ec, null));
    }
    try {
      PublicKey translated = KeyFactory.getInstance("EC", CONSCRYPT)
          .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
      return Optional.of(new Es256Key(null, translated));
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public Engine engine() {
    return conscryptKey != null ? Engine.CONSCRYPT : Engine.BOUNCY_CASTLE;
  }

  /**
   * Whether {@code signature} (R||S, 32 bytes each, big-endian, as in a JWS) is a valid ES256 signature by
   * this key over {@code signingInput}. Anything malformed is simply invalid, never an exception.
   */
  public boolean verify(byte[] signingInput, byte[] signature) {
    if (signingInput == null || signature == null || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    BigInteger r = BigIntegers.fromUnsignedByteArray(signature, 0, 32);
    BigInteger s = BigIntegers.fromUnsignedByteArray(signature, 32, 32);
    if (!inRange(r) || !inRange(s)) {
      return false;
    }
    return conscryptKey != null
        ? verifyConscrypt(signingInput, r, s)
        : verifyBouncyCastle(signingInput, r, s);
  }

  private boolean verifyConscrypt(byte[] signingInput, BigInteger r, BigInteger s) {
    try {
      // JCA ECDSA wants DER, a JWS carries R||S. A Signature is not thread-safe: one per thread, since
      // getInstance looks the provider's service up and builds the engine by reflection every time.
      Signature verifier = CONSCRYPT_VERIFIER.get();
      verifier.initVerify(conscryptKey);
      verifier.update(signingInput);
      return verifier.verify(der(r, s));
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private boolean verifyBouncyCastle(byte[] signingInput, BigInteger r, BigInteger s) {
    // The JDK's SHA-256 (CPU intrinsics) is several times faster than BouncyCastle's SHA256Digest.
    byte[] hash = sha256(signingInput);
    ECDSASigner signer = new ECDSASigner();
    signer.init(false, bouncyCastleKey);
    return signer.verifySignature(hash, r, s);
  }

  private static boolean inRange(BigInteger value) {
    return value.signum() > 0 && value.compareTo(N) < 0;
  }

  /**
   * SEQUENCE { INTEGER r, INTEGER s }, the signature form JCA's SHA256withECDSA takes: both below 2^256,
   * so every length fits in one byte.
   */
  public static byte[] der(BigInteger r, BigInteger s) {
    byte[] rBytes = r.toByteArray();
    byte[] sBytes = s.toByteArray();
    byte[] out = new byte[6 + rBytes.length + sBytes.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + rBytes.length + sBytes.length);
    out[2] = 0x02;
    out[3] = (byte) rBytes.length;
    System.arraycopy(rBytes, 0, out, 4, rBytes.length);
    out[4 + rBytes.length] = 0x02;
    out[5 + rBytes.length] = (byte) sBytes.length;
    System.arraycopy(sBytes, 0, out, 6 + rBytes.length, sBytes.length);
    return out;
  }

  private static ECPublicKeyParameters bouncyCastleP256(PublicKey key) {
    try {
      AsymmetricKeyParameter parameter = PublicKeyFactory.createKey(key.getEncoded());
      if (parameter instanceof ECPublicKeyParameters ec
          && ec.getParameters().getCurve().equals(P256.getCurve())
          && ec.getParameters().getG().equals(P256.getG())
          && !ec.getQ().isInfinity()
          && ec.getQ().isValid()) {
        return ec;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not a key BouncyCastle understands: unsupported credential
    }
    return null;
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Conscrypt's provider when the class is on the class path and its native library loads, else null. */
  private static Provider loadConscrypt() {
    try {
      Class<?> conscrypt = Class.forName("org.conscrypt.Conscrypt");
      if (!(Boolean) conscrypt.getMethod("isAvailable").invoke(null)) {
        return null;
      }
      return (Provider) conscrypt.getMethod("newProvider").invoke(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }
}
