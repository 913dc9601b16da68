package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.screening.check.stir_shaken.CertificatePreloadDirectory;
import org.sipscreen.stir.CertificateStub;
import org.sipscreen.testkit.TestPki;

/** {@code sipscreen stir-preload} against a local HTTPS certificate stub. */
@Timeout(120)
class StirPreloadCommandIT {

  @TempDir
  Path dir;

  private CertificateStub stub;
  private TestPki.Issued ca;
  private TestPki.Issued leaf;

  @BeforeEach
  void startStub() throws IOException {
    stub = CertificateStub.https(dir.resolve("stub-ca.pem"));
    ca = TestPki.ca("STI-CA Test", Instant.now().minusSeconds(3600),
        Instant.now().plusSeconds(86_400));
    leaf = TestPki.leaf(ca, Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400));
    stub.serve("/a.pem", CertificateStub.Answer.pem(leaf.pem() + ca.pem()));
    stub.serve("/not-pem.pem", CertificateStub.Answer.pem("hello"));
  }

  @AfterEach
  void stopStub() {
    stub.close();
  }

  private Path urls(String... lines) throws IOException {
    return Files.write(dir.resolve("urls.txt"), List.of(lines));
  }

  private CheckConfigTest.Run preload(Path urls, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("stir-preload", "--urls", urls.toString(),
        "--dir", dir.resolve("preload").toString(), "--ca", stub.caFile().toString()));
    args.addAll(List.of(extra));
    return CheckConfigTest.run(args.toArray(String[]::new));
  }

  @Test
  void storesEveryFetchedChainAndExitsZero() throws IOException {
    String a = stub.url("/a.pem");
    CheckConfigTest.Run run = preload(urls("# x5u list", "", a), "--allow-private-addresses");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("ok " + a).contains("1 of 1 URLs stored");
    Map<String, List<X509Certificate>> chains =
        CertificatePreloadDirectory.read(dir.resolve("preload"));
    assertThat(chains).containsOnlyKeys(a);
    assertThat(chains.get(a)).containsExactly(leaf.certificate(), ca.certificate());
  }

  @Test
  void reportsEachFailureStoresTheRestAndExitsOne() throws IOException {
    String a = stub.url("/a.pem");
    String missing = stub.url("/missing.pem");
    String notPem = stub.url("/not-pem.pem");
    CheckConfigTest.Run run = preload(urls(a, missing, notPem), "--allow-private-addresses");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("ok " + a)
        .contains("failed " + missing + ": http_status")
        .contains("failed " + notPem + ": not_pem")
        .contains("1 of 3 URLs stored");
    assertThat(CertificatePreloadDirectory.read(dir.resolve("preload"))).containsOnlyKeys(a);
  }

  @Test
  void keepsTheSsrfGuardUnlessTold() throws IOException {
    String a = stub.url("/a.pem");
    CheckConfigTest.Run run = preload(urls(a));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("failed " + a + ": refused");
    assertThat(stub.requests).isEmpty();
  }

  @Test
  void withTrustAnchorsStoresOnlyChainsThatValidate() throws IOException {
    TestPki.Issued otherCa = TestPki.ca("Other CA", Instant.now().minusSeconds(3600),
        Instant.now().plusSeconds(86_400));
    Path anchors = Files.writeString(dir.resolve("anchors.pem"), otherCa.pem());
    String a = stub.url("/a.pem");

    CheckConfigTest.Run run = preload(urls(a), "--allow-private-addresses",
        "--trust-anchors", anchors.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("failed " + a + ": untrusted");
  }

  @Test
  void badUrlListLineExitsTwoNamingFileAndLine() throws IOException {
    Path list = urls("# list", "not a url");
    CheckConfigTest.Run run = preload(list);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(list + ":2: not an http(s) URL");
  }
}
