package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.BuildInfo;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Ports;

/**
 * /metrics of a running proxy with every check on: the series an operator alerts on exist from start-up,
 * the build is named, reload series are labelled by config key, promtool finds nothing wrong, and every
 * series the shipped dashboard and alert rules use (deploy/grafana, deploy/prometheus) is exposed.
 */
@Timeout(120)
class MetricsExpositionIT {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$",
      Pattern.MULTILINE);

  @TempDir
  Path dir;
  Sipscreen running;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  static Path repo() {
    return Path.of(System.getProperty("sipscreen.repo", "../.."));
  }

  private void start(String nextHop) throws Exception {
    Files.writeString(dir.resolve("block.txt"), "+12025550199\n");
    Files.copy(repo().resolve("config/data/nanp-npa.txt"), dir.resolve("nanp-npa.txt"));
    Files.copy(repo().resolve("config/data/rmd-current-filers.csv"), dir.resolve("rmd.csv"));
    new TestSti().writeTo(dir);
    int sip = Ports.free();
    int closed = Ports.free(); // nothing listens: the reputation service is down
    int noRedis = Ports.free(); // nor the fleet's Redis: the instance screens on its own counts
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp, tcp]}]
          udp_sockets: 1
          warmup_calls: 0
        routing:
          default_route: %s
        http: {address: 127.0.0.1, port: 0}
        records: {directory: records}
        fleet: {nodes: ["127.0.0.1:%d"]}
        screening:
          source_peer:
            peers:
              local: {networks: [127.0.0.0/8]}
              carrier-b: {networks: [198.51.100.0/24]}
          block_list: {file: block.txt}
          rmd: {file: rmd.csv}
          invalid_number: {npa_file: nanp-npa.txt, action: reject_deterministic}
          velocity: {caller_per_second: 5}
          reputation: {url: "http://127.0.0.1:%d/v1/reputation/{number}", deadline_ms: 20}
          stir_shaken: {trust_anchors: [ca.pem], certificate_dir: certs}
          policy: {redress_url: "https://redress.example.net/sipscreen"}
        """.formatted(sip, nextHop, noRedis, closed));
    running = Sipscreen.start(Sipscreen.prepare(config));
  }

  private String scrape() throws Exception {
    return client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + running.httpAddress().getPort() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Sample (name plus labels as written) to value. */
  private static Map<String, Double> samples(String text) {
    Map<String, Double> samples = new HashMap<>();
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
    }
    return samples;
  }

  private static Set<String> names(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void everyCounterWithAKnownLabelSetIsThereAtZeroBeforeTheFirstCall() throws Exception {
    start("sip:127.0.0.1:9");

    Map<String, Double> s = samples(scrape());

    assertThat(s).containsEntry("sipscreen_requests_received_total{method=\"INVITE\",transport=\"udp\"}", 0.0)
        .containsEntry("sipscreen_requests_forwarded_total{method=\"BYE\",transport=\"tcp\"}", 0.0)
        .containsEntry("sipscreen_responses_relayed_total{status_class=\"6xx\"}", 0.0)
        .containsEntry("sipscreen_responses_sent_total{status=\"603\"}", 0.0)
        .containsEntry("sipscreen_messages_dropped_total{reason=\"unknown_source\"}", 0.0)
        .containsEntry("sipscreen_screening_outcomes_total{check=\"velocity\",outcome=\"continue\"}", 0.0)
        .containsEntry("sipscreen_screening_outcomes_total{check=\"chain\",outcome=\"error\"}", 0.0)
        .containsEntry("sipscreen_peer_invites_total{peer=\"carrier-b\",result=\"rejected_analytics\"}", 0.0)
        .containsEntry("sipscreen_peer_invites_total{peer=\"unknown\",result=\"rejected\"}", 0.0)
        .containsEntry("sipscreen_stir_verifications_total{attestation=\"a\",peer=\"local\",result=\"passed\"}", 0.0)
        .containsEntry("sipscreen_reloads_total{result=\"rejected\",trigger=\"sighup\"}", 0.0);
  }

  @Test
  void theBuildAndTheRunningStateAreGauges() throws Exception {
    start("sip:127.0.0.1:9");

    Map<String, Double> s = samples(scrape());

    assertThat(BuildInfo.version()).isNotBlank().isNotEqualTo("unknown");
    assertThat(BuildInfo.commit()).matches("[0-9a-f]{7,40}|unknown");
    assertThat(s).containsEntry("sipscreen_build_info{commit=\"" + BuildInfo.commit() + "\",version=\""
        + BuildInfo.version() + "\"}", 1.0);
    assertThat(s).containsEntry("sipscreen_sip_listeners", 2.0)
        .containsEntry("sipscreen_sip_listeners_up", 2.0)
        .containsEntry("sipscreen_tcp_connections_open", 0.0)
        .containsEntry("sipscreen_velocity_tracked_numbers", 0.0)
        .containsEntry("sipscreen_restart_pending", 0.0)
        .containsEntry("sipscreen_decision_records_disk_bytes", 0.0);
  }

  @Test
  void reloadSeriesAreLabelledByConfigKeyNotPath() throws Exception {
    start("sip:127.0.0.1:9");

    Map<String, Double> s = samples(scrape());

    assertThat(s).containsEntry("sipscreen_reload_last_success{file=\"config\"}", 1.0)
        .containsEntry("sipscreen_reload_last_success{file=\"screening.block_list.file\"}", 1.0)
        .containsEntry("sipscreen_reload_last_success{file=\"screening.invalid_number.npa.file\"}", 1.0)
        .containsEntry("sipscreen_reload_last_success{file=\"screening.stir_shaken.trust_anchors[0]\"}", 1.0);
    assertThat(s.keySet()).filteredOn(k -> k.startsWith("sipscreen_reload_"))
        .allSatisfy(k -> assertThat(k).doesNotContain("/"));
  }

  @Test
  void promtoolFindsNothingWrongInTheMetrics() throws Exception {
    Assumptions.assumeTrue(onPath("promtool"), "promtool is not installed (.ci/run installs prometheus)");
    start("sip:127.0.0.1:9");
    String text = scrape();

    Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(out).isEmpty();
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void everySeriesTheDashboardAndTheAlertRulesUseIsExposed() throws Exception {
    try (WireProbe probe = new WireProbe()) {
      start(probe.nextHopUri());
      probe.target(((java.net.InetSocketAddress) running.proxy().settings().endpoints().get(0).bind())
          .getPort());
      // Series labelled by what happened appear with the first event: a policy block, a malformed request.
      assertThat(probe.send(invite("+12025550150", "invalid-1")).status()).isEqualTo(603);
      probe.send("INVITE sip:x@127.0.0.1 SIP/2.0\r\nVia: nonsense\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Set<String> exposed = names(scrape());

      Set<String> used = new TreeSet<>();
      Pattern series = Pattern.compile("\\b((?:sipscreen|jvm)_[a-z0-9_]+)");
      for (Path f : java.util.List.of(repo().resolve("deploy/grafana/sipscreen-dashboard.json"),
          repo().resolve("deploy/prometheus/sipscreen-rules.yml"))) {
        Matcher m = series.matcher(Files.readString(f));
        while (m.find()) {
          used.add(m.group(1));
        }
      }

      assertThat(used).hasSizeGreaterThan(20);
      assertThat(exposed).containsAll(used);
    }
  }

  private static byte[] invite(String caller, String callId) {
    return ("INVITE sip:+13125550100@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:" + caller + "@127.0.0.1;user=phone>;tag=1\r\n"
        + "To: <sip:+13125550100@127.0.0.1;user=phone>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        + "Contact: <sip:caller@127.0.0.1:5999>\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
