package org.sipscreen.records;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.records.TestRecords.JSON;
import static org.sipscreen.records.TestRecords.at;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.PolicyDecision;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.SipHeader;

class DecisionJsonTest {

  final DecisionJson json = new DecisionJson();

  String line(DecisionRecord r) {
    int n = json.encode(r);
    return new String(json.bytes(), 0, n, UTF_8);
  }

  JsonNode parse(DecisionRecord r) throws Exception {
    String line = line(r);
    assertThat(line).endsWith("}\n");
    assertThat(line.indexOf('\n')).as("one line").isEqualTo(line.length() - 1);
    return JSON.readTree(line);
  }

  @Test
  void writesEveryFieldOfARejectedCall() throws Exception {
    JsonNode n = parse(TestRecords.rejected(at("2026-11-28T19:04:05.007Z"), "abc@peer", "+12025550199",
        "+13125550100", "carrier-a"));
    assertThat(n.get("time").asText()).isEqualTo("2026-11-28T19:04:05.007Z");
    assertThat(n.get("call_id").asText()).isEqualTo("abc@peer");
    assertThat(n.get("peer").asText()).isEqualTo("carrier-a");
    assertThat(n.get("source").asText()).isEqualTo("198.51.100.7:5060");
    assertThat(n.get("transport").asText()).isEqualTo("udp");
    assertThat(n.get("caller").asText()).isEqualTo("+12025550199");
    assertThat(n.get("callee").asText()).isEqualTo("+13125550100");
    assertThat(n.get("caller_kind").asText()).isEqualTo("e164");
    assertThat(n.get("caller_raw").asText()).isEqualTo("<sip:+12025550199@peer.example>;tag=1");
    assertThat(n.get("callee_raw").asText()).isEqualTo("sip:+13125550100@sbc.example");
    assertThat(n.get("attestation").isNull()).isTrue();
    assertThat(n.get("origid").isNull()).isTrue();
    assertThat(n.get("x5u").isNull()).isTrue();
    assertThat(n.get("spc").isNull()).isTrue();
    assertThat(n.get("result").asText()).isEqualTo("rejected");
    assertThat(n.get("delivery").asText()).isEqualTo("answered");
    assertThat(n.get("status").asInt()).isEqualTo(603);
    assertThat(n.get("reason").asText()).isEqualTo("Decline");
    assertThat(n.get("next_hop").isNull()).isTrue();
    assertThat(n.get("decided_by").asText()).isEqualTo("block_list");
    assertThat(n.get("fired").toString()).isEqualTo("[{\"check\":\"block_list\",\"category\":\"reject\"}]");
  }

  @Test
  void firedChecksCarryTheirFlagScoreActionAndThePolicyDecisions() throws Exception {
    ScreeningResult s = new ScreeningResult(
        new ScreeningResult.Action.Reject(603, "Network Blocked",
            List.of(new SipHeader("Reason", "SIP;cause=603"))),
        List.of(new CallTag.DisplayLabel("SPAM?"), new CallTag.Verstat("TN-Validation-Failed"),
            new CallTag.Signer("1234")),
        Optional.of("score_policy"), Optional.of("local"), TestRecords.number("+13107945555"),
        TestRecords.number("+13107940100"),
        List.of(new CheckOutcome("emergency", "continue"), new CheckOutcome("neighbor_spoofing",
            "neighbor_spoofing"), new CheckOutcome("reputation", "reputation_high")), 100,
        List.of(new PolicyDecision("neighbor_spoofing", "neighbor_spoofing", 40, PolicyAction.TAG, false),
            new PolicyDecision("reputation", "reputation_high", 60, PolicyAction.SCORE, true),
            new PolicyDecision("score_policy", "block_score", 100, PolicyAction.REJECT_ANALYTICS, false)),
        Optional.empty());
    DecisionRecord r = new DecisionRecord(at("2026-11-28T19:00:00Z"), "c", "c 1 b", TestRecords.PEER_A,
        "tcp", "x", "y", s, "A", "orig-123", "https://cert.example/x5u.pem",
        DecisionRecord.Delivery.ANSWERED, 603, "Network Blocked", null, null);
    JsonNode n = parse(r);
    assertThat(n.get("result").asText()).isEqualTo("rejected_analytics");
    assertThat(n.get("score").asInt()).isEqualTo(100);
    assertThat(n.get("fired").toString()).isEqualTo("["
        + "{\"check\":\"neighbor_spoofing\",\"category\":\"neighbor_spoofing\",\"score\":40,\"action\":\"tag\"},"
        + "{\"check\":\"reputation\",\"category\":\"reputation_high\",\"score\":60,\"action\":\"score\","
        + "\"shadow\":true},"
        + "{\"check\":\"score_policy\",\"category\":\"block_score\",\"score\":100,"
        + "\"action\":\"reject_analytics\"}]");
    assertThat(n.get("tags").toString())
        .isEqualTo("[{\"label\":\"SPAM?\"},{\"verstat\":\"TN-Validation-Failed\"}]");
    assertThat(n.get("attestation").asText()).isEqualTo("A");
    assertThat(n.get("origid").asText()).isEqualTo("orig-123");
    assertThat(n.get("x5u").asText()).isEqualTo("https://cert.example/x5u.pem");
    assertThat(n.get("spc").asText()).isEqualTo("1234"); // the signer: a field of its own, not a tag
  }

  @Test
  void hostileDisplayNamesAndCallIdsStayInsideTheirStrings() throws Exception {
    // Text from the wire arrives as ISO-8859-1 chars (one per byte): quotes, backslashes, control
    // characters, a fake field, a newline that would start a new record, UTF-8 and invalid UTF-8 bytes.
    String evilCallId = "a\"b\\c\u0000d\u001f\r\n{\"caller\":\"+12025550123\"}\u007f";
    String utf8Name = new String("\"Zoë 😀\" <sip:+12025550123@x>".getBytes(UTF_8), ISO_8859_1);
    String brokenUtf8 = "\"\u00c3\u00ff\u00e9\" <sip:+12025550123@x>";
    DecisionRecord r = new DecisionRecord(at("2026-11-28T19:00:00Z"), evilCallId, "k", TestRecords.PEER_A,
        "udp", utf8Name, brokenUtf8, null, "\ud800", null, null, DecisionRecord.Delivery.FORWARDED, 0, null,
        null, null);
    String line = line(r);
    assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
    assertThat(line).doesNotContain("\"caller\":\"+12025550123\"");
    JsonNode n = JSON.readTree(line);
    assertThat(n.get("call_id").asText()).isEqualTo(evilCallId);
    assertThat(n.get("caller_raw").asText()).isEqualTo("\"Zoë 😀\" <sip:+12025550123@x>");
    assertThat(n.get("callee_raw").asText()).contains("\ufffd").endsWith("\" <sip:+12025550123@x>");
    assertThat(n.get("attestation").asText()).isEqualTo("\ud800");
    assertThat(n.get("result").asText()).isEqualTo("unscreened");
    assertThat(n.get("caller").isNull()).isTrue();
    DecisionRecord plain = new DecisionRecord(0, "c", "k", TestRecords.PEER_A, "udp", "a", "b", null, null,
        null, null, DecisionRecord.Delivery.FORWARDED, 0, null, null, null);
    assertThat(n.size()).as("no injected field").isEqualTo(parse(plain).size());
  }

  @Test
  void cutsOverlongRawValues() throws Exception {
    char[] big = new char[5000];
    Arrays.fill(big, 'x');
    DecisionRecord r = new DecisionRecord(0, new String(big), "k", TestRecords.PEER_A, "udp", null, null,
        null, null, null, null, DecisionRecord.Delivery.DROPPED, 0, null, null, null);
    JsonNode n = parse(r);
    assertThat(n.get("call_id").asText()).hasSize(DecisionJson.MAX_RAW_CHARS + 3).endsWith("x...");
    assertThat(n.get("caller_raw").isNull()).isTrue();
    assertThat(n.get("time").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
  }

  @Test
  void ipv6SourcesAreBracketed() throws Exception {
    DecisionRecord r = new DecisionRecord(0, "c", "k", new InetSocketAddress("::1", 5062), "tcp", null,
        null, null, null, null, null, DecisionRecord.Delivery.DROPPED, 0, null, null, null);
    assertThat(parse(r).get("source").asText()).isEqualTo("[0:0:0:0:0:0:0:1]:5062");
  }

  @Test
  void callerKeyIsWhatTheRecordContains() {
    String line = line(TestRecords.forwarded(0, "c", "+12025550123", "+13125550100", "p"));
    assertThat(line).contains(new String(DecisionJson.callerKey("+12025550123"), UTF_8))
        .contains(new String(DecisionJson.calleeKey("+13125550100"), UTF_8));
  }

  @Test
  void timesAreFormattedPerRecordEvenWhenTheSecondRepeats() throws Exception {
    assertThat(parse(TestRecords.forwarded(at("2026-11-28T23:59:59.998Z"), "c", "+12025550123",
        "+13125550100", "p")).get("time").asText()).isEqualTo("2026-11-28T23:59:59.998Z");
    assertThat(parse(TestRecords.forwarded(at("2026-11-28T23:59:59.999Z"), "c", "+12025550123",
        "+13125550100", "p")).get("time").asText()).isEqualTo("2026-11-28T23:59:59.999Z");
    assertThat(parse(TestRecords.forwarded(at("2026-11-29T00:00:00Z"), "c", "+12025550123",
        "+13125550100", "p")).get("time").asText()).isEqualTo("2026-11-29T00:00:00.000Z");
  }

  @Test
  void timesOfTwoAlternatingSecondsAndOfAnyYearUpTo9999AreWhatInstantSays() throws Exception {
    java.util.Random random = new java.util.Random(7);
    long max = java.time.Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    for (int i = 0; i < 2_000; i++) {
      // an outcome line's two times: now and its INVITE's, seconds apart, written one after the other
      long now = i % 2 == 0 ? (long) (random.nextDouble() * max) : at("2026-11-28T19:04:05.007Z") + i;
      for (long millis : new long[] {now, now - 1_000 * (1 + random.nextInt(40))}) {
        if (millis < 0) {
          continue;
        }
        assertThat(parse(TestRecords.forwarded(millis, "c", "+12025550123", "+13125550100", "p"))
            .get("time").asText()).isEqualTo(java.time.format.DateTimeFormatter
                .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(millis)));
      }
    }
  }
}
