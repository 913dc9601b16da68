package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * STIR/SHAKEN on the wire: SIPp sends INVITEs carrying PASSporTs signed at test time (fresh iat, a test
 * PKI whose certificate is preloaded) through the running proxy, and the uas checks what arrives: verstat
 * TN-Validation-Passed for a valid PASSporT (full and compact header name), TN-Validation-Failed for a
 * tampered one, whose answer carries the RFC 9410 STIR Reason back to the uac, No-TN-Validation without Identity and for a certificate
 * the proxy cannot get (fail open, counted).
 */
@Timeout(300)
class StirShakenThroughProxyIT {

  private static final String CALLEE = "+13035550199";

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  private record Call(String caller, String header, String jws, String x5u, String verstat, String reason) {
    String csvLine() {
      return String.join(";", caller, CALLEE, header, jws, x5u);
    }
  }

  @Test
  void uasSeesTheVerstatOfEachSignedCall(@TempDir Path dir) throws Exception {
    TestSti sti = new TestSti();
    sti.writeTo(dir);
    String orig = "1202555012";
    String dest = CALLEE.substring(1);
    String valid = sti.passport("A", orig + "1", dest);
    String tampered = tamper(sti.passport("A", orig + "3", dest));
    String stir438 = "STIR;cause=438;text=\"Invalid Identity Header\"";
    List<Call> calls = List.of(
        new Call("+12025550121", "Identity", valid, TestSti.X5U, "TN-Validation-Passed", ""),
        new Call("+12025550122", "y", sti.passport("C", orig + "2", dest), TestSti.X5U,
            "TN-Validation-Passed", ""),
        new Call("+12025550123", "Identity", tampered, TestSti.X5U, "TN-Validation-Failed", stir438),
        new Call("+12025550124", "X-Unsigned", "none", TestSti.X5U, "No-TN-Validation", ""),
        new Call("+12025550125", "Identity", sti.passport("A", orig + "5", dest,
            "https://unknown.test.invalid/sti.pem"), "https://unknown.test.invalid/sti.pem",
            "No-TN-Validation", ""));
    Path csv = dir.resolve("calls.csv");
    List<String> lines = new ArrayList<>(List.of("SEQUENTIAL"));
    calls.forEach(c -> lines.add(c.csvLine()));
    Files.write(csv, lines);

    int uasPort = Ports.free();
    int sipPort = Ports.free();
    Path config = dir.resolve("stir.yaml");
    Files.writeString(config, """
        sip:
          listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:%d
        http: { address: 127.0.0.1, port: 0 }
        screening:
          source_peer:
            peers:
              local: { networks: [127.0.0.0/8] }
          stir_shaken:
            trust_anchors: [ca.pem]
            certificate_dir: certs
            deadline_ms: 100
            on_failure: reason_header
          policy:
            tag_score: 50
            label: "SPAM?"
        """.formatted(sipPort, uasPort));

    try (Sipscreen proxy = Sipscreen.start(Sipscreen.prepare(config))) {
      Path uasDir = Files.createDirectories(dir.resolve("uas"));
      Process uas = new ProcessBuilder("sipp", "-sf", Sipp.scenario(uasDir, "uas-stir.xml").toString(),
          "-i", "127.0.0.1", "-p", Integer.toString(uasPort), "-m", Integer.toString(calls.size()),
          "-nostdin", "-trace_logs", "-trace_err", "-timeout", "60s")
          .directory(uasDir.toFile()).redirectErrorStream(true)
          .redirectOutput(uasDir.resolve("uas.out").toFile()).start();
      Sipp.listening(uas, uasPort, "u1");
      Path uacDir = Files.createDirectories(dir.resolve("uac"));
      Process uac = new ProcessBuilder("sipp", "-sf", Sipp.scenario(uacDir, "uac-signed.xml").toString(),
          "-inf", csv.toString(), "-i", "127.0.0.1", "-p", Integer.toString(Ports.free()),
          "-m", Integer.toString(calls.size()), "-r", "10", "-nostdin", "-trace_logs", "-trace_err",
          "-timeout", "60s", "127.0.0.1:" + sipPort)
          .directory(uacDir.toFile()).redirectErrorStream(true)
          .redirectOutput(uacDir.resolve("uac.out").toFile()).start();
      assertThat(uac.waitFor(90, TimeUnit.SECONDS)).as("uac finished").isTrue();
      assertThat(uas.waitFor(30, TimeUnit.SECONDS)).as("uas finished").isTrue();

      List<String> results = logLines(uacDir).stream().filter(l -> l.startsWith("RESULT;")).toList();
      List<String> invites = logLines(uasDir).stream().filter(l -> l.startsWith("INVITE;")).toList();
      String context = "uac:\n" + String.join("\n", results) + "\nuas:\n" + String.join("\n", invites);
      assertThat(results).as(context).hasSize(calls.size())
          .allMatch(r -> r.contains(";SIP/2.0 200 OK;"));
      assertThat(invites).as(context).hasSize(calls.size());
      for (Call c : calls) {
        String invite = invites.stream().filter(i -> i.contains("<sip:" + c.caller() + ";")).findFirst()
            .orElseThrow(() -> new AssertionError("no INVITE from " + c.caller() + "\n" + context));
        assertThat(invite).as(context).contains("<sip:" + c.caller() + ";verstat=" + c.verstat() + "@");
        assertThat(invite).as("the Reason goes upstream, not to the uas: " + context)
            .doesNotContain("STIR;cause");
        // RFC 9410: the signer upstream hears why, on the answer relayed back to it.
        String result = results.stream().filter(r -> r.startsWith("RESULT;" + c.caller() + ";"))
            .findFirst().orElseThrow(() -> new AssertionError("no result for " + c.caller() + "\n" + context));
        assertThat(result.contains("STIR;cause")).as(context).isEqualTo(!c.reason().isEmpty());
        if (!c.reason().isEmpty()) {
          assertThat(result).as(context).contains("cause=438");
        }
      }
      assertThat(invites.stream().filter(i -> i.contains("\"SPAM? Caller\"")).count())
          .as("only the failed call crosses the tag score").isEqualTo(1);

      var m = proxy.metrics();
      // Every call is verified once: a retransmitted INVITE gets the first copy's decision.
      assertThat(verifications(m, "passed", "a")).isEqualTo(1);
      assertThat(verifications(m, "passed", "c")).isEqualTo(1);
      assertThat(verifications(m, "passed", "b")).isZero();
      assertThat(verifications(m, "failed", "none")).isEqualTo(1);
      assertThat(verifications(m, "no_identity", "none")).isEqualTo(1);
      double unavailable = verifications(m, "certificate_unavailable", "none");
      assertThat(unavailable).isEqualTo(1);
      assertThat(counter(m, "sipscreen_stir_fail_open", java.util.Map.of())).isEqualTo(unavailable);
    }
  }

  private static double verifications(org.sipscreen.metrics.ProxyMetrics m, String result,
      String attestation) {
    return counter(m, "sipscreen_stir_verifications",
        java.util.Map.of("result", result, "attestation", attestation, "peer", "local"));
  }

  /** The value of the counter series with exactly these labels, 0 when absent. */
  static double counter(org.sipscreen.metrics.ProxyMetrics m, String name,
      java.util.Map<String, String> labels) {
    return m.registry().scrape(n -> n.equals(name)).stream()
        .flatMap(s -> s.getDataPoints().stream())
        .filter(dp -> dp.getLabels().size() == labels.size() && labels.entrySet().stream()
            .allMatch(e -> e.getValue().equals(dp.getLabels().get(e.getKey()))))
        .mapToDouble(dp -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) dp)
            .getValue())
        .sum();
  }

  /** Changes one character of the payload: the signature no longer covers it. */
  private static String tamper(String jws) {
    int dot = jws.indexOf('.');
    char c = jws.charAt(dot + 3);
    return jws.substring(0, dot + 3) + (c == 'x' ? 'y' : 'x') + jws.substring(dot + 4);
  }

  private static List<String> logLines(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith("_logs.log")).toList()) {
        out.addAll(Files.readAllLines(f, StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }
}
