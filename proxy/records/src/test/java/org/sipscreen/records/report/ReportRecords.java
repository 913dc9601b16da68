package org.sipscreen.records.report;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipscreen.records.CallOutcome;
import org.sipscreen.records.DecisionFiles;
import org.sipscreen.records.DecisionJson;
import org.sipscreen.records.DecisionRecord;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.PolicyDecision;
import org.sipscreen.screening.ScreeningResult;

/**
 * Writes decision records as the proxy writes them (through {@link DecisionJson}), into the hourly files
 * of a directory, for report tests and the report's load measurement.
 */
final class ReportRecords implements AutoCloseable {

  /** The kinds of call a generated record can be. */
  enum Kind {
    FORWARDED, FORWARDED_A, FORWARDED_B, FORWARDED_A_SPC, SIGNATURE_FAILED, TAGGED_NEIGHBOR, REJECTED_N11, REJECTED_DNO,
    BLOCKED_VELOCITY, REJECTED_RMD, EMERGENCY
  }

  private static final InetSocketAddress SOURCE = new InetSocketAddress("198.51.100.7", 5060);
  private static final InetSocketAddress NEXT_HOP = new InetSocketAddress("127.0.0.1", 5070);
  static final String X5U = "https://cert.example/sti/carrier-a.pem";
  /** The SPC of the certificate of {@link Kind#FORWARDED_A_SPC} calls. */
  static final String SPC = "567J";

  private final Path dir;
  private final DecisionJson json = new DecisionJson();
  private final Map<String, OutputStream> open = new HashMap<>();
  private long count;

  ReportRecords(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** Writes one record. */
  void write(long timeMillis, String peer, String caller, Kind kind) throws IOException {
    DecisionRecord r = record(timeMillis, "c" + (count++) + "@gen", peer, caller, "+13105550100", kind);
    int len = json.encode(r);
    append(timeMillis, len);
  }

  /** Writes one call outcome line, as the proxy does for a relayed final response or BYE. */
  void write(CallOutcome o) throws IOException {
    int len = json.encode(o);
    append(o.timeMillis(), len);
  }

  private void append(long timeMillis, int len) throws IOException {
    String name = DecisionFiles.name(DecisionFiles.hourOf(timeMillis), 0);
    OutputStream out = open.get(name);
    if (out == null) {
      for (OutputStream o : open.values()) {
        o.close();
      }
      open.clear();
      out = new java.io.BufferedOutputStream(Files.newOutputStream(dir.resolve(name),
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), 1 << 16);
      open.put(name, out);
    }
    out.write(json.bytes(), 0, len);
  }

  static DecisionRecord record(long time, String callId, String peer, String caller, String callee, Kind kind) {
    var numbers = PhoneNumbers.NANP;
    List<CheckOutcome> outcomes = List.of(new CheckOutcome("source_peer", "continue"));
    ScreeningResult.Action action = ScreeningResult.Action.FORWARD;
    Optional<String> decidedBy = Optional.empty();
    List<PolicyDecision> decisions = List.of();
    List<CallTag> tags = List.of();
    String attestation = null;
    String x5u = null;
    switch (kind) {
      case FORWARDED -> { }
      case FORWARDED_A -> {
        attestation = "A";
        x5u = X5U;
      }
      case FORWARDED_B -> {
        attestation = "B";
        x5u = X5U;
      }
      case FORWARDED_A_SPC -> {
        attestation = "A";
        x5u = X5U;
        tags = List.of(new CallTag.Verstat(CallTag.Verstat.PASSED), new CallTag.Signer(SPC));
      }
      case SIGNATURE_FAILED -> x5u = X5U;
      case TAGGED_NEIGHBOR -> {
        decisions = List.of(new PolicyDecision("neighbor_spoofing", "npa_nxx_match", 40, PolicyAction.TAG, false));
        tags = List.of(new CallTag.DisplayLabel("SPAM?"));
      }
      case REJECTED_N11 -> {
        decisions = List.of(new PolicyDecision("invalid_number", "n11_nxx", 70,
            PolicyAction.REJECT_DETERMINISTIC, false));
        decidedBy = Optional.of("invalid_number");
        action = new ScreeningResult.Action.Reject(608, "Rejected", List.of());
      }
      case REJECTED_DNO -> {
        decisions = List.of(new PolicyDecision("do_not_originate", "dno", 100,
            PolicyAction.REJECT_DETERMINISTIC, false));
        decidedBy = Optional.of("do_not_originate");
        action = new ScreeningResult.Action.Reject(608, "Rejected", List.of());
      }
      case BLOCKED_VELOCITY -> {
        decisions = List.of(new PolicyDecision("velocity", "caller_per_second", 60,
            PolicyAction.REJECT_ANALYTICS, false));
        decidedBy = Optional.of("velocity");
        action = new ScreeningResult.Action.Reject(603, "Network Blocked", List.of());
      }
      case REJECTED_RMD -> {
        decisions = List.of(new PolicyDecision("rmd", "not_listed", 0, PolicyAction.REJECT_DETERMINISTIC,
            false));
        decidedBy = Optional.of("rmd");
        action = new ScreeningResult.Action.Reject(403, "Provider Not In Robocall Mitigation Database",
            List.of());
      }
      case EMERGENCY -> {
        decidedBy = Optional.of("emergency");
        outcomes = List.of(new CheckOutcome("emergency", "bypass"));
      }
      default -> throw new IllegalArgumentException(kind.toString());
    }
    ScreeningResult s = new ScreeningResult(action, tags, decidedBy, Optional.ofNullable(peer),
        numbers.fromNumber(caller), numbers.fromNumber(kind == Kind.EMERGENCY ? "911" : callee), outcomes,
        decisions.stream().mapToInt(PolicyDecision::score).sum(), decisions, Optional.empty());
    boolean answered = action instanceof ScreeningResult.Action.Reject;
    int status = answered ? ((ScreeningResult.Action.Reject) action).status() : 0;
    String reason = answered ? ((ScreeningResult.Action.Reject) action).reasonPhrase() : null;
    return new DecisionRecord(time, callId, callId + " 1 z9hG4bK-1", SOURCE, "udp",
        "<sip:" + caller + "@peer.example;user=phone>;tag=1", "sip:" + callee + "@sbc.example", s,
        attestation, attestation == null ? null : "0a1b2c3d", x5u,
        answered ? DecisionRecord.Delivery.ANSWERED : DecisionRecord.Delivery.FORWARDED, status, reason,
        answered ? null : NEXT_HOP, answered ? null : "udp");
  }

  long count() {
    return count;
  }

  @Override
  public void close() throws IOException {
    for (OutputStream o : open.values()) {
      o.close();
    }
    open.clear();
  }
}
