package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.cli.CheckConfigTest.run;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.RedisServer;

/**
 * Flood bans across a fleet of two running proxies through a real redis-server the test starts: a burst
 * at edge-a bans the source there, {@code sipscreen bans} at edge-b lists it (and edge-b drops the source
 * too), {@code sipscreen unban} at edge-b lifts it on both.
 */
@Timeout(120)
class FleetFloodBansIT {

  /** Test-only token, not a secret. */
  private static final String TEST_TOKEN = "test-token-0123456789abcdef";

  @TempDir
  Path dir;
  private final List<Sipscreen> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(Sipscreen::close);
  }

  private Path start(RedisServer redis, String id, int sipPort) throws Exception {
    Path config = dir.resolve(id + ".yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp]}]
          warmup_calls: 0
        http: {address: 127.0.0.1, port: %d, admin: {token_file: admin.token}}
        peers:
          local: {networks: [127.0.0.1/32]}
        flood:
          window: 10s
          max_requests: 5
          ban: 1h
        fleet:
          nodes: ["%s"]
          instance_id: %s
        """.formatted(sipPort, Ports.free(), redis.node(), id));
    Sipscreen s = Sipscreen.start(Sipscreen.prepare(config));
    running.add(s);
    Await.until(id + " joined the fleet", () -> s.fleet().orElseThrow().up());
    return config;
  }

  private static void burst(int n, int sipPort) throws Exception {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
      for (int i = 0; i < n; i++) {
        byte[] b = ("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:" + socket.getLocalPort()
            + ";branch=z9hG4bK-f" + i + "\r\nMax-Forwards: 70\r\nFrom: <sip:f@127.0.0.2>;tag=" + i
            + "\r\nTo: <sip:127.0.0.1>\r\nCall-ID: flood-" + i + "\r\nCSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(b, b.length, InetAddress.getByName("127.0.0.1"), sipPort));
      }
    }
  }

  @Test
  void aBanAtOneEdgeIsListedAndLiftedAtTheOther() throws Exception {
    Files.writeString(dir.resolve("admin.token"), TEST_TOKEN + "\n");
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      int sipA = Ports.free();
      int sipB = Ports.free();
      Path a = start(redis, "edge-a", sipA);
      Path b = start(redis, "edge-b", sipB);

      burst(50, sipA);
      Await.until("127.0.0.2 banned at edge-a",
          () -> running.get(0).metrics().counterValue("sipscreen_flood_bans_issued") == 1);
      Await.until("edge-b lists the ban", () -> run("bans", "--config", b.toString()).out()
          .startsWith("1 banned; flood control on"));
      assertThat(run("bans", "--config", b.toString()).out()).containsPattern("127\\.0\\.0\\.2 ");
      burst(3, sipB);
      Await.until("edge-b drops the banned source",
          () -> running.get(1).metrics().counterValue("sipscreen_flood_dropped") >= 3);
      assertThat(running.get(1).metrics().counterValue("sipscreen_flood_bans_issued"))
          .as("edge-b issued no ban of its own").isZero();

      CheckConfigTest.Run unban = run("unban", "127.0.0.2", "--config", b.toString());
      assertThat(unban.exitCode()).as(unban.err()).isZero();
      Await.until("edge-a lifts it too", () -> run("bans", "--config", a.toString()).out()
          .startsWith("0 banned"));
    }
  }
}
