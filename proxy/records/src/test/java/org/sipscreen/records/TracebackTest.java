package org.sipscreen.records;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sipscreen.records.TestRecords.at;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.testkit.ManualTime;

class TracebackTest {

  static final String ROBO = "+12025550123";
  static final String OTHER = "+12025550124";
  static final String VICTIM = "+13125550100";

  @TempDir
  Path dir;

  final ManualTime clock = new ManualTime("2026-11-28T23:00:00Z");

  /**
   * 17:00-21:59 UTC: the robocaller every 10 minutes from peer carrier-a (rejected on the hour), another
   * caller with the robocaller's number as a prefix, and a call to the robocaller's number.
   */
  @BeforeEach
  void generate() throws IOException {
    DecisionJson json = new DecisionJson();
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock)) {
      for (int h = 17; h <= 21; h++) {
        for (int m = 0; m < 60; m += 10) {
          String t = "2026-11-28T" + h + ":" + (m < 10 ? "0" : "") + m + ":00Z";
          DecisionRecord r = m == 0
              ? TestRecords.rejected(at(t), "robo-" + h + m, ROBO, VICTIM, "carrier-a")
              : TestRecords.forwarded(at(t), "robo-" + h + m, ROBO, m == 30 ? OTHER : VICTIM, "carrier-a");
          log.append(r.timeMillis(), json.bytes(), json.encode(r));
          // The call's outcome lines (no caller, no callee): a traceback never returns them.
          CallOutcome answered = new CallOutcome(at(t) + 3, CallOutcome.Event.FINAL, "robo-" + h + m,
              "carrier-a", at(t), 200);
          log.append(answered.timeMillis(), json.bytes(), json.encode(answered));
          CallOutcome ended = new CallOutcome(at(t) + 4, CallOutcome.Event.BYE, "robo-" + h + m,
              "carrier-a", at(t), 0);
          log.append(ended.timeMillis(), json.bytes(), json.encode(ended));
          DecisionRecord o = TestRecords.forwarded(at(t) + 1, "other-" + h + m, "+120255501234",
              VICTIM, "carrier-b");
          log.append(o.timeMillis(), json.bytes(), json.encode(o));
          DecisionRecord back = TestRecords.forwarded(at(t) + 2, "back-" + h + m, VICTIM, ROBO, "carrier-b");
          log.append(back.timeMillis(), json.bytes(), json.encode(back));
        }
      }
    }
  }

  Traceback.Result run(String caller, String callee, String from, String to, String peer)
      throws IOException {
    return Traceback.run(dir, new Traceback.Query(caller, callee, Instant.parse(from), Instant.parse(to),
        peer, 1000));
  }

  static List<String> callIds(Traceback.Result r) {
    return r.records().stream().map(n -> n.get("call_id").asText()).toList();
  }

  @Test
  void findsTheCallersCallsInTheWindowWithTheUpstreamPeer() throws IOException {
    Traceback.Result r = run(ROBO, null, "2026-11-28T19:00:00Z", "2026-11-28T19:59:59Z", null);
    assertThat(callIds(r)).containsExactly("robo-190", "robo-1910", "robo-1920", "robo-1930", "robo-1940",
        "robo-1950");
    assertThat(r.records().get(0).get("peer").asText()).isEqualTo("carrier-a");
    assertThat(r.records().get(0).get("source").asText()).isEqualTo("198.51.100.7:5060");
    assertThat(r.records().get(0).get("status").asInt()).isEqualTo(603);
    assertThat(r.filesScanned()).as("only the 19 o'clock file").isEqualTo(1);
    assertThat(r.truncated()).isFalse();
  }

  @Test
  void windowBoundsAreInclusiveToTheMillisecond() throws IOException {
    assertThat(callIds(run(ROBO, null, "2026-11-28T19:10:00Z", "2026-11-28T19:20:00Z", null)))
        .containsExactly("robo-1910", "robo-1920");
    assertThat(callIds(run(ROBO, null, "2026-11-28T19:10:00.001Z", "2026-11-28T19:19:59.999Z", null)))
        .isEmpty();
  }

  @Test
  void aWindowAcrossHoursReadsEachOverlappingHourOnly() throws IOException {
    Traceback.Result r = run(ROBO, null, "2026-11-28T18:45:00Z", "2026-11-28T20:05:00Z", null);
    assertThat(callIds(r)).first().isEqualTo("robo-1850");
    assertThat(callIds(r)).last().isEqualTo("robo-200");
    assertThat(r.records()).hasSize(1 + 6 + 1);
    assertThat(r.filesScanned()).isEqualTo(3);
    assertThat(run(ROBO, null, "2026-11-28T10:00:00Z", "2026-11-28T16:59:59.999Z", null).filesScanned())
        .isZero();
  }

  @Test
  void filtersByCalleeAndPeer() throws IOException {
    assertThat(callIds(run(ROBO, OTHER, "2026-11-28T17:00:00Z", "2026-11-28T22:00:00Z", null)))
        .containsExactly("robo-1730", "robo-1830", "robo-1930", "robo-2030", "robo-2130");
    assertThat(callIds(run(null, ROBO, "2026-11-28T21:00:00Z", "2026-11-28T21:15:00Z", null)))
        .containsExactly("back-210", "back-2110");
    assertThat(run(ROBO, null, "2026-11-28T17:00:00Z", "2026-11-28T22:00:00Z", "carrier-b").records())
        .isEmpty();
    assertThat(run(ROBO, null, "2026-11-28T17:00:00Z", "2026-11-28T22:00:00Z", "carrier-a").records())
        .hasSize(30);
  }

  @Test
  void aLongerNumberWithTheCallerAsPrefixDoesNotMatch() throws IOException {
    assertThat(callIds(run(ROBO, null, "2026-11-28T17:00:00Z", "2026-11-28T17:59:59Z", null)))
        .allMatch(id -> id.startsWith("robo-"));
    assertThat(callIds(run("+120255501234", null, "2026-11-28T17:00:00Z", "2026-11-28T17:59:59Z", null)))
        .hasSize(6).allMatch(id -> id.startsWith("other-"));
  }

  @Test
  void stopsAtTheLimitAndSaysSo() throws IOException {
    Traceback.Result r = Traceback.run(dir, new Traceback.Query(ROBO, null,
        Instant.parse("2026-11-28T17:00:00Z"), Instant.parse("2026-11-28T22:00:00Z"), null, 4));
    assertThat(r.records()).hasSize(4);
    assertThat(r.truncated()).isTrue();
  }

  @Test
  void skipsALineACrashCutShort() throws IOException {
    Path file = dir.resolve("decisions-2026-11-28T21.jsonl");
    Files.writeString(file, "{\"time\":\"2026-11-28T21:59:00.000Z\",\"call_id\":\"x\",\"caller\":\"" + ROBO
        + "\",\"callee\":\"+1", UTF_8, StandardOpenOption.APPEND);
    Traceback.Result r = run(ROBO, null, "2026-11-28T21:00:00Z", "2026-11-28T21:59:59Z", null);
    assertThat(r.records()).hasSize(6);
    assertThat(r.unreadableLines()).isEqualTo(1);
  }

  @Test
  void readsRotatedFilesOfTheHour() throws IOException {
    Path more = dir.resolve("decisions-2026-11-28T19.1.jsonl");
    DecisionJson json = new DecisionJson();
    DecisionRecord r = TestRecords.forwarded(at("2026-11-28T19:59:00Z"), "rotated", ROBO, VICTIM, "x");
    Files.write(more, java.util.Arrays.copyOf(json.bytes(), json.encode(r)));
    assertThat(callIds(run(ROBO, null, "2026-11-28T19:50:00Z", "2026-11-28T19:59:59Z", null)))
        .containsExactly("robo-1950", "rotated");
  }

  @Test
  void queriesTakeNumbersInAnyFormAndIsoTimes() {
    Traceback.Query q = Traceback.Query.parse("(202) 555-0123", "1-312-555-0100", "2026-11-28T14:00-05:00",
        "2026-11-28T20:00", "", 10, PhoneNumbers.NANP);
    assertThat(q.caller()).isEqualTo(ROBO);
    assertThat(q.callee()).isEqualTo(VICTIM);
    assertThat(q.from()).isEqualTo(Instant.parse("2026-11-28T19:00:00Z"));
    assertThat(q.to()).isEqualTo(Instant.parse("2026-11-28T20:00:00Z"));
    assertThat(q.peer()).isNull();
    assertThat(Traceback.Query.parse(ROBO, null, "2026-11-28", "2026-11-29", null, 1, PhoneNumbers.NANP)
        .from()).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
  }

  @Test
  void badQueriesSayWhatIsWrong() {
    assertThatThrownBy(() -> Traceback.Query.parse(null, null, "2026-11-28", "2026-11-29", null, 1,
        PhoneNumbers.NANP)).hasMessage("a caller or a callee number is required");
    assertThatThrownBy(() -> Traceback.Query.parse("anonymous", null, "2026-11-28", "2026-11-29", null, 1,
        PhoneNumbers.NANP)).hasMessage("caller 'anonymous' is not a phone number");
    assertThatThrownBy(() -> Traceback.Query.parse(ROBO, null, "yesterday", "2026-11-29", null, 1,
        PhoneNumbers.NANP)).hasMessageStartingWith("from 'yesterday' is not a time");
    assertThatThrownBy(() -> Traceback.Query.parse(ROBO, null, "2026-11-29", "2026-11-28", null, 1,
        PhoneNumbers.NANP)).hasMessageContaining("is before from");
    assertThatThrownBy(() -> Traceback.Query.parse(ROBO, null, null, "2026-11-28", null, 1,
        PhoneNumbers.NANP)).hasMessageStartingWith("from is required");
  }

  @Test
  void anAbsentDirectoryHasNoRecords() throws IOException {
    assertThat(Traceback.run(dir.resolve("absent"), new Traceback.Query(ROBO, null, Instant.EPOCH,
        Instant.parse("2030-01-01T00:00:00Z"), null, 10)).records()).isEmpty();
  }

  @Test
  void finderFindsEveryOccurrenceAndNothingElse() {
    byte[] hay = "xxabcabdabcab".getBytes(UTF_8);
    Traceback.Finder f = new Traceback.Finder("abcab".getBytes(UTF_8));
    assertThat(f.find(hay, 0, hay.length)).isEqualTo(2);
    assertThat(f.find(hay, 3, hay.length)).isEqualTo(8);
    assertThat(f.find(hay, 9, hay.length)).isEqualTo(-1);
    assertThat(f.find(hay, 0, 12)).as("must fit before the end").isEqualTo(2);
    assertThat(f.find(hay, 3, 12)).isEqualTo(-1);
  }
}
