package org.sipscreen.records.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.records.CallOutcome;

/**
 * Answered and unanswered shares, short calls and durations, against generated decision and outcome lines
 * whose counts are known.
 */
class CallOutcomeReportTest {

  private static final Instant DAY = Instant.parse("2026-11-02T00:00:00Z");
  private static final long T0 = Instant.parse("2026-11-02T10:00:00Z").toEpochMilli();
  private static final String PEER = "carrier_e";

  @TempDir
  Path dir;

  private static CallOutcome answer(String callId, long invited, long at, int status) {
    return new CallOutcome(at, CallOutcome.Event.FINAL, callId, PEER, invited, status);
  }

  private static CallOutcome bye(String callId, long invited, long at) {
    return new CallOutcome(at, CallOutcome.Event.BYE, callId, PEER, invited, 0);
  }

  @BeforeEach
  void records() throws Exception {
    try (ReportRecords out = new ReportRecords(dir)) {
      for (int i = 0; i < 10; i++) {
        out.write(T0 + i * 1000L, PEER, "+13125550100", ReportRecords.Kind.FORWARDED);
      }
      long invited = T0;
      long answered = T0 + 20_000; // every call answers 20 s after its INVITE
      int[] statuses = {200, 200, 200, 200, 200, 200, 486, 486, 487, 503};
      for (int i = 0; i < 6; i++) {
        out.write(answer("a" + i, invited, answered + i, statuses[i]));
      }
      for (int i = 6; i < 10; i++) {
        out.write(answer("a" + i, invited, answered + i, statuses[i]));
      }
      // Durations from the answer: 2 s, 5.999 s, 6 s, 30 s, 120 s.
      out.write(bye("a0", invited, answered + 2_000));
      out.write(bye("a1", invited, answered + 1 + 5_999));
      out.write(bye("a2", invited, answered + 2 + 6_000));
      out.write(bye("a3", invited, answered + 3 + 30_000));
      out.write(bye("a4", invited, answered + 4 + 120_000));
      // a5 answers at 10:59:50 and ends in the next hour's file: timed from its INVITE (10:59:40), 21 s.
      long late = Instant.parse("2026-11-02T10:59:40Z").toEpochMilli();
      out.write(answer("late", late, late + 10_000, 200));
      out.write(bye("late", late, late + 21_000));
    }
  }

  private JsonNode peer(PeerReport r) throws Exception {
    JsonNode report = new ObjectMapper().readTree(ReportFormats.write(r, "json"));
    for (JsonNode p : report.path("peers")) {
      if (p.path("peer").asText().equals(PEER)) {
        return p;
      }
    }
    throw new AssertionError("no " + PEER + " in " + report);
  }

  private PeerReport report(int shortSeconds, ReportScanner.Summaries summaries) throws Exception {
    return ReportScanner.run(dir, new PeerReport.Query(DAY, DAY.plusSeconds(86_399), null, 10, shortSeconds),
        1, summaries, Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void answeredUnansweredShortCallsAndAverageDurationPerPeerAndDay() throws Exception {
    PeerReport r = report(6, ReportScanner.Summaries.OFF);
    JsonNode day = peer(r).path("days").get(0);
    JsonNode o = day.path("outcomes");

    assertThat(r.records()).isEqualTo(10); // outcome lines are no calls
    assertThat(r.unreadableLines()).isZero();
    assertThat(day.path("calls").asLong()).isEqualTo(10);
    assertThat(o.path("final_responses").asLong()).isEqualTo(11);
    assertThat(o.path("answered").asLong()).isEqualTo(7);
    assertThat(o.path("share").path("answered").asDouble()).isEqualTo(0.6364);
    assertThat(o.path("unanswered").asLong()).isEqualTo(4);
    assertThat(o.path("unanswered_by_class").path("4xx").asLong()).isEqualTo(3);
    assertThat(o.path("unanswered_by_class").path("5xx").asLong()).isEqualTo(1);
    assertThat(o.path("ended").asLong()).isEqualTo(6);
    assertThat(o.path("short").asLong()).isEqualTo(2); // 2 s and 5.999 s; 6 s is not short
    assertThat(o.path("short_share").asDouble()).isEqualTo(0.3333);
    assertThat(o.path("timed_from_invite").asLong()).isEqualTo(1);
    // (2 + 5.999 + 6 + 30 + 120 + 21) / 6
    assertThat(o.path("average_duration_seconds").asDouble()).isEqualTo(30.833);
  }

  @Test
  void shortCallThresholdIsTheQuerys() throws Exception {
    JsonNode o = peer(report(31, ReportScanner.Summaries.OFF)).path("outcomes");
    assertThat(o.path("short").asLong()).isEqualTo(5);
    assertThat(o.path("short_call_seconds").asInt()).isEqualTo(31);
    assertThatThrownBy(() -> new PeerReport.Query(DAY, DAY, null, 10, 0))
        .hasMessageContaining("short call threshold must be 1-60 s");
  }

  @Test
  void summariesOfFinishedFilesGiveTheSameOutcomes() throws Exception {
    String read = peer(report(6, ReportScanner.Summaries.USE)).path("outcomes").toString();
    PeerReport again = report(6, ReportScanner.Summaries.USE);

    assertThat(again.filesFromSummaries()).isEqualTo(2);
    assertThat(peer(again).path("outcomes").toString()).isEqualTo(read);
  }

  @Test
  void csvAndHtmlShowTheOutcomes() throws Exception {
    PeerReport r = report(6, ReportScanner.Summaries.OFF);
    assertThat(ReportFormats.write(r, "csv"))
        .contains("carrier_e,all,outcome,answered,7,0.6364\n")
        .contains("carrier_e,all,outcome,short_under_6s,2,0.3333\n")
        .contains("carrier_e,all,final_class,4xx,3,0.2727\n")
        .contains("carrier_e,all,outcome,average_duration_seconds,30.833,\n");
    assertThat(ReportFormats.write(r, "html")).contains("<h3>Call outcomes</h3>")
        .contains("short (&lt; 6 s)");
  }

  @Test
  void outcomeLinesAreWhatTheRecorderWrites() throws Exception {
    try (var files = Files.list(dir)) {
      String text = Files.readString(files.filter(f -> f.toString().endsWith("T10.jsonl")).findFirst()
          .orElseThrow());
      assertThat(text).contains("{\"time\":\"2026-11-02T10:00:20.000Z\",\"event\":\"final\",\"call_id\":\"a0\","
          + "\"peer\":\"carrier_e\",\"invited\":\"2026-11-02T10:00:00.000Z\",\"status\":200}\n");
      assertThat(text).contains("\"event\":\"bye\",\"call_id\":\"a0\",\"peer\":\"carrier_e\","
          + "\"invited\":\"2026-11-02T10:00:00.000Z\"}\n");
    }
  }
}
