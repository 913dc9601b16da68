package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.fleet.FleetState;
import org.sipscreen.fleet.FleetView;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.RedisServer;
import org.sipscreen.testkit.Sipp;

/**
 * Three sipscreen instances in one fleet through a real redis-server the test starts, SIPp calls from one
 * caller spread evenly over them: the fleet's velocity limit holds for the caller as a whole (within the
 * bound the exchange's staleness sets), a caller under the limit is never refused, and a Redis outage
 * fails open (every call still screened and answered) and heals on its own.
 */
@Timeout(300)
class FleetThroughProxyIT {

  private static final String ROBOCALLER = "+12025550123";
  private static final String LEGITIMATE = "+13125550100";

  @TempDir
  Path dir;

  @BeforeAll
  static void sipp() throws Exception {
    Sipp.requireInstalled();
  }

  private record Instance(int sipPort, Sipscreen running) {
    double velocity(String outcome) {
      return running.metrics().counterValue("sipscreen_screening_outcomes", "velocity", outcome);
    }

    FleetState fleet() {
      return running.fleet().orElseThrow();
    }
  }

  private List<Instance> startFleet(RedisServer redis, int uasPort, String velocity) throws Exception {
    List<Instance> fleet = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int sipPort = Ports.free();
      Path config = dir.resolve("sipscreen-" + i + ".yaml");
      Files.writeString(config, """
          sip:
            listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
            warmup_calls: 0
          routing:
            default_route: sip:127.0.0.1:%d
          http: { address: 127.0.0.1, port: 0 }
          peers:
            local: { networks: [127.0.0.0/8] }
          screening:
            velocity: %s
            policy: { redress_url: https://redress.example.net/sipscreen }
          fleet:
            nodes: ["%s"]
            instance_id: edge-%d
            staleness: 100ms
            deadline: 200ms
          """.formatted(sipPort, uasPort, velocity, redis.node(), i));
      fleet.add(new Instance(sipPort, Sipscreen.start(Sipscreen.prepare(config))));
    }
    for (Instance i : fleet) {
      Await.until("edge joined the fleet", () -> i.fleet().up());
    }
    return fleet;
  }

  /** One SIPp uac per instance, all at once, each {@code calls} calls at {@code rate} from {@code caller}. */
  private List<Sipp.Result> spread(List<Instance> fleet, String scenario, String caller, int calls, int rate)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(fleet.size());
    try {
      List<Future<Sipp.Result>> runs = new ArrayList<>();
      for (Instance i : fleet) {
        runs.add(pool.submit(() -> Sipp.uac(dir, scenario, i.sipPort(), "u1", calls, rate,
            "+13015550199", Sipp.caller(caller))));
      }
      List<Sipp.Result> results = new ArrayList<>();
      for (Future<Sipp.Result> r : runs) {
        results.add(r.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void closeAll(List<Instance> fleet) {
    fleet.forEach(i -> i.running().close());
  }

  @Test
  void theFleetLimitHoldsForOneCallerSpreadOverThreeInstances() throws Exception {
    int limit = 12;
    int uasPort = Ports.free();
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      List<Instance> fleet = startFleet(redis, uasPort,
          "{ caller_per_minute: " + limit + ", action: reject_analytics }");
      Process uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", 10_000);
      try {
        // Under the limit, spread over the fleet: never refused.
        List<Sipp.Result> legitimate = spread(fleet, "uac-call.xml", LEGITIMATE, 3, 2);
        for (Sipp.Result r : legitimate) {
          assertThat(r.failed()).as(r.output()).isZero();
          assertThat(r.successful()).as(r.output()).isEqualTo(3);
        }
        double before = fleet.stream().mapToDouble(i -> i.velocity("continue")).sum();
        assertThat(before).isEqualTo(9);

        // 15 calls per instance at 4 calls/s: 45 in all, each instance alone would forward 12 of its 15.
        List<Sipp.Result> robocalls = spread(fleet, "uac-forward-or-reject.xml", ROBOCALLER, 15, 4);
        for (Sipp.Result r : robocalls) {
          assertThat(r.failed()).as(r.output()).isZero();
        }
        double forwarded = fleet.stream().mapToDouble(i -> i.velocity("continue")).sum() - before;
        double refused = fleet.stream().mapToDouble(i -> i.velocity("caller_per_minute")).sum();
        assertThat(forwarded + refused).isEqualTo(45);
        System.out.printf("fleet accuracy: limit %d, 3 instances x 15 calls at 4/s, forwarded %.0f%n", limit,
            forwarded);
        // The fleet forwards the limit and at most what arrives within the exchange's lag: the calls of
        // the other instances in the last two staleness intervals (here about 2 calls; 6 allowed).
        assertThat(forwarded).as("calls forwarded by the fleet").isBetween((double) limit, limit + 6.0);
      } finally {
        uas.destroy();
        closeAll(fleet);
      }
    }
  }

  @Test
  void aRedisOutageFailsOpenAndTheFleetHealsOnItsOwn() throws Exception {
    int uasPort = Ports.free();
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      List<Instance> fleet = startFleet(redis, uasPort, "{ caller_per_minute: 100000, action: reject_analytics }");
      Process uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", 10_000);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<List<Sipp.Result>> load = pool.submit(() -> spread(fleet, "uac-call.xml", LEGITIMATE, 200, 20));
        Await.until("calls screened", () -> fleet.stream().mapToDouble(i -> i.velocity("continue")).sum() >= 60);
        redis.kill();
        for (Instance i : fleet) {
          Await.until("breaker open", () -> !i.fleet().up());
        }
        double atOutage = fleet.stream().mapToDouble(i -> i.velocity("continue")).sum();
        Await.until("calls screened during the outage",
            () -> fleet.stream().mapToDouble(i -> i.velocity("continue")).sum() >= atOutage + 60);
        redis.restart();
        for (Instance i : fleet) {
          Await.until("breaker closed again", () -> i.fleet().up());
        }
        for (Sipp.Result r : load.get()) {
          assertThat(r.failed()).as(r.output()).isZero();
          assertThat(r.successful()).as(r.output()).isEqualTo(200);
        }
        for (Instance i : fleet) {
          assertThat(i.running().metrics().registry().scrape(n -> n.equals("sipscreen_fleet_breaker_transitions")))
              .as("transitions of " + i.fleet().instanceId()).isNotEmpty();
          assertThat(FleetStateMetrics.transitions(i, "open")).isEqualTo(1);
          assertThat(FleetStateMetrics.transitions(i, "closed")).isEqualTo(1);
        }
        Await.until("the fleet view lists all three again", () -> {
          try {
            FleetView view = fleet.get(0).fleet().readView().get();
            return view.members().size() == 3 && view.drifting() == 0;
          } catch (Exception e) {
            return false;
          }
        });
      } finally {
        pool.shutdownNow();
        uas.destroy();
        closeAll(fleet);
      }
    }
  }

  /** Reads the breaker's transition counter from an instance's registry. */
  private static final class FleetStateMetrics {
    static double transitions(Instance i, String to) {
      for (var m : i.running().metrics().registry().scrape(n -> n.equals("sipscreen_fleet_breaker_transitions"))) {
        for (var dp : m.getDataPoints()) {
          if (to.equals(dp.getLabels().get("to"))
              && dp instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot c) {
            return c.getValue();
          }
        }
      }
      return 0;
    }
  }
}
