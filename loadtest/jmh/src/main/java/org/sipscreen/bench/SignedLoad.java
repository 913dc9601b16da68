package org.sipscreen.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.BufferedWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.sipscreen.screening.check.stir_shaken.CertificatePreloadDirectory;
import org.sipscreen.screening.check.stir_shaken.PemCertificateChain;

/**
 * Prepares a STIR/SHAKEN signed load for {@code loadtest/run-load.sh --signed}: a throwaway test CA and
 * STI certificate (TEST KEYS, generated per run, never written to disk), one valid NANP caller per call
 * (like the script's own callers) each with a SHAKEN PASSporT (attestation A, iat now) signed by the test
 * key, and a copy of the proxy config with {@code screening.stir_shaken} on, the test CA as trust anchor and
 * the certificate preloaded. Writes into {@code --out}: {@code signed-callers.csv} (SIPp -inf: caller;
 * callee;jws;x5u), {@code sti-ca.pem}, {@code certs/} and {@code sipscreen-signed.yaml}.
 *
 * <p>Run: {@code java -cp loadtest/jmh/target/benchmarks.jar org.sipscreen.bench.SignedLoad --calls N
 * --base-config config/sipscreen.yaml --out DIR}.
 */
public final class SignedLoad {

  static final String X5U = "https://cert.sipscreen-load.invalid/sti.pem";
  static final String CALLEE = "+13107940100";
  /** File-valued keys of the config whose relative paths must follow the config into --out. */
  private static final Set<String> PATH_KEYS =
      Set.of("file", "directory");

  private SignedLoad() {}

  public static void main(String[] args) throws Exception {
    int calls = 0;
    Path base = null;
    Path out = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[i + 1]);
        case "--base-config" -> base = Path.of(args[i + 1]).toAbsolutePath().normalize();
        case "--out" -> out = Path.of(args[i + 1]).toAbsolutePath().normalize();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (calls < 1 || base == null || out == null || args.length % 2 != 0) {
      System.err.println("usage: SignedLoad --calls N --base-config FILE --out DIR");
      System.exit(2);
    }
    long t0 = System.nanoTime();
    prepare(calls, base, out);
    System.out.printf("SignedLoad: %d signed calls, config and certificates in %s (signing took %d ms)%n",
        calls, out, (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Writes {@code signed-callers.csv}, {@code sti-ca.pem}, {@code certs/} and {@code sipscreen-signed.yaml}
   * (from {@code base}) into {@code out}, as the command does; {@link ProxyPathBenchmark} uses it too.
   */
  static void prepare(int calls, Path base, Path out) throws Exception {
    Files.createDirectories(out);
    KeyPair caKeys = p256();
    KeyPair spKeys = p256();
    Instant now = Instant.now();
    X509Certificate ca = certificate("CN=sipscreen load test STI-CA", caKeys, caKeys, now, true);
    X509Certificate sp = certificate("CN=sipscreen load test STI-SP", spKeys, caKeys, now, false);
    Files.writeString(out.resolve("sti-ca.pem"), PemCertificateChain.encode(List.of(ca)));
    Path certs = Files.createDirectories(out.resolve("certs"));
    CertificatePreloadDirectory.write(certs, Map.of(X5U, PemCertificateChain.encode(List.of(sp))));

    writeCallers(out.resolve("signed-callers.csv"), calls,
        (ECPrivateKeyParameters) PrivateKeyFactory.createKey(spKeys.getPrivate().getEncoded()), now);
    writeConfig(base, out);
  }

  /** Caller i: +1 NPA NXX XXXX in assigned area codes, no N11 or 555 exchange (as run-load.sh). */
  static String caller(int i) {
    String[] npa = {"212", "213", "312", "415", "617", "646", "702", "713", "805", "917"};
    int nxx = 234 + (i / 100_000) % 600;
    if (nxx % 100 == 11 || nxx == 555) {
      nxx++;
    }
    return String.format("+1%s%03d%04d", npa[(i / 10_000) % 10], nxx, i % 10_000);
  }

  private static void writeCallers(Path file, int calls, ECPrivateKeyParameters key, Instant now)
      throws Exception {
    String header = b64("{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\"" + X5U
        + "\"}");
    // Signing is the slow part: spread it over the cores, one signer per thread, lines in order.
    ThreadLocal<ECDSASigner> signers = ThreadLocal.withInitial(() -> {
      ECDSASigner signer = new ECDSASigner();
      signer.init(true, key);
      return signer;
    });
    List<String> lines = java.util.stream.IntStream.range(0, calls).parallel().mapToObj(i -> {
      String caller = caller(i);
      String claims = "{\"attest\":\"A\",\"dest\":{\"tn\":[\"" + CALLEE.substring(1) + "\"]},\"iat\":"
          + now.getEpochSecond() + ",\"orig\":{\"tn\":\"" + caller.substring(1)
          + "\"},\"origid\":\"sipscreen-load-" + i + "\"}";
      String input = header + "." + b64(claims);
      byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
      SHA256Digest digest = new SHA256Digest();
      digest.update(bytes, 0, bytes.length);
      byte[] hash = new byte[32];
      digest.doFinal(hash, 0);
      BigInteger[] rs = signers.get().generateSignature(hash);
      byte[] sig = new byte[64];
      fixed32(rs[0], sig, 0);
      fixed32(rs[1], sig, 32);
      return caller + ";" + CALLEE + ";" + input + "." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(sig) + ";" + X5U + "\n";
    }).toList();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      w.write("SEQUENTIAL\n");
      for (String line : lines) {
        w.write(line);
      }
    }
  }

  /**
   * The base config with its relative file paths made absolute (the copy lives elsewhere) and
   * {@code screening.stir_shaken} set: test CA, preloaded certificate, freshness 600 s because every
   * PASSporT is signed before the run starts.
   */
  private static void writeConfig(Path base, Path out) throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode root = (ObjectNode) yaml.readTree(base.toFile());
    Path dir = base.getParent();
    ObjectNode screening = root.has("screening") ? (ObjectNode) root.get("screening")
        : root.putObject("screening");
    absolutePaths(screening, dir);
    ObjectNode stir = screening.putObject("stir_shaken");
    stir.putArray("trust_anchors").add(out.resolve("sti-ca.pem").toString());
    stir.put("certificate_dir", out.resolve("certs").toString());
    stir.put("freshness", "600s");
    stir.put("deadline", "100ms");
    stir.put("on_failure", "tag");
    Files.writeString(out.resolve("sipscreen-signed.yaml"),
        "# Generated by SignedLoad for run-load.sh --signed from " + base + "\n"
            + yaml.writeValueAsString(root));
  }

  private static void absolutePaths(JsonNode node, Path dir) {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (PATH_KEYS.contains(e.getKey()) && e.getValue().isTextual()) {
        e.setValue(new TextNode(dir.resolve(e.getValue().textValue()).normalize().toString()));
      } else if (e.getValue() instanceof ArrayNode array) {
        array.forEach(element -> absolutePaths(element, dir));
      } else {
        absolutePaths(e.getValue(), dir);
      }
    }
  }

  private static void fixed32(BigInteger value, byte[] out, int at) {
    byte[] b = value.toByteArray();
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, at + 32 - n, n);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair p256() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate certificate(String subject, KeyPair keys, KeyPair issuerKeys, Instant now,
      boolean isCa) throws Exception {
    var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=sipscreen load test STI-CA"),
        BigInteger.valueOf(now.toEpochMilli() + (isCa ? 0 : 1)), Date.from(now.minusSeconds(3600)),
        Date.from(now.plusSeconds(86_400)), new X500Name(subject), keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(isCa
        ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }
}
