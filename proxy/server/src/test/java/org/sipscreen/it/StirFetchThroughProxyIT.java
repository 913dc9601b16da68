package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.screening.check.stir_shaken.PemCertificateChain;
import org.sipscreen.stir.CertificateStub;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;

/**
 * Certificates fetched by the running proxy from a local HTTPS stub (test CA, SSRF guard off for loopback):
 * the first signed INVITE waits for the fetch and is verified, the next one is answered from the cache
 * without a request; calls waiting for a certificate host that does not answer share one fetch and go on as
 * No-TN-Validation at the deadline (fail open, counted), and the late answer still fills the cache.
 */
@Timeout(120)
class StirFetchThroughProxyIT {

  private CertificateStub stub;
  private WireProbe probe;
  private Sipscreen proxy;
  private TestSti sti;
  private int calls;
  private Path dir;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    sti = new TestSti();
    sti.writeTo(dir);
    stub = CertificateStub.https(dir.resolve("stub-ca.pem"));
    String pem = PemCertificateChain.encode(List.of(sti.sp));
    stub.serve("/sti.pem", CertificateStub.Answer.pem(pem));
    stub.serve("/slow.pem", new CertificateStub.Answer(200, pem.getBytes(StandardCharsets.US_ASCII), null,
        true, false));
    probe = new WireProbe();
    int sip = Ports.free();
    Files.writeString(dir.resolve("block.txt"), "+12025550999\n");
    Path config = dir.resolve("fetch.yaml");
    Files.writeString(config, """
        sip:
          listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
          warmup_calls: 0
        routing: { default_route: "%s" }
        http: { address: 127.0.0.1, port: 0 }
        screening:
          source_peer: { peers: { local: { networks: [127.0.0.0/8] } } }
          block_list: { file: block.txt }
          stir_shaken:
            trust_anchors: [ca.pem]
            deadline_ms: 3000   # generous: the first fetch also starts TLS on a busy test machine
            fetch: { enabled: true, allow_private_addresses: true, timeout_ms: 20000, ca_files: [stub-ca.pem] }
        """.formatted(sip, probe.nextHopUri()));
    proxy = Sipscreen.start(Sipscreen.prepare(config));
    probe.target(sip);
  }

  @AfterEach
  void stop() {
    stub.close();
    proxy.close();
    probe.close();
  }

  private byte[] invite(String x5u) throws Exception {
    calls++;
    String caller = "+1202555" + (1000 + calls);
    String callId = "stir-fetch-" + calls;
    String identity = sti.passport("A", caller.substring(1), "13107940100", x5u) + ";info=<" + x5u
        + ">;alg=ES256;ppt=shaken";
    return ("INVITE sip:+13107940100@127.0.0.1;user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:" + caller + "@127.0.0.1;user=phone>;tag=a\r\nTo: <sip:+13107940100@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        + "Identity: " + identity + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private long requestsFor(String path) {
    return stub.requests.stream().filter(r -> r.startsWith("GET " + path + " ")).count();
  }

  @Test
  void firstCallWaitsForTheFetchAndTheNextIsAnsweredFromTheCache() throws Exception {
    WireProbe.Outcome first = probe.sendAndWait(invite(stub.url("/sti.pem")), 8000);
    assertThat(first.forwarded()).singleElement().asString().contains(";verstat=TN-Validation-Passed@");

    WireProbe.Outcome second = probe.sendAndWait(invite(stub.url("/sti.pem")), 8000);
    assertThat(second.forwarded()).singleElement().asString().contains(";verstat=TN-Validation-Passed@");
    assertThat(requestsFor("/sti.pem")).isEqualTo(1);
    assertThat(StirShakenThroughProxyIT.counter(proxy.metrics(), "sipscreen_stir_fail_open", Map.of()))
        .isZero();
  }

  private void reload() throws Exception {
    var result = proxy.reloader().reload("test").get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(result.applied()).as(result.toString()).isTrue();
  }

  @Test
  void aReloadOfAnotherListKeepsTheFetchedCertificates() throws Exception {
    var before = proxy.proxy().snapshot().chain();
    WireProbe.Outcome first = probe.sendAndWait(invite(stub.url("/sti.pem")), 8000);
    assertThat(first.forwarded()).singleElement().asString().contains(";verstat=TN-Validation-Passed@");

    Files.writeString(dir.resolve("block.txt"), "+12025550999\n+12025550998\n");
    reload();
    assertThat(proxy.proxy().snapshot().chain()).isNotSameAs(before);

    WireProbe.Outcome second = probe.sendAndWait(invite(stub.url("/sti.pem")), 8000);
    assertThat(second.forwarded()).singleElement().asString().contains(";verstat=TN-Validation-Passed@");
    assertThat(requestsFor("/sti.pem")).isEqualTo(1);
  }

  @Test
  void aFetchedCertificateMeetsChangedTrustAnchorsWithoutBeingFetchedAgain() throws Exception {
    WireProbe.Outcome first = probe.sendAndWait(invite(stub.url("/sti.pem")), 8000);
    assertThat(first.forwarded()).singleElement().asString().contains(";verstat=TN-Validation-Passed@");

    // Another CA replaces the one that issued the served certificate.
    Files.writeString(dir.resolve("ca.pem"), PemCertificateChain.encode(List.of(new TestSti().ca)));
    reload();

    WireProbe.Outcome second = probe.sendAndWait(invite(stub.url("/sti.pem")), 8000);
    assertThat(String.join("\n", second.forwarded()) + String.join("\n", second.answers()))
        .doesNotContain("TN-Validation-Passed").containsAnyOf("TN-Validation-Failed", "SIP/2.0 437");
    assertThat(requestsFor("/sti.pem")).isEqualTo(1);
  }

  @Test
  void callsWaitingForASilentHostShareOneFetchAndGoOnAtTheDeadline() throws Exception {
    for (int i = 0; i < 3; i++) {
      probe.sendOnly(invite(stub.url("/slow.pem")));
    }
    List<String> forwarded = probe.forwardedWithin(3, 15_000);

    assertThat(forwarded).hasSize(3).allMatch(f -> f.contains(";verstat=No-TN-Validation@"));
    assertThat(requestsFor("/slow.pem")).isEqualTo(1);
    assertThat(StirShakenThroughProxyIT.counter(proxy.metrics(), "sipscreen_stir_fail_open", Map.of()))
        .isEqualTo(3);

    // The late answer fills the cache: a later call is verified without waiting for another fetch.
    stub.release();
    String[] verstat = {""};
    Await.until("a later call is verified from the cache", () -> {
      WireProbe.Outcome later = probe.sendAndWait(invite(stub.url("/slow.pem")), 8000);
      verstat[0] = later.forwarded().isEmpty() ? "" : later.forwarded().get(0);
      return verstat[0].contains("Passed");
    });
    assertThat(verstat[0]).contains(";verstat=TN-Validation-Passed@");
    assertThat(requestsFor("/slow.pem")).isEqualTo(1);
  }
}
