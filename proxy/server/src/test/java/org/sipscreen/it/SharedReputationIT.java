package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.RedisCluster;
import org.sipscreen.testkit.RedisServer;

/**
 * Two sipscreen instances in one fleet through a real redis-server the test starts, a stub reputation
 * service counting its requests per number: with {@code share_reputation} the service is asked once per
 * number for the fleet, without it once per instance, and with Redis down each instance asks the service
 * itself and calls are screened as on one instance. Through a 3-master Redis Cluster too, where the answers
 * spread over the masters.
 */
@Timeout(180)
class SharedReputationIT {

  private static final String BAD = "+15034441234";
  /** Numbers the service does not know, each called once at every instance. */
  private static final List<String> UNKNOWN = java.util.stream.IntStream.range(0, 40)
      .mapToObj(i -> "+1503444" + (5000 + i)).toList();

  @TempDir
  Path dir;

  private HttpServer stub;
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private WireProbe probe;
  private final List<Sipscreen> running = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    stub.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    stub.createContext("/v1/reputation/", exchange -> {
      String number = exchange.getRequestURI().getPath().substring("/v1/reputation/".length());
      requests.computeIfAbsent(number, n -> new AtomicInteger()).incrementAndGet();
      byte[] body = number.equals(BAD)
          ? "{\"score\": 97, \"category\": \"robocall\"}".getBytes(StandardCharsets.UTF_8) : new byte[0];
      exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    stub.start();
    probe = new WireProbe();
  }

  @AfterEach
  void stop() {
    running.forEach(Sipscreen::close);
    probe.close();
    stub.stop(0);
  }

  private int instance(RedisServer redis, String id, boolean share) throws Exception {
    return instance("nodes: [\"" + redis.node() + "\"]", id, share);
  }

  /** An instance whose fleet section starts with {@code redis} (the mode and nodes). */
  private int instance(String redis, String id, boolean share) throws Exception {
    int sip = Ports.free();
    Path config = dir.resolve(id + ".yaml");
    Files.writeString(config, """
        sip:
          listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
          warmup_calls: 0
        routing: { default_route: "%s" }
        http: { address: 127.0.0.1, port: 0 }
        peers:
          local: { networks: [127.0.0.0/8] }
        screening:
          reputation:
            url: "http://127.0.0.1:%d/v1/reputation/{number}"
            deadline: 2s
            connect_timeout: 10s
            request_timeout: 10s
            lookup_timeout: 10s
            action: score
          policy:
            block_score: 90
            redress_url: https://redress.example.net/sipscreen
        fleet:
          %s
          instance_id: %s
          deadline: 500ms
          share_reputation: %s
        """.formatted(sip, probe.nextHopUri(), stub.getAddress().getPort(), redis, id, share));
    Sipscreen s = Sipscreen.start(Sipscreen.prepare(config));
    running.add(s);
    Await.until(id + " joined the fleet", () -> s.fleet().orElseThrow().up());
    return sip;
  }

  private static byte[] invite(String caller, String callId) {
    return ("INVITE sip:+13107940100@127.0.0.1;user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:" + caller + "@127.0.0.1;user=phone>;tag=a\r\nTo: <sip:+13107940100@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** One call from each number to the instance on {@code port}: the bad one refused, the others forwarded. */
  private void callEach(int port, String tag) throws Exception {
    probe.target(port);
    WireProbe.Outcome bad = probe.sendAndWait(invite(BAD, "bad-" + tag), 6000);
    assertThat(bad.status()).as("the bad number at %s", tag).isEqualTo(603);
    for (String n : UNKNOWN) {
      assertThat(probe.sendAndWait(invite(n, n + "-" + tag), 6000).wasForwarded())
          .as("%s at %s", n, tag).isTrue();
    }
  }

  private static double fleetAnswers(Sipscreen s) {
    return s.metrics().registry().scrape(n -> n.equals("sipscreen_fleet_reputation_lookups")).stream()
        .flatMap(m -> m.getDataPoints().stream())
        .filter(dp -> "fleet".equals(dp.getLabels().get("answer")))
        .mapToDouble(dp -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) dp)
            .getValue())
        .sum();
  }

  private int total() {
    return requests.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  private int asked(String number) {
    AtomicInteger n = requests.get(number);
    return n == null ? 0 : n.get();
  }

  @Test
  void theServiceIsAskedOncePerNumberForTheFleetAndPerInstanceWithRedisDown() throws Exception {
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      int a = instance(redis, "edge-a", true);
      int b = instance(redis, "edge-b", true);
      callEach(a, "a");
      Await.until("the answers in Redis", () -> redis.cli("EXISTS", "sipscreen:r:" + UNKNOWN.get(UNKNOWN.size() - 1)).trim()
          .equals("1"));
      assertThat(redis.cli("GET", "sipscreen:r:" + BAD).trim()).isEqualTo("s:97:robocall");
      assertThat(Long.parseLong(redis.cli("PTTL", "sipscreen:r:" + BAD).trim()))
          .as("expires with the reputation TTL").isPositive();
      callEach(b, "b");
      assertThat(asked(BAD)).as("the bad number, asked by two instances").isEqualTo(1);
      for (String n : UNKNOWN) {
        assertThat(asked(n)).as("%s (not found, shared too)", n).isEqualTo(1);
      }
      assertThat(fleetAnswers(running.get(1))).as("edge-b's lookups answered by the fleet")
          .isEqualTo(UNKNOWN.size() + 1);
      System.out.printf("RESULT share_reputation=true: %d service requests for %d numbers called at 2"
          + " instances%n", total(), UNKNOWN.size() + 1);

      redis.kill();
      Await.until("edge-b screens alone", () -> !running.get(1).fleet().orElseThrow().up());
      probe.target(b);
      String fresh = "+15034446001";
      assertThat(probe.sendAndWait(invite(fresh, "fresh-b"), 6000).wasForwarded()).isTrue();
      probe.target(a);
      assertThat(probe.sendAndWait(invite(fresh, "fresh-a"), 6000).wasForwarded()).isTrue();
      assertThat(asked(fresh)).as("Redis down: each instance asks the service").isEqualTo(2);
    }
  }

  @Test
  void throughARedisClusterTheServiceIsAskedOncePerNumberForTheFleet() throws Exception {
    try (RedisCluster cluster = RedisCluster.start(dir.resolve("cluster"))) {
      String redis = "mode: cluster\n  nodes: [\"" + String.join("\", \"", cluster.nodes()) + "\"]";
      int a = instance(redis, "edge-a", true);
      int b = instance(redis, "edge-b", true);
      callEach(a, "a");
      int first = cluster.ports().get(0);
      for (String n : UNKNOWN) {
        Await.until(n + "'s answer in the cluster", () -> cluster.cli(first, "EXISTS", "sipscreen:r:" + n).trim()
            .equals("1"));
      }
      assertThat(cluster.cli(first, "GET", "sipscreen:r:" + BAD).trim()).isEqualTo("s:97:robocall");
      for (int port : cluster.ports()) {
        assertThat(cluster.cli(port, "KEYS", "sipscreen:r:*").trim()).as("answers on the master at %d", port)
            .isNotEmpty();
      }
      callEach(b, "b");
      assertThat(asked(BAD)).as("the bad number, asked by two instances").isEqualTo(1);
      for (String n : UNKNOWN) {
        assertThat(asked(n)).as("%s (not found, shared too)", n).isEqualTo(1);
      }
      assertThat(fleetAnswers(running.get(1))).as("edge-b's lookups answered by the fleet")
          .isEqualTo(UNKNOWN.size() + 1);
    }
  }

  @Test
  void withoutSharingEachInstanceAsksTheService() throws Exception {
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      int a = instance(redis, "edge-a", false);
      int b = instance(redis, "edge-b", false);
      callEach(a, "a");
      callEach(b, "b");
      assertThat(asked(BAD)).isEqualTo(2);
      for (String n : UNKNOWN) {
        assertThat(asked(n)).isEqualTo(2);
      }
      assertThat(redis.cli("KEYS", "sipscreen:r:*").trim()).isEmpty();
      System.out.printf("RESULT share_reputation=false: %d service requests for %d numbers called at 2"
          + " instances%n", total(), UNKNOWN.size() + 1);
    }
  }
}
