package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipscreen.testkit.TestPki;

/** Both engines, checked against each other and against JDK SunEC; test keys are generated per run. */
class Es256KeyTest {

  private static final BigInteger N = ECNamedCurveTable.getByName("P-256").getN();
  private static final byte[] INPUT = "eyJhbGciOiJFUzI1NiJ9.eyJpYXQiOjF9".getBytes(StandardCharsets.US_ASCII);
  private static final KeyPair KEYS;

  static {
    try {
      KEYS = TestPki.p256();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static Es256Key key(PublicKey publicKey, Es256Key.Engine engine) {
    if (engine == Es256Key.Engine.CONSCRYPT) {
      assumeTrue(Es256Key.preferredEngine() == Es256Key.Engine.CONSCRYPT,
          "Conscrypt's native library does not load on this platform");
    }
    return Es256Key.of(publicKey, engine).orElseThrow();
  }

  private static byte[] sign(byte[] input) throws GeneralSecurityException {
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
    signer.initSign(KEYS.getPrivate());
    signer.update(input);
    return signer.sign();
  }

  private static byte[] rs(BigInteger r, BigInteger s) {
    byte[] out = new byte[64];
    byte[] rBytes = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, r);
    byte[] sBytes = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, s);
    System.arraycopy(rBytes, 0, out, 0, 32);
    System.arraycopy(sBytes, 0, out, 32, 32);
    return out;
  }

  @Test
  void prefersConscryptExactlyWhenItsNativeLibraryLoads() {
    Es256Key.Engine expected = org.conscrypt.Conscrypt.isAvailable()
        ? Es256Key.Engine.CONSCRYPT : Es256Key.Engine.BOUNCY_CASTLE;

    assertThat(Es256Key.preferredEngine()).isEqualTo(expected);
    assertThat(Es256Key.of(KEYS.getPublic()).orElseThrow().engine()).isEqualTo(expected);
    assertThat(Es256Key.of(KEYS.getPublic(), Es256Key.Engine.BOUNCY_CASTLE).orElseThrow().engine())
        .isEqualTo(Es256Key.Engine.BOUNCY_CASTLE);
  }

  @ParameterizedTest
  @EnumSource(Es256Key.Engine.class)
  void verifiesSignatureByItsKeyAndRejectsOtherInputOrKey(Es256Key.Engine engine)
      throws GeneralSecurityException {
    byte[] signature = sign(INPUT);
    Es256Key key = key(KEYS.getPublic(), engine);
    Es256Key other = key(TestPki.p256().getPublic(), engine);
    byte[] changedInput = INPUT.clone();
    changedInput[changedInput.length - 1] ^= 1;

    assertThat(key.verify(INPUT, signature)).isTrue();
    assertThat(key.verify(INPUT, signature)).as("the prepared key is reusable").isTrue();
    assertThat(key.verify(changedInput, signature)).isFalse();
    assertThat(other.verify(INPUT, signature)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Es256Key.Engine.class)
  void acceptsHighSFormOfAValidSignature(Es256Key.Engine engine) throws GeneralSecurityException {
    byte[] signature = sign(INPUT);
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));

    // (r, n - s) is the other valid ECDSA signature for the same message; ES256 does not require low S.
    assertThat(key(KEYS.getPublic(), engine).verify(INPUT, rs(r, N.subtract(s)))).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Es256Key.Engine.class)
  void rejectsROrSOutsideOneToNMinusOne(Es256Key.Engine engine) throws GeneralSecurityException {
    byte[] signature = sign(INPUT);
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    Es256Key key = key(KEYS.getPublic(), engine);

    assertThat(key.verify(INPUT, rs(BigInteger.ZERO, s))).isFalse();
    assertThat(key.verify(INPUT, rs(r, BigInteger.ZERO))).isFalse();
    assertThat(key.verify(INPUT, rs(N, s))).isFalse();
    assertThat(key.verify(INPUT, rs(r, N))).isFalse();
    assertThat(key.verify(INPUT, rs(max, max))).isFalse();
    assertThat(key.verify(INPUT, new byte[64])).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Es256Key.Engine.class)
  void rejectsSignatureOfAnyLengthOtherThan64Bytes(Es256Key.Engine engine) throws GeneralSecurityException {
    byte[] signature = sign(INPUT);
    Es256Key key = key(KEYS.getPublic(), engine);
    byte[] der = Es256Key.der(new BigInteger(1, Arrays.copyOfRange(signature, 0, 32)),
        new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)));

    assertThat(key.verify(INPUT, Arrays.copyOf(signature, 63))).isFalse();
    assertThat(key.verify(INPUT, Arrays.copyOf(signature, 65))).isFalse();
    assertThat(key.verify(INPUT, new byte[0])).isFalse();
    assertThat(key.verify(INPUT, der)).as("DER is not the JWS form").isFalse();
    assertThat(key.verify(INPUT, null)).isFalse();
    assertThat(key.verify(null, signature)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Es256Key.Engine.class)
  void agreesWithSunEcOnRandomAndCorruptedSignatures(Es256Key.Engine engine) throws GeneralSecurityException {
    Es256Key key = key(KEYS.getPublic(), engine);
    Signature sunEc = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
    Random random = new Random(42);
    int valid = 0;
    for (int i = 0; i < 40; i++) {
      byte[] input = new byte[1 + random.nextInt(400)];
      random.nextBytes(input);
      byte[] signature = sign(input);
      if (i % 2 == 1) {
        int bit = random.nextInt(64 * 8);
        signature[bit / 8] ^= (byte) (1 << (bit % 8));
      }
      sunEc.initVerify(KEYS.getPublic());
      sunEc.update(input);
      boolean expected = sunEc.verify(signature);
      valid += expected ? 1 : 0;

      assertThat(key.verify(input, signature)).as("signature %d", i).isEqualTo(expected);
    }
    assertThat(valid).isEqualTo(20);
  }

  @Test
  void derEncodesIntegersWithTheHighBitSetWithALeadingZero() throws Exception {
    BigInteger r = N.subtract(BigInteger.ONE);
    BigInteger s = BigInteger.valueOf(0x7f);

    byte[] der = Es256Key.der(r, s);

    assertThat(der[3]).as("r length").isEqualTo((byte) 33);
    assertThat(der[4]).isZero();
    ASN1Sequence sequence = ASN1Sequence.getInstance(der);
    assertThat(ASN1Integer.getInstance(sequence.getObjectAt(0)).getPositiveValue()).isEqualTo(r);
    assertThat(ASN1Integer.getInstance(sequence.getObjectAt(1)).getPositiveValue()).isEqualTo(s);
  }

  @ParameterizedTest
  @EnumSource(Es256Key.Engine.class)
  void refusesKeysThatAreNotValidP256Points(Es256Key.Engine engine) throws GeneralSecurityException {
    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    byte[] encoded = KEYS.getPublic().getEncoded();
    byte[] offCurve = encoded.clone();
    offCurve[offCurve.length - 1] ^= 1;
    // SubjectPublicKeyInfo for P-256 whose point is the single byte 00: the point at infinity.
    byte[] infinity = HexFormat.of().parseHex(
        "3019301306072a8648ce3d020106082a8648ce3d030107030200" + "00");
    if (engine == Es256Key.Engine.CONSCRYPT) {
      assumeTrue(Es256Key.preferredEngine() == Es256Key.Engine.CONSCRYPT);
    }

    assertThat(Es256Key.of(p384.generateKeyPair().getPublic(), engine)).isEmpty();
    assertThat(Es256Key.of(rsa.generateKeyPair().getPublic(), engine)).isEmpty();
    assertThat(Es256Key.of(encodedKey(offCurve), engine)).isEmpty();
    assertThat(Es256Key.of(encodedKey(infinity), engine)).isEmpty();
    assertThat(Es256Key.of(encodedKey(new byte[] {0x30, 0x00}), engine)).isEmpty();
    assertThat(Es256Key.of(null, engine)).isEmpty();
    assertThat(Es256Key.of(encodedKey(encoded), engine)).isPresent();
  }

  /** A key that is only its X.509 encoding, as a certificate parser might hand over. */
  private static PublicKey encodedKey(byte[] encoded) {
    return new PublicKey() {
      @Override
      public String getAlgorithm() {
        return "EC";
      }

      @Override
      public String getFormat() {
        return "X.509";
      }

      @Override
      public byte[] getEncoded() {
        return encoded.clone();
      }
    };
  }
}
