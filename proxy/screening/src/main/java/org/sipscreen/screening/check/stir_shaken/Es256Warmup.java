package org.sipscreen.screening.check.stir_shaken;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * Runs the ES256 verification path on a throwaway key before the proxy takes traffic, so that the first
 * signed INVITEs do not meet interpreted elliptic-curve code (the start-up warm-up's synthetic calls carry
 * no Identity header). The key is generated here and discarded.
 */
public final class Es256Warmup {

  private Es256Warmup() {}

  /** Verifies one signature {@code verifications} times; returns how many verified (all, unless broken). */
  public static int run(int verifications) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String input = b64.encodeToString(("{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\","
          + "\"x5u\":\"https://warmup.invalid/x.pem\"}").getBytes(StandardCharsets.UTF_8)) + "."
          + b64.encodeToString("{\"attest\":\"A\",\"dest\":{\"tn\":[\"1\"]},\"iat\":0,\"orig\":{\"tn\":\"1\"},\"origid\":\"w\"}"
              .getBytes(StandardCharsets.UTF_8));
      Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
      signer.initSign(keys.getPrivate());
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      String value = input + "." + b64.encodeToString(signer.sign())
          + ";info=<https://warmup.invalid/x.pem>;alg=ES256;ppt=shaken";
      IdentityHeader identity = (IdentityHeader) IdentityHeader.parse(value);
      int ok = 0;
      for (int i = 0; i < verifications; i++) {
        if (PassportVerifier.signatureValid(identity, keys.getPublic())) {
          ok++;
        }
      }
      return ok;
    } catch (GeneralSecurityException | ClassCastException e) {
      return 0; // a warm-up that cannot run costs nothing but speed
    }
  }
}
