package org.sipscreen.records.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.records.report.ReportRecords.Kind.BLOCKED_VELOCITY;
import static org.sipscreen.records.report.ReportRecords.Kind.EMERGENCY;
import static org.sipscreen.records.report.ReportRecords.Kind.FORWARDED;
import static org.sipscreen.records.report.ReportRecords.Kind.FORWARDED_A;
import static org.sipscreen.records.report.ReportRecords.Kind.FORWARDED_B;
import static org.sipscreen.records.report.ReportRecords.Kind.REJECTED_DNO;
import static org.sipscreen.records.report.ReportRecords.Kind.REJECTED_N11;
import static org.sipscreen.records.report.ReportRecords.Kind.REJECTED_RMD;
import static org.sipscreen.records.report.ReportRecords.Kind.SIGNATURE_FAILED;
import static org.sipscreen.records.report.ReportRecords.Kind.TAGGED_NEIGHBOR;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's numbers against a generated record set whose counts are known. */
class PeerReportTest {

  private static final Instant DAY1 = Instant.parse("2026-11-02T00:00:00Z");
  private static final Instant DAY2 = Instant.parse("2026-11-03T00:00:00Z");
  private static final Instant DAY4 = Instant.parse("2026-11-05T00:00:00Z");

  @TempDir
  Path dir;
  private int seconds;

  private void write(ReportRecords out, Instant day, String peer, String caller, ReportRecords.Kind kind,
      int times) throws Exception {
    for (int i = 0; i < times; i++) {
      // Spread over the day's hours: several hourly files per day.
      long t = day.toEpochMilli() + (seconds++ % 86_000) * 997L;
      out.write(t, peer, caller, kind);
    }
  }

  @BeforeEach
  void records() throws Exception {
    try (ReportRecords out = new ReportRecords(dir)) {
      String clean = "+13125550100";
      write(out, DAY1, "carrier_a", clean, FORWARDED, 15);
      write(out, DAY1, "carrier_a", clean, FORWARDED_A, 20);
      write(out, DAY1, "carrier_a", clean, FORWARDED_B, 10);
      write(out, DAY1, "carrier_a", clean, SIGNATURE_FAILED, 5);
      write(out, DAY1, "carrier_a", "+12125550199", TAGGED_NEIGHBOR, 10);
      write(out, DAY1, "carrier_a", "+12125550001", REJECTED_N11, 5);
      write(out, DAY1, "carrier_a", "+12125560002", REJECTED_N11, 2);
      write(out, DAY1, "carrier_a", "+18008291040", REJECTED_DNO, 3);
      write(out, DAY2, "carrier_a", clean, FORWARDED, 4);
      write(out, DAY2, "carrier_a", "+12125550001", REJECTED_N11, 1);
      write(out, DAY1, "carrier_b", clean, FORWARDED, 20);
      write(out, DAY1, "carrier_b", "+13125550123", BLOCKED_VELOCITY, 5);
      write(out, DAY2, "carrier_c", "+14155550100", REJECTED_RMD, 4);
      write(out, DAY2, "carrier_c", clean, EMERGENCY, 1);
      seconds = 0; // the first DAY4 record at exactly midnight
      write(out, DAY4, "carrier_a", clean, FORWARDED, 9); // outside the window
    }
    // A line a crash cut short, at the end of one file.
    try (var files = Files.list(dir)) {
      Path some = files.sorted().findFirst().orElseThrow();
      Files.writeString(some, "{\"time\":\"2026-11-02T00:0", StandardOpenOption.APPEND);
    }
  }

  private PeerReport report(String peer) throws Exception {
    return ReportScanner.run(dir, new PeerReport.Query(DAY1, Instant.parse("2026-11-04T23:59:59.999Z"), peer,
        10), 2);
  }

  private static JsonNode json(PeerReport r) throws Exception {
    return new ObjectMapper().readTree(ReportFormats.write(r, "json"));
  }

  private static JsonNode peer(JsonNode report, String name) {
    for (JsonNode p : report.path("peers")) {
      if (p.path("peer").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no peer " + name + " in " + report);
  }

  @Test
  void signersAreNamedByTheSpcOfTheirCertificateAndByItsUrlWithoutOne(@TempDir Path other) throws Exception {
    try (ReportRecords out = new ReportRecords(other)) {
      for (int i = 0; i < 7; i++) {
        out.write(DAY1.toEpochMilli() + i * 1000L, "carrier_d", "+13125550100", ReportRecords.Kind.FORWARDED_A_SPC);
      }
      for (int i = 0; i < 3; i++) {
        out.write(DAY1.toEpochMilli() + 60_000 + i * 1000L, "carrier_d", "+13125550100", FORWARDED_A);
      }
    }
    PeerReport r = ReportScanner.run(other, new PeerReport.Query(DAY1, DAY2, null, 10), 1);

    JsonNode signers = peer(json(r), "carrier_d").path("signers");
    assertThat(signers.get(0).path("spc").asText()).isEqualTo(ReportRecords.SPC);
    assertThat(signers.get(0).path("calls").asLong()).isEqualTo(7);
    assertThat(signers.get(1).path("x5u").asText()).isEqualTo(ReportRecords.X5U);
    assertThat(signers.get(1).path("calls").asLong()).isEqualTo(3);
    assertThat(ReportFormats.write(r, "csv")).contains("carrier_d,all,signer,spc:567J,7,");
    assertThat(ReportFormats.write(r, "html")).contains("spc:567J");
    try (var files = Files.list(other)) {
      assertThat(Files.readString(files.filter(f -> f.toString().endsWith(".jsonl")).findFirst()
          .orElseThrow())).contains("\"spc\":\"567J\"")
          .doesNotContain("{\"signer\"");
    }
  }

  @Test
  void countsCallsAndResultsPerPeerAndDay() throws Exception {
    PeerReport r = report(null);
    assertThat(r.records()).isEqualTo(105);
    assertThat(r.unreadableLines()).isEqualTo(1);
    JsonNode a = peer(json(r), "carrier_a");
    assertThat(a.path("calls").asLong()).isEqualTo(75);
    JsonNode day1 = a.path("days").get(0);
    assertThat(day1.path("day").asText()).isEqualTo("2026-11-02");
    assertThat(day1.path("calls").asLong()).isEqualTo(70);
    assertThat(day1.path("forwarded").asLong()).isEqualTo(50);
    assertThat(day1.path("tagged").asLong()).isEqualTo(10);
    assertThat(day1.path("blocked").asLong()).isEqualTo(10);
    assertThat(day1.path("share").path("blocked").asDouble()).isEqualTo(0.1429);
    JsonNode day2 = a.path("days").get(1);
    assertThat(day2.path("day").asText()).isEqualTo("2026-11-03");
    assertThat(day2.path("calls").asLong()).isEqualTo(5);
    assertThat(day2.path("blocked").asLong()).isEqualTo(1);
    assertThat(a.path("days")).hasSize(2);
  }

  @Test
  void blockedAndTaggedByReasonWithTheCheckAndItsCategory() throws Exception {
    JsonNode report = json(report(null));
    JsonNode a = peer(report, "carrier_a");
    assertThat(a.path("blocked_by").path("invalid_number:n11_nxx").asLong()).isEqualTo(8);
    assertThat(a.path("blocked_by").path("do_not_originate:dno").asLong()).isEqualTo(3);
    assertThat(a.path("tagged_by").path("neighbor_spoofing:npa_nxx_match").asLong()).isEqualTo(10);
    assertThat(a.path("flagged").path("neighbor_spoofing:npa_nxx_match").asLong()).isEqualTo(10);
    JsonNode b = peer(report, "carrier_b");
    assertThat(b.path("results").path("rejected_analytics").asLong()).isEqualTo(5);
    assertThat(b.path("blocked_by").path("velocity:caller_per_second").asLong()).isEqualTo(5);
    JsonNode c = peer(report, "carrier_c");
    assertThat(c.path("blocked_by").path("rmd:not_listed").asLong()).isEqualTo(4);
    assertThat(c.path("emergency").asLong()).isEqualTo(1);
  }

  @Test
  void attestationMixAndSigners() throws Exception {
    JsonNode a = peer(json(report(null)), "carrier_a");
    JsonNode mix = a.path("days").get(0).path("attestation");
    assertThat(mix.path("A").asLong()).isEqualTo(20);
    assertThat(mix.path("B").asLong()).isEqualTo(10);
    assertThat(mix.path("failed").asLong()).isEqualTo(5);
    assertThat(mix.path("unsigned").asLong()).isEqualTo(35);
    assertThat(a.path("signers").get(0).path("x5u").asText()).isEqualTo("https://cert.example/sti/carrier-a.pem");
    assertThat(a.path("signers").get(0).path("calls").asLong()).isEqualTo(35);
  }

  @Test
  void topCallersAndPrefixesByBlockedVolume() throws Exception {
    JsonNode a = peer(json(report(null)), "carrier_a");
    JsonNode callers = a.path("top_blocked_callers");
    assertThat(callers).hasSize(3);
    assertThat(callers.get(0).path("caller").asText()).isEqualTo("+12125550001");
    assertThat(callers.get(0).path("calls").asLong()).isEqualTo(6);
    assertThat(callers.get(1).path("caller").asText()).isEqualTo("+18008291040");
    assertThat(callers.get(1).path("calls").asLong()).isEqualTo(3);
    assertThat(callers.get(2).path("calls").asLong()).isEqualTo(2);
    JsonNode prefixes = a.path("top_blocked_prefixes");
    assertThat(prefixes.get(0).path("prefix").asText()).isEqualTo("+1212555");
    assertThat(prefixes.get(0).path("calls").asLong()).isEqualTo(6);
    assertThat(a.has("top_counts_under_by_at_most")).as("exact below the capacity").isFalse();
  }

  @Test
  void onePeerOnly() throws Exception {
    PeerReport r = report("carrier_c");
    assertThat(r.peerNames()).containsExactly("carrier_c");
    assertThat(r.records()).isEqualTo(5);
  }

  @Test
  void oneThreadCountsTheSameAsTwo() throws Exception {
    PeerReport one = ReportScanner.run(dir, new PeerReport.Query(DAY1, DAY4, null, 10), 1);
    PeerReport two = ReportScanner.run(dir, new PeerReport.Query(DAY1, DAY4, null, 10), 2);
    assertThat(ReportFormats.csv(one)).isEqualTo(ReportFormats.csv(two));
  }

  @Test
  void theWindowEdgesAreInclusive() throws Exception {
    PeerReport r = ReportScanner.run(dir, new PeerReport.Query(DAY4, DAY4, null, 10), 1);
    assertThat(r.records()).as("the first DAY4 record is at exactly midnight").isEqualTo(1);
  }

  @Test
  void csvHasOneRowPerCount() throws Exception {
    String csv = ReportFormats.write(report(null), "csv");
    assertThat(csv).startsWith("peer,day,measure,key,calls,share\n")
        .contains("carrier_a,2026-11-02,calls,,70,1.0000\n")
        .contains("carrier_a,all,blocked_by,invalid_number:n11_nxx,8,0.1067\n")
        .contains("carrier_c,2026-11-03,blocked_by,rmd:not_listed,4,0.8000\n")
        .contains("carrier_a,all,top_blocked_caller,+12125550001,6,0.0800\n")
        .contains("carrier_a,2026-11-02,attestation,unsigned,35,0.5000\n");
  }

  @Test
  void htmlIsOnePageWithInlineSvgAndNothingExternal() throws Exception {
    String html = ReportFormats.write(report(null), "html");
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("carrier_a")
        .contains("rmd:not_listed").contains("+12125550001");
    assertThat(html).doesNotContain("<script").doesNotContain(" src=").doesNotContain("<link")
        .doesNotContain("href=\"http");
  }

  @Test
  void csvAndHtmlEscapeWhatTheyQuote() {
    assertThat(ReportFormats.csvField("a,b")).isEqualTo("\"a,b\"");
    assertThat(ReportFormats.csvField("=cmd()")).isEqualTo("'=cmd()");
    assertThat(ReportFormats.csvField("+12125550001")).isEqualTo("+12125550001");
    assertThat(ReportHtml.esc("<b>\"x\"&")).isEqualTo("&lt;b&gt;&quot;x&quot;&amp;");
  }

  @Test
  void topCounterIsExactBelowTwiceItsCapacityAndKeepsTheHeavyValuesAbove() {
    TopCounter c = new TopCounter(2);
    for (int i = 0; i < 10; i++) {
      c.add("hot");
    }
    c.add("a");
    c.add("a");
    c.add("b");
    assertThat(c.error()).as("4 distinct values fit").isZero();
    c.add("c");
    c.add("d");
    assertThat(c.top(1).get(0)).isEqualTo(new TopCounter.Entry("hot", 10));
    assertThat(c.top(5)).extracting(TopCounter.Entry::value).contains("hot", "a");
    assertThat(c.error()).isEqualTo(1);
  }
}
