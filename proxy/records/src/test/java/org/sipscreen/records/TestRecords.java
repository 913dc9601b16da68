package org.sipscreen.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreeningResult;

/** Decision records for tests, and reading back what was written. */
public final class TestRecords {

  static final ObjectMapper JSON = new ObjectMapper();
  static final InetSocketAddress PEER_A = new InetSocketAddress("198.51.100.7", 5060);

  private TestRecords() {}

  public static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  /** A call from {@code caller} to {@code callee} via peer {@code peer}, forwarded. */
  public static DecisionRecord forwarded(long time, String callId, String caller, String callee, String peer) {
    ScreeningResult s = new ScreeningResult(ScreeningResult.Action.FORWARD, List.of(), Optional.empty(),
        Optional.ofNullable(peer), number(caller), number(callee),
        List.of(new CheckOutcome("emergency", "continue"), new CheckOutcome("source_peer", "continue")), 0,
        List.of(), Optional.empty());
    return new DecisionRecord(time, callId, callId + " 1 z9hG4bK-1", PEER_A, "udp",
        "<sip:" + caller + "@peer.example;user=phone>;tag=1", "sip:" + callee + "@sbc.example", s, null,
        null, null, DecisionRecord.Delivery.FORWARDED, 0, null, new InetSocketAddress("127.0.0.1", 5070),
        "udp");
  }

  /** The same call, rejected by block_list with 603 Decline. */
  public static DecisionRecord rejected(long time, String callId, String caller, String callee, String peer) {
    ScreeningResult s = new ScreeningResult(new ScreeningResult.Action.Reject(603, "Decline", List.of()),
        List.of(), Optional.of("block_list"), Optional.ofNullable(peer), number(caller), number(callee),
        List.of(new CheckOutcome("emergency", "continue"), new CheckOutcome("source_peer", "continue"),
            new CheckOutcome("block_list", "reject")), 0, List.of(), Optional.empty());
    return new DecisionRecord(time, callId, callId + " 1 z9hG4bK-1", PEER_A, "udp",
        "<sip:" + caller + "@peer.example>;tag=1", "sip:" + callee + "@sbc.example", s, null, null, null,
        DecisionRecord.Delivery.ANSWERED, 603, "Decline", null, null);
  }

  static PhoneNumber number(String text) {
    return PhoneNumbers.NANP.fromNumber(text);
  }

  /** Every line of every decision file in {@code dir}, parsed, in file order. */
  public static List<JsonNode> readAll(Path dir) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (DecisionFiles.Segment s : DecisionFiles.list(dir)) {
      for (String line : Files.readAllLines(s.path())) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  /** The file names in {@code dir}, oldest first. */
  static List<String> names(Path dir) throws IOException {
    return DecisionFiles.list(dir).stream().map(s -> s.path().getFileName().toString()).toList();
  }
}
