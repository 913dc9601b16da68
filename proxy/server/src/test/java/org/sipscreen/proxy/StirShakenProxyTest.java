package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.UAC;
import static org.sipscreen.proxy.StatelessProxyTest.UAS;
import static org.sipscreen.proxy.StatelessProxyTest.in;
import static org.sipscreen.proxy.StatelessProxyTest.sentTo;
import static org.sipscreen.proxy.StatelessProxyTest.settings;

import com.github.benmanes.caffeine.cache.Scheduler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.sipscreen.it.TestSti;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.StirShakenCheck;
import org.sipscreen.screening.stir.CertificateChainValidator;
import org.sipscreen.screening.stir.CertificateLookup;
import org.sipscreen.screening.stir.CertificateSource;
import org.sipscreen.screening.stir.PassportVerifier;
import org.sipscreen.screening.stir.StirShakenSettings;

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
    StirShakenCheck check = new StirShakenCheck(
        new StirShakenSettings(Duration.ofMillis(100), onFailure, Map.of()), preloaded,
        new PassportVerifier(Clock.systemUTC()), Scheduler.disabledScheduler());
    return new StatelessProxy(settings("127.0.0.0/8"), new ScreeningChain(PhoneNumbers.NANP,
        EmergencyCheck.DEFAULT, NumberList.EMPTY, List.of(check), Policy.OBSERVE), metrics);
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
  void failedVerificationReplacesThePeersVerstatAndAddsAStirReason() throws Exception {
    String in = invite("13035550111");
    String out = sentTo(proxy(StirShakenSettings.OnFailure.REASON_HEADER).process(in(in, UAC)), UAS,
        Transport.UDP);

    assertThat(out).contains("\r\nP-Asserted-Identity: <sip:+13035550100;verstat=TN-Validation-Failed"
        + "@uac.example;user=phone>\r\n")
        .doesNotContain("TN-Validation-Passed")
        .contains("\r\nReason: STIR;cause=438;text=\"Invalid Identity Header\"\r\n\r\n")
        .contains(in.substring(in.indexOf("\r\nIdentity: "), in.indexOf("\r\n", in.indexOf("Identity: "))));
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
}
