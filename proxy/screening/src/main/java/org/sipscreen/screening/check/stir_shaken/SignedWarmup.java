package org.sipscreen.screening.check.stir_shaken;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;

/**
 * The start-up warm-up of signed calls: SHAKEN PASSporTs signed by a throwaway P-256 key, verified by a
 * throwaway {@link StirShakenCheck} with the running check's settings that trusts only a self-signed
 * certificate of that key. So the first signed INVITEs meet JIT-compiled code for the whole check
 * (Identity parsing, claims, numbers, certificate lookup, ES256, verdict), not only for the signature, and
 * the optimizing compiler has their profile from the start. Nothing of it reaches the running check; the
 * key and certificate are discarded.
 */
final class SignedWarmup {

  static final String X5U = "https://warmup.invalid/sti.pem";
  private static final String CALLEE = "+13107940100";
  /** Distinct signed INVITEs; the warm-up plays them in turn (signing is slower than verifying). */
  private static final int DISTINCT = 64;

  private SignedWarmup() {}

  /**
   * Plays {@code calls} signed INVITEs through a throwaway check with {@code settings}, stopping early after
   * {@code maxMillis}; returns how many verified (TN-Validation-Passed): all of them, unless broken.
   */
  static int run(StirShakenSettings settings, int calls, long maxMillis) {
    if (calls <= 0) {
      return 0;
    }
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      Clock clock = Clock.systemUTC();
      CertificateLookup trusted = new CertificateLookup.Found(
          new ChainResult.Trusted(selfSigned(keys, clock), null));
      StirShakenCheck check = new StirShakenCheck(settings, new OneCertificate(trusted),
          new PassportVerifier(clock), Scheduler.disabledScheduler());
      List<ScreenedCall> invites = new ArrayList<>(DISTINCT);
      for (int i = 0; i < Math.min(calls, DISTINCT); i++) {
        invites.add(invite(i, keys, clock));
      }
      int passed = 0;
      for (int i = 0; i < calls && System.nanoTime() < deadline; i++) {
        // A fresh ScreenedCall each time: it caches the numbers it has parsed.
        ScreenedCall call = new ScreenedCall(invites.get(i % invites.size()).attempt(), PhoneNumbers.NANP,
            NumberList.EMPTY);
        if (passedVerification(check.check(call))) {
          passed++;
        }
      }
      return passed;
    } catch (GeneralSecurityException | RuntimeException e) {
      return 0; // a warm-up that cannot run costs nothing but speed
    }
  }

  private static boolean passedVerification(Verdict verdict) {
    List<CallTag> tags = verdict instanceof Verdict.Flag f ? f.tags()
        : verdict instanceof Verdict.Tag t ? t.tags() : List.of();
    return tags.stream().anyMatch(tag -> tag instanceof CallTag.Verstat v
        && StirShakenCheck.PASSED.equals(v.value()));
  }

  private static ScreenedCall invite(int i, KeyPair keys, Clock clock) throws GeneralSecurityException {
    String caller = String.format("+1212234%04d", i);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString(("{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\""
        + X5U + "\"}").getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(("{\"attest\":\"A\",\"dest\":{\"tn\":[\"" + CALLEE.substring(1) + "\"]},\"iat\":"
            + clock.instant().getEpochSecond() + ",\"orig\":{\"tn\":\"" + caller.substring(1)
            + "\"},\"origid\":\"sipscreen-warmup-" + i + "\"}").getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(keys.getPrivate());
    signer.update(input.getBytes(StandardCharsets.US_ASCII));
    String identity = input + "." + b64.encodeToString(signer.sign()) + ";info=<" + X5U
        + ">;alg=ES256;ppt=shaken";
    CallAttempt attempt = new CallAttempt(
        "warmup-signed-" + i, InetAddress.getLoopbackAddress(), "sip:" + CALLEE + "@127.0.0.1;user=phone",
        "<sip:" + CALLEE + "@127.0.0.1;user=phone>",
        "\"Caller\" <sip:" + caller + "@127.0.0.1;user=phone>;tag=w" + i, Optional.empty(),
        List.of(identity));
    return new ScreenedCall(attempt, PhoneNumbers.NANP, NumberList.EMPTY);
  }

  /** The certificate source of the warm-up check: the throwaway certificate at {@link #X5U}, nothing else. */
  private record OneCertificate(CertificateLookup trusted) implements CertificateSource {
    private static final CertificateLookup NONE = new CertificateLookup.Unavailable("not_preloaded");

    @Override
    public CertificateLookup cached(String x5u) {
      return X5U.equals(x5u) ? trusted : NONE;
    }

    @Override
    public CompletionStage<CertificateLookup> lookup(String x5u) {
      return CompletableFuture.completedFuture(cached(x5u));
    }
  }

  /**
   * A version 1 X.509 certificate (RFC 5280 section 4.1) of {@code keys}' public key, signed by its own
   * private key with ecdsa-with-SHA256, valid a day either side of now: what the verifier needs of a
   * certificate (its key), written with the few DER rules that takes.
   */
  static X509Certificate selfSigned(KeyPair keys, Clock clock) throws GeneralSecurityException {
    byte[] ecdsaWithSha256 =
        der(0x30, der(0x06, new byte[] {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 4, 3, 2}));
    byte[] name = der(0x30, der(0x31, der(0x30, der(0x06, new byte[] {0x55, 4, 3}),
        der(0x0C, "sipscreen warm-up".getBytes(StandardCharsets.UTF_8)))));
    DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    byte[] validity = der(0x30,
        der(0x17, utc.format(clock.instant().minusSeconds(86_400)).getBytes(StandardCharsets.US_ASCII)),
        der(0x17, utc.format(clock.instant().plusSeconds(86_400)).getBytes(StandardCharsets.US_ASCII)));
    byte[] tbs = der(0x30, der(0x02, new byte[] {1}), ecdsaWithSha256, name, validity, name,
        keys.getPublic().getEncoded());
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(keys.getPrivate());
    signer.update(tbs);
    byte[] signature = signer.sign();
    byte[] bits = new byte[signature.length + 1]; // BIT STRING: no unused bits, then the DER signature
    System.arraycopy(signature, 0, bits, 1, signature.length);
    byte[] certificate = der(0x30, tbs, ecdsaWithSha256, der(0x03, bits));
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(certificate));
  }

  /** One DER element: {@code tag}, the definite length, then the parts in order. */
  private static byte[] der(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    int length = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 4);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length & 0xFF);
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }
}
