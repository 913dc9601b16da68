package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.BLOCKED;
import static org.sipscreen.proxy.StatelessProxyTest.TAGGED;
import static org.sipscreen.proxy.StatelessProxyTest.UAC;
import static org.sipscreen.proxy.StatelessProxyTest.UAS;
import static org.sipscreen.proxy.StatelessProxyTest.UNKNOWN;
import static org.sipscreen.proxy.StatelessProxyTest.in;
import static org.sipscreen.proxy.StatelessProxyTest.invite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.recording.RecordingSink;
import org.sipscreen.records.DecisionFiles;
import org.sipscreen.records.DecisionLog;
import org.sipscreen.records.DecisionRecorder;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.calling_number.CallingNumberCheck;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.sip.Transport;

/**
 * The proxy hands a decision record to the recorder for every screened initial INVITE, on the synchronous
 * and the asynchronous path, with the response it sent; nothing else is recorded.
 */
class DecisionRecordingTest {

  @TempDir
  Path dir;

  static final ObjectMapper JSON = new ObjectMapper();
  final Clock clock = Clock.fixed(Instant.parse("2026-11-28T19:04:05.123Z"), ZoneOffset.UTC);
  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  DecisionRecorder recorder() throws IOException {
    return new DecisionRecorder(new DecisionLog(dir, 1 << 20, 24, 1L << 30, clock), 1000, 60_000, clock);
  }

  static ScreeningChain chain(Check... extra) {
    PeerTable peers = PeerTable.of(Map.of("local", List.of("127.0.0.0/8")));
    List<Check> checks = new ArrayList<>(List.of(
        new SourcePeerCheck(peers),
        new CallingNumberCheck(),
        new NumberListCheck("block_list", NumberList.of("block.txt", BLOCKED)),
        new NumberListCheck("tag_list", NumberList.of("suspect.txt", TAGGED),
            NumberListCheck.tag(Optional.of("SPAM?"), Optional.empty()))));
    checks.addAll(List.of(extra));
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY, checks);
  }

  /** Every record written, by Call-ID. */
  Map<String, JsonNode> records() throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (DecisionFiles.Segment s : DecisionFiles.list(dir)) {
      for (String line : Files.readAllLines(s.path())) {
        JsonNode n = JSON.readTree(line);
        out.put(n.get("call_id").asText(), n);
      }
    }
    return out;
  }

  static String withCallId(String message, String callId) {
    return message.replace("Call-ID: call-1@uac.example", "Call-ID: " + callId);
  }

  @Test
  void recordsEachScreenedInviteWithWhatWentOnTheWire() throws IOException {
    DecisionRecorder recorder = recorder();
    StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"), chain(), metrics, RecordingSink.of(recorder));
    String ruri = "sip:+12025550100@127.0.0.1;user=phone";
    proxy.process(in(withCallId(invite(ruri, "<sip:" + BLOCKED + "@uac.example;user=phone>;tag=f1"),
        "blocked"), UAC));
    proxy.process(in(withCallId(invite(ruri, "\"Bob\" <sip:" + TAGGED + "@uac.example;user=phone>;tag=f1"),
        "tagged"), UAC));
    proxy.process(in(withCallId(invite(ruri, "<sip:+13035550100@uac.example;user=phone>;tag=f1",
        "P-Asserted-Identity: <tel:+13035550111>"), "clean"), UAC));
    proxy.process(in(withCallId(invite("sip:911@127.0.0.1",
        "<sip:" + BLOCKED + "@uac.example;user=phone>;tag=f1"), "emergency"), UAC));
    proxy.process(in(withCallId(invite(ruri, "<sip:+13035550100@uac.example>;tag=f1"), "unknown"),
        UNKNOWN));
    // Not screened, so not recorded: an OPTIONS, and an in-dialog INVITE.
    proxy.process(in(withCallId(invite(ruri, "<sip:+13035550100@uac.example>;tag=f1"), "opt")
        .replace("INVITE ", "OPTIONS ").replace("CSeq: 1 INVITE", "CSeq: 1 OPTIONS"), UAC));
    proxy.process(in(withCallId(invite(ruri, "<sip:+13035550100@uac.example>;tag=f1"), "reinvite")
        .replace("To: <sip:+12025550100@127.0.0.1;user=phone>", "To: <sip:+12025550100@127.0.0.1>;tag=t"),
        UAC));
    recorder.close();

    Map<String, JsonNode> r = records();
    assertThat(r.keySet()).containsExactly("blocked", "tagged", "clean", "emergency", "unknown");

    JsonNode blocked = r.get("blocked");
    assertThat(blocked.get("time").asText()).isEqualTo("2026-11-28T19:04:05.123Z");
    assertThat(blocked.get("peer").asText()).isEqualTo("local");
    assertThat(blocked.get("source").asText()).isEqualTo("127.0.0.2:40000");
    assertThat(blocked.get("transport").asText()).isEqualTo("udp");
    assertThat(blocked.get("caller").asText()).isEqualTo(BLOCKED);
    assertThat(blocked.get("callee").asText()).isEqualTo("+12025550100");
    assertThat(blocked.get("caller_raw").asText()).isEqualTo("<sip:" + BLOCKED + "@uac.example;user=phone>;tag=f1");
    assertThat(blocked.get("callee_raw").asText()).isEqualTo(ruri);
    assertThat(blocked.get("result").asText()).isEqualTo("rejected");
    assertThat(blocked.get("delivery").asText()).isEqualTo("answered");
    assertThat(blocked.get("status").asInt()).isEqualTo(603);
    assertThat(blocked.get("reason").asText()).isEqualTo("Decline");
    assertThat(blocked.get("decided_by").asText()).isEqualTo("block_list");
    assertThat(blocked.get("fired").toString()).contains("{\"check\":\"block_list\",\"category\":\"reject\"}");

    JsonNode tagged = r.get("tagged");
    assertThat(tagged.get("result").asText()).isEqualTo("tagged");
    assertThat(tagged.get("delivery").asText()).isEqualTo("forwarded");
    assertThat(tagged.get("status").isNull()).isTrue();
    assertThat(tagged.get("next_hop").asText()).isEqualTo(UAS.getAddress().getHostAddress() + ":"
        + UAS.getPort());
    assertThat(tagged.get("tags").toString()).isEqualTo("[{\"label\":\"SPAM?\"}]");

    JsonNode clean = r.get("clean");
    assertThat(clean.get("caller").asText()).as("from P-Asserted-Identity").isEqualTo("+13035550111");
    assertThat(clean.get("caller_raw").asText()).isEqualTo("<tel:+13035550111>");
    assertThat(clean.get("result").asText()).isEqualTo("forwarded");
    assertThat(clean.get("fired").toString()).isEqualTo("[]");

    JsonNode emergency = r.get("emergency");
    assertThat(emergency.get("result").asText()).isEqualTo("emergency");
    assertThat(emergency.get("delivery").asText()).isEqualTo("forwarded");
    assertThat(emergency.get("callee").isNull()).isTrue();
    assertThat(emergency.get("callee_raw").asText()).isEqualTo("sip:911@127.0.0.1");

    JsonNode unknown = r.get("unknown");
    assertThat(unknown.get("peer").isNull()).isTrue();
    assertThat(unknown.get("source").asText()).isEqualTo("192.0.2.1:5060");
    assertThat(unknown.get("status").asInt()).isEqualTo(403);
    assertThat(unknown.get("decided_by").asText()).isEqualTo("source_peer");
  }

  @Test
  void recordsACallDecidedLaterWhenTheAnswerArrives() throws Exception {
    CompletableFuture<Verdict> answer = new CompletableFuture<>();
    Check remote = new Check() {
      @Override
      public String name() {
        return "remote";
      }

      @Override
      public Verdict check(ScreenedCall call) {
        return new Verdict.Later(answer);
      }
    };
    DecisionRecorder recorder = recorder();
    StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"), chain(remote),
        metrics, RecordingSink.of(recorder));
    ProxyAction action = proxy.process(in(withCallId(invite("sip:+12025550100@127.0.0.1",
        "<sip:+13035550100@uac.example>;tag=f1"), "later"), UAC));
    assertThat(action).isInstanceOf(ProxyAction.Pending.class);
    answer.complete(new Verdict.Reject(486, "Busy Here", List.of()));
    ProxyAction done = ((ProxyAction.Pending) action).action().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(done).isInstanceOf(ProxyAction.Send.class);
    recorder.close();
    JsonNode later = records().get("later");
    assertThat(later.get("status").asInt()).isEqualTo(486);
    assertThat(later.get("decided_by").asText()).isEqualTo("remote");
    assertThat(records()).hasSize(1);
  }

  @Test
  void recordsACallForwardedUnscreenedWhenTheChainFails() throws IOException {
    Check broken = new Check() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public Verdict check(ScreenedCall call) {
        return Verdict.CONTINUE;
      }

      @Override
      public String outcomeLabel(Verdict verdict, ScreenedCall call) {
        throw new IllegalStateException("bug"); // in the chain's own work, not in a check's verdict
      }
    };
    DecisionRecorder recorder = recorder();
    StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"), chain(broken),
        metrics, RecordingSink.of(recorder));
    proxy.process(in(withCallId(invite("sip:+12025550100@127.0.0.1",
        "<sip:+13035550100@uac.example>;tag=f1"), "failed"), UAC));
    recorder.close();
    JsonNode failed = records().get("failed");
    assertThat(failed.get("result").asText()).isEqualTo("unscreened");
    assertThat(failed.get("delivery").asText()).isEqualTo("forwarded");
    assertThat(failed.get("source").asText()).isEqualTo("127.0.0.2:40000");
  }

  @Test
  void theRecordShowsTheVerstatThatWentOnTheWireWhenTwoChecksSetOne() throws IOException {
    DecisionRecorder recorder = recorder();
    Check noValidation = new Check() {
      @Override
      public String name() {
        return "stir_shaken";
      }

      @Override
      public Verdict check(ScreenedCall call) {
        return new Verdict.Tag(List.of(new org.sipscreen.screening.CallTag.Verstat("No-TN-Validation")));
      }
    };
    PeerTable peers = PeerTable.of(Map.of("local", List.of("127.0.0.0/8")));
    ScreeningChain chain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
        List.of(new SourcePeerCheck(peers), new CallingNumberCheck(),
            new NumberListCheck("tag_list", NumberList.of("suspect.txt", TAGGED),
                NumberListCheck.tag(Optional.empty(), Optional.of("TN-Validation-Failed"))),
            noValidation));
    StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"), chain, metrics, RecordingSink.of(recorder));
    String out = StatelessProxyTest.sentTo(proxy.process(in(withCallId(invite(
        "sip:+12025550100@127.0.0.1;user=phone", "<sip:" + TAGGED + "@uac.example;user=phone>;tag=f1"),
        "two-verstats"), UAC)), UAS, Transport.UDP);
    recorder.close();
    assertThat(out).contains(";verstat=TN-Validation-Failed@").doesNotContain("No-TN-Validation");
    JsonNode tags = records().get("two-verstats").get("tags");
    assertThat(tags.toString()).isEqualTo("[{\"verstat\":\"TN-Validation-Failed\"}]");
  }

  @Test
  void aRetransmittedInviteIsRecordedOnce() throws IOException {
    DecisionRecorder recorder = recorder();
    StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"), chain(), metrics, RecordingSink.of(recorder));
    String invite = withCallId(invite("sip:+12025550100@127.0.0.1",
        "<sip:" + BLOCKED + "@uac.example>;tag=f1"), "retransmitted");
    proxy.process(in(invite, UAC));
    proxy.process(in(invite, UAC));
    proxy.process(in(invite, UAC));
    // A new transaction of the same call (new branch, CSeq) is a new record.
    proxy.process(in(invite.replace("z9hG4bK-uac-1", "z9hG4bK-uac-2").replace("CSeq: 1", "CSeq: 2"), UAC));
    recorder.close();
    List<String> lines = new ArrayList<>();
    for (DecisionFiles.Segment s : DecisionFiles.list(dir)) {
      lines.addAll(Files.readAllLines(s.path()));
    }
    assertThat(lines).hasSize(2);
    assertThat(recorder.retransmissions()).as("copies never reach the recorder").isZero();
    assertThat(metrics.counterValue("sipscreen_retransmissions", "answered")).isEqualTo(2);
  }
}
