package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.fleet.FleetView;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.RedisServer;

/**
 * The RMD gate's block-all in a fleet of two members through a real redis-server: the gate's decision is
 * not shared, each member judges a peer by the RMD file it runs. While one member runs a newer file (the
 * FCC removed the peer's filing) the two disagree, and the fleet view names the difference
 * ({@code list:rmd}); once both run the same file, both refuse the peer's calls and nothing drifts.
 */
@Timeout(120)
class FleetRmdAgreementIT {

  private static final String HEADER = "RMD Number,Business Name,FRN\n";
  /** Carrier A (RMD0099001) listed. */
  private static final String BEFORE = HEADER + "RMD0099001,Example Carrier A,0099000101\n"
      + "RMD0099002,Fictional Transit Networks,0099000102\n" + "RMD0099003,Sample Voice,0099000103\n";
  /** The next export: Carrier A's filing removed, another provider added. */
  private static final String AFTER = HEADER + "RMD0099002,Fictional Transit Networks,0099000102\n"
      + "RMD0099003,Sample Voice,0099000103\n" + "RMD0099004,Another Provider,0099000104\n";

  @TempDir
  Path dir;

  private WireProbe probe;
  private final List<Sipscreen> running = new ArrayList<>();

  @BeforeEach
  void probe() throws Exception {
    probe = new WireProbe();
  }

  @AfterEach
  void stop() {
    running.forEach(Sipscreen::close);
    probe.close();
  }

  private record Member(Sipscreen sipscreen, int sipPort, Path rmdFile) {}

  private Member member(RedisServer redis, String id) throws Exception {
    Path folder = Files.createDirectories(dir.resolve(id));
    Path rmd = Files.writeString(folder.resolve("rmd.csv"), BEFORE);
    int sip = Ports.free();
    Path config = Files.writeString(folder.resolve("sipscreen.yaml"), """
        sip:
          listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
          warmup_calls: 0
        routing: { default_route: "%s" }
        http: { address: 127.0.0.1, port: 0 }
        peers:
          carrier-a: { networks: [127.0.0.0/8], checks: { rmd: { record: RMD0099001 } } }
        screening:
          rmd: { file: rmd.csv, action: reject_deterministic, max_drop_share: 1 }
        fleet:
          nodes: ["%s"]
          instance_id: %s
        """.formatted(sip, probe.nextHopUri(), redis.node(), id));
    Sipscreen s = Sipscreen.start(Sipscreen.prepare(config));
    running.add(s);
    Await.until(id + " joined the fleet", () -> s.fleet().orElseThrow().up());
    return new Member(s, sip, rmd);
  }

  private static byte[] invite(String callId) {
    return ("INVITE sip:+13107940100@127.0.0.1;user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:+13125550100@127.0.0.1;user=phone>;tag=a\r\nTo: <sip:+13107940100@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** What the member does with a call of carrier A: "forwarded" or "answered 403". */
  private String callOf(Member m, String callId) throws Exception {
    return probe.target(m.sipPort()).send(invite(callId)).describe();
  }

  /** Publishes {@code content} as the member's RMD file (write and rename) and reloads it. */
  private static void publish(Member m, String content) throws Exception {
    Path next = Files.writeString(m.rmdFile().resolveSibling("rmd.csv.new"), content);
    Files.move(next, m.rmdFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    assertThat(m.sipscreen().reloader().reload("test").get().applied()).as("reload applied").isTrue();
  }

  private static FleetView view(Member m) {
    try {
      return m.sipscreen().fleet().orElseThrow().readView().get();
    } catch (Exception e) {
      return new FleetView(List.of());
    }
  }

  @Test
  void membersAgreeOnAnUnlistedPeerThroughTheSameFileAndTheViewNamesAnOlderOne() throws Exception {
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      Member a = member(redis, "edge-a");
      Member b = member(redis, "edge-b");
      assertThat(callOf(a, "listed-a")).isEqualTo("forwarded");
      assertThat(callOf(b, "listed-b")).isEqualTo("forwarded");
      Await.until("both members, no drift", () -> view(a).members().size() == 2 && view(a).drifting() == 0);

      publish(a, AFTER);
      assertThat(callOf(a, "newer-file-a")).as("edge-a runs the newer file").isEqualTo("answered 403");
      assertThat(callOf(b, "older-file-b")).as("edge-b still runs the older file: not shared")
          .isEqualTo("forwarded");
      Await.until("the view names the RMD file's difference", () -> view(b).members().stream()
          .anyMatch(row -> row.drift().equals(List.of("list:rmd"))));
      assertThat(view(b).drifting()).isEqualTo(1);

      publish(b, AFTER);
      assertThat(callOf(b, "same-file-b")).isEqualTo("answered 403");
      assertThat(callOf(a, "same-file-a")).isEqualTo("answered 403");
      Await.until("no drift once both run the same file", () -> view(a).members().size() == 2
          && view(a).drifting() == 0);
    }
  }
}
