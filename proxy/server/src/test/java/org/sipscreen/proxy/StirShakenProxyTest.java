package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.UAC;
import static org.sipscreen.proxy.StatelessProxyTest.UAS;
import static org.sipscreen.proxy.StatelessProxyTest.in;
import static org.sipscreen.proxy.StatelessProxyTest.sentTo;
import static org.sipscreen.proxy.StatelessProxyTest.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.it.TestSti;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.recording.RecordingSink;
import org.sipscreen.records.DecisionFiles;
import org.sipscreen.records.DecisionLog;
import org.sipscreen.records.DecisionRecorder;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.check.stir_shaken.CertificateChainValidator;
import org.sipscreen.screening.check.stir_shaken.CertificateLookup;
import org.sipscreen.screening.check.stir_shaken.CertificateSource;
import org.sipscreen.screening.check.stir_shaken.PassportVerifier;
import org.sipscreen.screening.check.stir_shaken.StirShakenCheck;
import org.sipscreen.screening.check.stir_shaken.StirShakenSettings;
import org.sipscreen.sip.Transport;

/**
 * stir_shaken's outcome in the forwarded bytes: the verstat replaces the one the peer put on
 * P-Asserted-Identity, the RFC 9410 Reason header is added, the Identity header goes on untouched, and in
 * reject mode the INVITE is answered with the RFC 8224 code and a STIR Reason.
 */
class StirShakenProxyTest {

  private final TestSti sti = newSti();
  private final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  private static TestSti newSti() {
    try {
      return new TestSti();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private StatelessProxy proxy(StirShakenSettings.OnFailure onFailure) {
    return proxy(onFailure, null);
  }

  private StatelessProxy proxy(StirShakenSettings.OnFailure onFailure, DecisionRecorder recorder) {
    return proxy(new StirShakenSettings(Duration.ofMillis(100), onFailure, Map.of()), recorder);
  }

  private StatelessProxy proxy(StirShakenSettings settings, DecisionRecorder recorder) {
    CertificateLookup found = new CertificateLookup.Found(
        new CertificateChainValidator(List.of(sti.ca), Clock.systemUTC()).validate(List.of(sti.sp)));
    CertificateSource preloaded = new CertificateSource() {
      @Override
      public CertificateLookup cached(String x5u) {
        return found;
      }

      @Override
      public CompletionStage<CertificateLookup> lookup(String x5u) {
        return CompletableFuture.completedFuture(found);
      }
    };
    StirShakenCheck check = new StirShakenCheck(settings, preloaded,
        new PassportVerifier(Clock.systemUTC()), Scheduler.disabledScheduler());
    return new StatelessProxy(settings("127.0.0.0/8"), new ScreeningChain(PhoneNumbers.NANP,
        EmergencyCheck.DEFAULT, NumberList.EMPTY, List.of(check), Policy.OBSERVE), metrics, RecordingSink.of(recorder));
  }

  /** An INVITE whose PAI claims a Passed verstat, with a PASSporT signed for {@code orig}. */
  private String invite(String orig) throws Exception {
    return StatelessProxyTest.invite("sip:+12025550100@127.0.0.1;user=phone",
        "<sip:anonymous@anonymous.invalid>;tag=f1",
        "P-Asserted-Identity: <sip:+13035550100;verstat=TN-Validation-Passed@uac.example;user=phone>",
        "Identity: " + sti.passport("A", orig, "12025550100") + ";info=<" + TestSti.X5U
            + ">;alg=ES256;ppt=shaken");
  }

  @Test
  void failedVerificationReplacesThePeersVerstatAndCarriesTheStirCauseInOurVia() throws Exception {
    String in = invite("13035550111");
    String out = sentTo(proxy(StirShakenSettings.OnFailure.REASON_HEADER).process(in(in, UAC)), UAS,
        Transport.UDP);

    assertThat(out).contains("\r\nP-Asserted-Identity: <sip:+13035550100;verstat=TN-Validation-Failed"
        + "@uac.example;user=phone>\r\n")
        .doesNotContain("TN-Validation-Passed")
        .doesNotContain("\r\nReason:")
        .contains(in.substring(in.indexOf("\r\nIdentity: "), in.indexOf("\r\n", in.indexOf("Identity: "))));
    assertThat(out).containsPattern("\r\nVia: SIP/2\\.0/UDP 127\\.0\\.0\\.1:5060;branch=z9hG4bK-ss-[0-9a-f-]+;ss-stir=438\r\n");
  }

  @Test
  void responsesOfAFailedVerificationCarryTheStirReasonUpstream() throws Exception {
    StatelessProxy proxy = proxy(StirShakenSettings.OnFailure.REASON_HEADER);
    String forwarded = sentTo(proxy.process(in(invite("13035550111"), UAC)), UAS, Transport.UDP);
    String ourVia = forwarded.substring(forwarded.indexOf("\r\nVia: ") + 7,
        forwarded.indexOf("\r\n", forwarded.indexOf("\r\nVia: ") + 2));
    for (String status : List.of("180 Ringing", "200 OK", "486 Busy Here")) {
      String relayed = sentTo(proxy.process(in(StatelessProxyTest.response(status, ourVia,
          StatelessProxyTest.UAC_VIA_RECEIVED.substring(5)), UAS)), UAC, Transport.UDP);
      assertThat(relayed).as(status).startsWith("SIP/2.0 " + status + "\r\n")
          .contains("\r\nReason: STIR;cause=438;text=\"Invalid Identity Header\"\r\n")
          .doesNotContain("ss-stir");
    }
    String trying = sentTo(proxy.process(in(StatelessProxyTest.response("100 Trying", ourVia,
        StatelessProxyTest.UAC_VIA_RECEIVED.substring(5)), UAS)), UAC, Transport.UDP);
    assertThat(trying).doesNotContain("Reason:");
  }

  @Test
  void aStirReasonTheResponseAlreadyCarriesIsNotDuplicated() throws Exception {
    StatelessProxy proxy = proxy(StirShakenSettings.OnFailure.REASON_HEADER);
    String forwarded = sentTo(proxy.process(in(invite("13035550111"), UAC)), UAS, Transport.UDP);
    String ourVia = forwarded.substring(forwarded.indexOf("\r\nVia: ") + 7,
        forwarded.indexOf("\r\n", forwarded.indexOf("\r\nVia: ") + 2));
    String response = StatelessProxyTest.response("403 Forbidden", ourVia,
        StatelessProxyTest.UAC_VIA_RECEIVED.substring(5)).replace("Content-Length: 0",
        "Reason: STIR;cause=436;text=\"Bad Identity Info\"\r\nContent-Length: 0");
    String relayed = sentTo(proxy.process(in(response, UAS)), UAC, Transport.UDP);
    assertThat(relayed.split("\r\nReason: ", -1)).hasSize(2);
    assertThat(relayed).contains("Reason: STIR;cause=436");
  }

  @Test
  void reasonDownstreamAlsoPutsOneStirReasonOnTheForwardedInvite() throws Exception {
    StatelessProxy proxy = proxy(new StirShakenSettings(Duration.ofMillis(100),
        StirShakenSettings.OnFailure.REASON_HEADER, Map.of(), true), null);
    String out = sentTo(proxy.process(in(invite("13035550111"), UAC)), UAS, Transport.UDP);
    assertThat(out).contains("\r\nReason: STIR;cause=438;text=\"Invalid Identity Header\"\r\n\r\n")
        .contains(";ss-stir=438");

    // A peer's own STIR Reason on the INVITE is kept alone.
    String withReason = invite("13035550111").replace("call-1@uac.example", "call-2@uac.example")
        .replace("Content-Type:", "Reason: STIR;cause=437;text=\"Unsupported Credential\"\r\nContent-Type:");
    String out2 = sentTo(proxy.process(in(withReason, UAC)), UAS, Transport.UDP);
    assertThat(out2.split("\r\nReason: ", -1)).hasSize(2);
    assertThat(out2).contains("Reason: STIR;cause=437");
  }

  @Test
  void verifiedCallGetsPassedWithoutReason() throws Exception {
    String out = sentTo(proxy(StirShakenSettings.OnFailure.REASON_HEADER)
        .process(in(invite("13035550100"), UAC)), UAS, Transport.UDP);

    assertThat(out).contains(";verstat=TN-Validation-Passed@uac.example").doesNotContain("Reason:");
  }

  @Test
  void rejectModeAnswersWithTheRfc8224CodeAndAStirReason() throws Exception {
    String out = sentTo(proxy(StirShakenSettings.OnFailure.REJECT).process(in(invite("13035550111"), UAC)),
        UAC, Transport.UDP);

    assertThat(out).startsWith("SIP/2.0 438 Invalid Identity Header\r\n")
        .contains("\r\nReason: STIR;cause=438;text=\"Invalid Identity Header\"\r\n");
  }

  @Test
  void decisionRecordNamesTheVerifiedAttestationOrigidAndX5u(@TempDir Path dir) throws Exception {
    Clock clock = Clock.systemUTC();
    DecisionRecorder recorder = new DecisionRecorder(new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock),
        100, 60_000, clock);
    StatelessProxy proxy = proxy(StirShakenSettings.OnFailure.REASON_HEADER, recorder);
    String passed = invite("13035550100");
    proxy.process(in(passed, UAC));
    proxy.process(in(invite("13035550111").replace("call-1@uac.example", "call-2@uac.example"), UAC));
    recorder.close();

    Map<String, JsonNode> byCallId = new java.util.HashMap<>();
    for (DecisionFiles.Segment s : DecisionFiles.list(dir)) {
      for (String line : Files.readAllLines(s.path())) {
        JsonNode n = new ObjectMapper().readTree(line);
        byCallId.put(n.get("call_id").asText(), n);
      }
    }
    JsonNode verified = byCallId.get("call-1@uac.example");
    assertThat(verified.get("attestation").asText()).isEqualTo("A");
    assertThat(verified.get("x5u").asText()).isEqualTo(TestSti.X5U);
    String claims = new String(java.util.Base64.getUrlDecoder().decode(
        passed.substring(passed.indexOf("\r\nIdentity: ")).split("\\.")[1]), StandardCharsets.UTF_8);
    assertThat(claims).contains("\"origid\":\"" + verified.get("origid").asText() + "\"");
    // A PASSporT that failed verification names no attestation or origid.
    JsonNode failed = byCallId.get("call-2@uac.example");
    assertThat(failed.get("attestation").isNull()).isTrue();
    assertThat(failed.get("origid").isNull()).isTrue();
  }
}
