package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sipscreen.Sipscreen;
import org.sipscreen.it.TestSti;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.check.stir_shaken.StirShakenCheck;
import org.sipscreen.screening.check.stir_shaken.StirShakenSettings;

/**
 * {@code screening.stir_shaken}: a good section puts the check in the chain with its settings and the
 * preloaded certificate, a disabled one leaves it out, and each mistake is refused naming the file and key.
 */
class StirShakenConfigTest {

  @TempDir
  Path dir;
  private TestSti sti;

  @BeforeEach
  void pki() throws Exception {
    sti = new TestSti();
    sti.writeTo(dir);
  }

  private Path config(String stirSection) throws IOException {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, """
        screening:
          source_peer:
            peers:
              carrier_a: {networks: [10.1.2.0/24]}
          stir_shaken:
        """ + stirSection.indent(4));
    return file;
  }

  private String error(String stirSection) throws IOException {
    Path file = config(stirSection);
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> Sipscreen.prepare(file));
    assertThat(e).as("config should be refused:%n%s", stirSection).isNotNull();
    assertThat(e.getMessage()).startsWith(file.toString());
    return e.getMessage();
  }

  @Test
  void sectionBuildsTheCheckWithItsSettingsAndPreloadedCertificate() throws Exception {
    Path file = config("""
        trust_anchors: [ca.pem]
        certificate_dir: certs
        deadline: 80ms
        freshness: 30s
        on_failure: reject
        scores: {attestation_c: 45}
        action: tag
        cache: {max_ttl: 600s, negative_ttl: 10s, maximum_size: 100}
        """);
    ScreeningChain chain = Sipscreen.prepare(file).chain();

    assertThat(chain.checkNames()).endsWith(StirShakenCheck.NAME);
    StirShakenCheck check = (StirShakenCheck) chain.checks().get(chain.checks().size() - 1);
    assertThat(check.settings().deadline()).hasMillis(80);
    assertThat(check.settings().onFailure()).isEqualTo(StirShakenSettings.OnFailure.REJECT);
    assertThat(check.settings().score(StirShakenSettings.Category.ATTESTATION_C)).isEqualTo(45);
    assertThat(check.settings().score(StirShakenSettings.Category.SIGNATURE_FAILED)).isEqualTo(60);
    assertThat(chain.policy().forCheck(Optional.empty(), StirShakenCheck.NAME).action())
        .isEqualTo(PolicyAction.TAG);

    // The preloaded certificate verifies a fresh PASSporT without waiting.
    ScreeningResult r = chain.screen(new CallAttempt("c1", InetAddress.getByName("10.1.2.3"),
        "sip:+13035550199@sbc.example;user=phone", "<sip:+13035550199@sbc.example>",
        "<sip:+12025550123@peer.example;user=phone>;tag=1", Optional.empty(),
        java.util.List.of(sti.passport("A", "12025550123", "13035550199") + ";info=<" + TestSti.X5U
            + ">;alg=ES256;ppt=shaken")));
    assertThat(r.tags()).containsExactly(new CallTag.Verstat("TN-Validation-Passed"));
    assertThat(r.outcomeOf(StirShakenCheck.NAME)).contains("attestation_a");
  }

  @Test
  void anOldDisabledSectionLeavesTheCheckOutAndNeedsNoTrustAnchors() throws Exception {
    assertThat(Sipscreen.prepare(config("enabled: false\n")).chain().checkNames())
        .doesNotContain(StirShakenCheck.NAME);
  }

  @Test
  void anEmptySectionIsOnAndNeedsTrustAnchors() throws Exception {
    assertThat(error("{}\n")).contains("screening.stir_shaken: trust_anchors: at least one");
  }

  @Test
  void shippedConfigLoads() throws Exception {
    String repo = System.getProperty("sipscreen.repo", "../..");
    assertThat(Sipscreen.prepare(Path.of(repo, "config/sipscreen.yaml")).chain().checkNames())
        .doesNotContain(StirShakenCheck.NAME);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "certificate_dir: certs                        | screening.stir_shaken: trust_anchors: at least one",
    "trust_anchors: [missing.pem]                  | screening.stir_shaken.trust_anchors[0]: cannot read",
    "trust_anchors: [sipscreen.yaml]               | screening.stir_shaken.trust_anchors[0]: ",
    "trust_anchors: [ca.pem]\\ncertificate_dir: nope | screening.stir_shaken.certificate_dir: not a directory",
    "trust_anchors: [ca.pem]\\non_failure: block     | on_failure must be tag, reject or reason_header",
    "trust_anchors: [ca.pem]\\nscores: {attestation_d: 5} | scores.attestation_d: unknown category",
    "trust_anchors: [ca.pem]\\nscores: {attestation_c: 101} | scores.attestation_c must be 0-100",
    "trust_anchors: [ca.pem]\\ndeadline: 0ms         | screening.stir_shaken.deadline: deadline must be 1ms-10s, was 0s",
    "trust_anchors: [ca.pem]\\nfreshness: 0s         | freshness must be 1s-1h, was 0s",
    "trust_anchors: [ca.pem]\\naction: block         | action must be one of",
    "trust_anchors: [ca.pem]\\ncache: {max_ttl: 0s}   | screening.stir_shaken.cache.max_ttl: max_ttl must be 1s-365d",
    "trust_anchors: [ca.pem]\\nfetch: {max_size: 10B} | max_size must be 1KiB-1MiB, was 10B",
    "trust_anchors: [ca.pem]\\nfetch: {timeout: 5}   | screening.stir_shaken.fetch.timeout: expected a duration",
    "trust_anchors: [ca.pem]\\nfetch: {timeoutt: 5s}  | screening.stir_shaken.fetch.timeoutt: unknown key 'timeoutt'",
    "trust_anchors: [ca.pem]\\nverify: true          | screening.stir_shaken.verify: unknown key 'verify'",
  })
  void mistakesAreRefusedNamingTheKey(String section, String message) throws Exception {
    assertThat(error(section.replace("\\n", "\n"))).contains(message.strip());
  }

  @Test
  void badPreloadIndexIsRefusedNamingTheKey() throws Exception {
    Files.writeString(dir.resolve("certs/index.txt"), "not-a-url x.pem\n");
    assertThat(error("trust_anchors: [ca.pem]\ncertificate_dir: certs\n"))
        .contains("screening.stir_shaken.certificate_dir");
  }
}
