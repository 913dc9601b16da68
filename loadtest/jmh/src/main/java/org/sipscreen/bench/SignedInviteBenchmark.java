package org.sipscreen.bench;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.stir_shaken.CertificateLookup;
import org.sipscreen.screening.check.stir_shaken.CertificateSource;
import org.sipscreen.screening.check.stir_shaken.ChainResult;
import org.sipscreen.screening.check.stir_shaken.Es256Key;
import org.sipscreen.screening.check.stir_shaken.IdentityHeader;
import org.sipscreen.screening.check.stir_shaken.PassportVerifier;
import org.sipscreen.screening.check.stir_shaken.StirShakenCheck;
import org.sipscreen.screening.check.stir_shaken.StirShakenSettings;

/**
 * What a signed INVITE costs the stir_shaken check beyond the ES256 signature (issue 16: the extra CPU of
 * a signed call at most 1.3x the ES256 verification alone). Each invocation takes the next of 1,024
 * distinct INVITEs (own caller, own PASSporT and signature, one certificate already cached, as in
 * {@code run-load.sh --signed}):
 * <ul>
 *   <li>{@code es256Only}: {@link Es256Key#verify} over the prepared signing input and signature, the
 *       part that is the signature;</li>
 *   <li>{@code checkSigned}: {@link StirShakenCheck#check} on the signed INVITE (parse, certificate cache,
 *       claims, freshness, numbers, ES256), plus what the decision record reads again from the Identity
 *       header (x5u, origid), as {@code RecordingSink} does for a verified call;</li>
 *   <li>{@code checkUnsigned}: the same INVITE without an Identity header (No-TN-Validation);</li>
 *   <li>{@code parseOnly} and {@code recordFieldsOnly}: {@link IdentityHeader#parse}, and the record's
 *       re-read alone.</li>
 * </ul>
 * The non-signature part is {@code checkSigned - checkUnsigned - es256Only}. The set-up checks that every
 * signed INVITE passes. Run: {@code java -jar loadtest/jmh/target/benchmarks.jar SignedInviteBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SignedInviteBenchmark {

  private static final int CALLS = 1024;
  private static final String X5U = "https://cert.sipscreen-bench.invalid/sti.pem";
  private static final String CALLEE = "+13107940100";
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final InetAddress PEER = InetAddress.getLoopbackAddress();

  private CallAttempt[] signed;
  private CallAttempt[] unsigned;
  private byte[][] signingInputs;
  private byte[][] signatures;
  private Es256Key key;
  private StirShakenCheck check;
  private PhoneNumbers numbers;
  private int next;

  @Setup
  public void setUp() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = generator.generateKeyPair();
    X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        new X500Name("CN=bench"), BigInteger.ONE, Date.from(NOW.minusSeconds(3600)),
        Date.from(NOW.plusSeconds(86_400)), new X500Name("CN=bench"), keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    key = Es256Key.of(leaf.getPublicKey()).orElseThrow();
    CertificateLookup found = new CertificateLookup.Found(new ChainResult.Trusted(leaf, null));
    CertificateSource certificates = new CertificateSource() {
      @Override
      public CertificateLookup cached(String x5u) {
        return X5U.equals(x5u) ? found : null;
      }

      @Override
      public CompletionStage<CertificateLookup> lookup(String x5u) {
        return CompletableFuture.completedFuture(new CertificateLookup.Unavailable("not_preloaded"));
      }
    };
    check = new StirShakenCheck(
        new StirShakenSettings(Duration.ofMillis(100), StirShakenSettings.OnFailure.TAG, Map.of()),
        certificates, new PassportVerifier(Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC)),
        Scheduler.systemScheduler());
    numbers = new PhoneNumbers("1");

    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString(("{\"alg\":\"ES256\",\"ppt\":\"shaken\",\"typ\":\"passport\",\"x5u\":\""
        + X5U + "\"}").getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signed = new CallAttempt[CALLS];
    unsigned = new CallAttempt[CALLS];
    signingInputs = new byte[CALLS][];
    signatures = new byte[CALLS][];
    for (int i = 0; i < CALLS; i++) {
      String caller = SignedLoad.caller(i);
      String claims = "{\"attest\":\"A\",\"dest\":{\"tn\":[\"" + CALLEE.substring(1) + "\"]},\"iat\":"
          + NOW.getEpochSecond() + ",\"orig\":{\"tn\":\"" + caller.substring(1)
          + "\"},\"origid\":\"sipscreen-load-" + i + "\"}";
      String input = header + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
      signer.initSign(keys.getPrivate());
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      byte[] signature = signer.sign();
      signingInputs[i] = input.getBytes(StandardCharsets.US_ASCII);
      signatures[i] = signature;
      String identity = input + "." + b64.encodeToString(signature) + ";info=<" + X5U
          + ">;alg=ES256;ppt=shaken";
      String from = "\"caller\" <sip:" + caller + "@127.0.0.1:5062>;tag=" + i;
      String to = "<sip:" + CALLEE + "@127.0.0.1:5060>";
      String uri = "sip:" + CALLEE + "@127.0.0.1:5060";
      signed[i] = new CallAttempt("call-" + i, PEER, uri, to, from, Optional.empty(), List.of(identity));
      unsigned[i] = new CallAttempt("call-" + i, PEER, uri, to, from, Optional.empty());
      Verdict v = check.check(new ScreenedCall(signed[i], numbers, NumberList.EMPTY));
      String label = check.outcomeLabel(v, null);
      if (!label.equals("attestation_a")) {
        throw new IllegalStateException("signed INVITE " + i + " did not pass: " + label + " " + v);
      }
    }
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) & (CALLS - 1);
    return i;
  }

  @Benchmark
  public boolean es256Only() {
    int i = nextIndex();
    return key.verify(signingInputs[i], signatures[i]);
  }

  @Benchmark
  public Object checkSigned() {
    CallAttempt attempt = signed[nextIndex()];
    Verdict v = check.check(new ScreenedCall(attempt, numbers, NumberList.EMPTY));
    return recordFields(attempt.identityHeaders().get(0)) == null ? null : v;
  }

  @Benchmark
  public Verdict checkUnsigned() {
    return check.check(new ScreenedCall(unsigned[nextIndex()], numbers, NumberList.EMPTY));
  }

  @Benchmark
  public Object parseOnly() {
    return IdentityHeader.parse(signed[nextIndex()].identityHeaders().get(0));
  }

  @Benchmark
  public Object recordFieldsOnly() {
    return recordFields(signed[nextIndex()].identityHeaders().get(0));
  }

  /** What RecordingSink reads again from the shaken header of a verified call. */
  private static String recordFields(String identity) {
    return IdentityHeader.parse(identity) instanceof IdentityHeader h ? h.x5u() + h.origid() : null;
  }
}
