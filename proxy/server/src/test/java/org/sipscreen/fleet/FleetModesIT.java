package org.sipscreen.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.flood.BanStore;
import org.sipscreen.flood.MemoryBanStore;
import org.sipscreen.flood.SourceKey;
import org.sipscreen.screening.check.reputation.ReputationAnswer;
import org.sipscreen.screening.check.reputation.SharedAnswers;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.RedisCluster;
import org.sipscreen.testkit.RedisSentinel;

/**
 * Shared velocity, bans and reputation answers through a real 3-master Redis Cluster ({@code redis-cli
 * --cluster create}) and through a Sentinel-managed master, both started by the test on loopback ports: two
 * members see each other's counts for callers whose keys hash to every master.
 */
@Timeout(180)
class FleetModesIT {

  /** Callers enough for their hash tags to land on all three masters. */
  private static final List<Long> CALLERS = java.util.stream.LongStream.range(0, 24)
      .map(i -> 12025550100L + i).boxed().toList();

  @TempDir
  Path dir;

  @BeforeEach
  void redisInstalled() {
    assumeTrue(RedisCluster.installed(), "redis-server or redis-cli is not installed (apt-get install"
        + " redis-server; .ci/run installs it): the cluster and Sentinel tests cannot run");
  }

  private record Member(FleetState fleet, BanStore bans) implements AutoCloseable {
    @Override
    public void close() {
      fleet.close();
    }
  }

  private Member member(String mode, List<String> nodes, String master, String id) throws Exception {
    Path config = Files.writeString(dir.resolve(id + ".yaml"), "screening: {}\n");
    FleetConfig c = new FleetConfig(mode, nodes, master, null, null, null, null, id, Duration.ofMillis(50),
        Duration.ofMillis(500), "test:", null, true, true);
    FleetState fleet = new FleetState(c, config, new PrometheusRegistry(),
        () -> new FleetMember(id, "test", "http://127.0.0.1:1", "h", Map.of(), "", System.currentTimeMillis()));
    BanStore bans = fleet.shareBans(new MemoryBanStore(Ticker.systemTicker(), Clock.systemUTC(), 100));
    fleet.start();
    Await.until(id + " joined through " + mode, fleet::up);
    return new Member(fleet, bans);
  }

  /** redis-cli against the setup (following cluster redirections). */
  private interface RedisCli {
    String run(String... args) throws Exception;
  }

  /**
   * a counts 3 calls of every caller; b, after one call each, sees them; a, at its next call, sees b's; a
   * ban and a reputation answer cross too.
   */
  private static void sharesCountsAndBans(Member a, Member b, RedisCli redis) {
    for (long caller : CALLERS) {
      for (int i = 0; i < 3; i++) {
        a.fleet().counts().callerCall(caller);
      }
    }
    for (long caller : CALLERS) {
      Await.until("a's calls of " + caller + " in Redis", () -> redis.run("EXISTS", "test:v:{c:" + caller + "}:a")
          .trim().equals("1"));
    }
    for (long caller : CALLERS) {
      b.fleet().counts().callerCall(caller);
    }
    for (long caller : CALLERS) {
      Await.until("b sees a's 3 calls of " + caller,
          () -> b.fleet().counts().callerOthers(caller).perMinute() == 3);
    }
    for (long caller : CALLERS) {
      a.fleet().counts().callerCall(caller); // its answer carries b's call
    }
    for (long caller : CALLERS) {
      Await.until("a sees b's call of " + caller,
          () -> a.fleet().counts().callerOthers(caller).perMinute() == 1);
    }
    long source = SourceKey.parse("198.51.100.9");
    a.bans().ban(source, Optional.empty(), Duration.ofMinutes(1));
    Await.until("b sees a's ban", () -> b.bans().banned(source));
    Await.until("both in the member table", () -> a.fleet().view().members().size() == 2);
    ReputationAnswer robocall = new ReputationAnswer.Scored(97, "robocall");
    SharedAnswers fromA = a.fleet().reputation().orElseThrow();
    SharedAnswers fromB = b.fleet().reputation().orElseThrow();
    fromA.put("+15035550100", robocall, Duration.ofMinutes(1));
    Await.until("b reads a's reputation answer", () -> fromB.get("+15035550100").toCompletableFuture().get()
        .equals(Optional.of(robocall)));
  }

  @Test
  void throughAThreeMasterRedisCluster() throws Exception {
    try (RedisCluster cluster = RedisCluster.start(dir.resolve("cluster"));
        Member a = member("cluster", cluster.nodes(), null, "a");
        Member b = member("cluster", cluster.nodes(), null, "b")) {
      sharesCountsAndBans(a, b, args -> cluster.cli(cluster.ports().get(0), args));
      List<Integer> keysPerMaster = new ArrayList<>();
      for (int port : cluster.ports()) {
        keysPerMaster.add(Integer.parseInt(cluster.cli(port, "DBSIZE").trim()));
      }
      assertThat(keysPerMaster).as("counted keys spread over the masters").allMatch(n -> n > 0);
    }
  }

  /** A master killed (SIGKILL) and failed over to its replica: the members follow the new topology. */
  @Test
  void throughAClusterWhoseMasterFailedOver() throws Exception {
    try (RedisCluster cluster = RedisCluster.start(dir.resolve("replicated"), 1);
        Member a = member("cluster", cluster.nodes(), null, "a");
        Member b = member("cluster", cluster.nodes(), null, "b")) {
      int killed = cluster.masters().get(0);
      cluster.kill(killed);
      Await.until("a replica took over from " + killed, () -> {
        List<Integer> masters = cluster.masters();
        return masters.size() == 3 && !masters.contains(killed);
      });
      // Calls counted before the members follow the new master are not shared (not sent later): wait
      // until calls counted now reach the other member through every master.
      List<Long> probes = java.util.stream.LongStream.range(0, 24).map(i -> 12025559000L + i).boxed().toList();
      Await.until("the members share counts through every master again", () -> {
        for (long caller : probes) {
          a.fleet().counts().callerCall(caller);
          b.fleet().counts().callerCall(caller);
        }
        return probes.stream().allMatch(caller -> b.fleet().counts().callerOthers(caller).perMinute() > 0);
      });
      sharesCountsAndBans(a, b, args -> cluster.cli(cluster.masters().get(0), args));
    }
  }

  @Test
  void throughASentinelManagedMaster() throws Exception {
    try (RedisSentinel sentinel = RedisSentinel.start(dir.resolve("sentinel"));
        Member a = member("sentinel", List.of(sentinel.node()), RedisSentinel.MASTER, "a");
        Member b = member("sentinel", List.of(sentinel.node()), RedisSentinel.MASTER, "b")) {
      sharesCountsAndBans(a, b, args -> sentinel.master().cli(args));
      assertThat(sentinel.master().cli("EXISTS", "test:v:{c:" + CALLERS.get(0) + "}").trim())
          .as("the counts are on the master the Sentinel names").isEqualTo("1");
    }
  }
}
