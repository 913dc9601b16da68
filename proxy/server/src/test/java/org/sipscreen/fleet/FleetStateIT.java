package org.sipscreen.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.screening.check.velocity.FleetCounts;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.RedisServer;

/**
 * Two fleet members against a real redis-server the test starts: counts flow between them through Redis,
 * a Redis outage opens the breaker (both screen on their own counts, nothing waits), and a restarted Redis
 * closes it again.
 */
@Timeout(120)
class FleetStateIT {

  private static final long CALLER = 12025550123L;
  private static final String FLEET_KEY = "test:v:{c:12025550123}";

  @TempDir
  Path dir;

  private static FleetConfig config(RedisServer redis, String id) {
    return new FleetConfig(null, List.of(redis.node()), null, null, null, null, null, id,
        Duration.ofMillis(50), Duration.ofMillis(200), "test:", null);
  }

  private FleetState member(RedisServer redis, String id, PrometheusRegistry registry) throws Exception {
    Path config = Files.writeString(dir.resolve(id + ".yaml"), "screening: {}\n");
    FleetState fleet = new FleetState(config(redis, id), config, registry,
        () -> new FleetMember(id, "test", "http://127.0.0.1:1", ConfigHash.of(config), Map.of("block_list",
            "v1"), "2026-01-01T00:00:00Z", System.currentTimeMillis()));
    fleet.start();
    return fleet;
  }

  static double value(PrometheusRegistry registry, String name, String... labels) {
    String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
    for (MetricSnapshot m : registry.scrape(n -> n.equals(base))) {
      for (DataPointSnapshot dp : m.getDataPoints()) {
        boolean match = true;
        for (int i = 0; i + 1 < labels.length; i += 2) {
          match &= labels[i + 1].equals(dp.getLabels().get(labels[i]));
        }
        if (match && dp instanceof CounterSnapshot.CounterDataPointSnapshot c) {
          return c.getValue();
        }
        if (match && dp instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
          return g.getValue();
        }
      }
    }
    throw new AssertionError("no metric " + name + " " + String.join(",", labels));
  }

  @Test
  void callsCountedByOneMemberReachTheOtherAndAnOutageFailsOpenUntilRedisIsBack() throws Exception {
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      PrometheusRegistry ra = new PrometheusRegistry();
      PrometheusRegistry rb = new PrometheusRegistry();
      try (FleetState a = member(redis, "a", ra); FleetState b = member(redis, "b", rb)) {
        Await.until("both members up", () -> a.up() && b.up());
        for (int i = 0; i < 7; i++) {
          a.counts().callerCall(CALLER);
        }
        Await.until("a's calls in Redis", () -> redis.cli("HLEN", FLEET_KEY + ":a").trim().equals("3"));
        b.counts().callerCall(CALLER); // its answer: a's calls; b follows the caller from now on
        Await.until("b sees a's 7 calls", () -> b.counts().callerOthers(CALLER).perMinute() == 7);
        assertThat(b.counts().callerOthers(CALLER))
            .isEqualTo(new FleetCounts.Others(7, 7, 7));
        a.counts().callerCall(CALLER);
        Await.until("a sees b's call", () -> a.counts().callerOthers(CALLER).perHour() == 1);
        Await.until("b, following, sees a's 8th call", () -> b.counts().callerOthers(CALLER).perHour() == 8);
        Await.until("both in the member table", () -> a.view().members().size() == 2);
        assertThat(a.view().drifting()).isZero();

        redis.kill();
        Await.until("a's breaker open", () -> value(ra, "sipscreen_fleet_breaker_transitions_total",
            "to", "open") == 1);
        assertThat(a.up()).isFalse();
        assertThat(value(ra, "sipscreen_fleet_up")).isZero();
        assertThat(value(ra, "sipscreen_fleet_errors_total", "operation", "exchange")).isPositive();
        // Fail open: the others' counts are no longer used, the calls are answered from memory.
        assertThat(a.counts().callerCall(CALLER)).isEqualTo(FleetCounts.Others.NONE);
        assertThat(a.readView()).failsWithin(Duration.ofSeconds(5));

        redis.restart();
        Await.until("a's breaker closed again", () -> value(ra, "sipscreen_fleet_breaker_transitions_total",
            "to", "closed") == 1);
        Await.until("b up again", b::up);
        // Redis lost everything: counting starts over and flows again.
        for (int i = 0; i < 3; i++) {
          a.counts().callerCall(CALLER);
        }
        Await.until("a's new calls in Redis", () -> redis.cli("HGETALL", FLEET_KEY + ":a").contains("\n3\n"));
        b.counts().callerCall(CALLER);
        Await.until("b sees a's new calls", () -> b.counts().callerOthers(CALLER).perMinute() == 3);
        Await.until("both in the member table again", () -> a.readView().get().members().size() == 2);
        assertThat(a.readView().get().members()).extracting(r -> r.member().id())
            .containsExactly("a", "b");
        assertThat(value(ra, "sipscreen_fleet_breaker_transitions_total", "to", "open")).isEqualTo(1);
      }
    }
  }

  private static long sum(String lines) {
    return lines.lines().map(String::trim).filter(l -> !l.isEmpty()).mapToLong(Long::parseLong).sum();
  }

  @Test
  void manyKeysOfEveryKindInOneExchangeAreCountedUnderTheirOwnNamesAndAnsweredToTheirOwnKey() throws Exception {
    String peer = "pëer-€-𝄞"; // two-, three- and four-byte UTF-8 in the packed argument
    List<Long> callers = new java.util.ArrayList<>();
    for (long c = 0; c < 150; c++) { // more than one script call's keys
      callers.add(13035550000L + c);
    }
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      try (FleetState a = member(redis, "a", new PrometheusRegistry());
          FleetState b = member(redis, "b", new PrometheusRegistry())) {
        Await.until("both members up", () -> a.up() && b.up());
        for (int i = 0; i < callers.size(); i++) {
          for (int n = 0; n <= i % 3; n++) { // 1, 2, 3, 1, 2, 3, ... calls
            a.counts().callerCall(callers.get(i));
          }
        }
        a.counts().peerCall(peer);
        a.counts().peerCall(peer);
        a.counts().anonymousCall(peer);
        Await.until("a's calls of the last caller in Redis",
            () -> redis.cli("EXISTS", "test:v:{c:" + callers.get(callers.size() - 1) + "}:a").trim().equals("1"));
        Await.until("a's peer calls in Redis", () -> redis.cli("EXISTS", "test:v:{a:" + peer + "}:a").trim()
            .equals("1") && redis.cli("EXISTS", "test:v:{p:" + peer + "}").trim().equals("1"));
        for (long caller : callers) {
          b.counts().callerCall(caller);
        }
        b.counts().peerCall(peer);
        b.counts().anonymousCall(peer);
        for (int i = 0; i < callers.size(); i++) {
          long caller = callers.get(i);
          long expected = i % 3 + 1;
          Await.until("b sees a's " + expected + " calls of " + caller,
              () -> b.counts().callerOthers(caller).perMinute() == expected);
          assertThat(b.counts().callerOthers(caller).perHour()).isEqualTo(expected);
        }
        // The peers' window is one second: what b was answered may be gone by now; Redis holds the counts.
        Await.until("b's peer calls in Redis", () -> sum(redis.cli("HVALS", "test:v:{p:" + peer + "}")) == 3
            && sum(redis.cli("HVALS", "test:v:{a:" + peer + "}")) == 2);
        assertThat(sum(redis.cli("HVALS", "test:v:{p:" + peer + "}:a"))).isEqualTo(2);
        assertThat(sum(redis.cli("HVALS", "test:v:{p:" + peer + "}:b"))).isEqualTo(1);
      }
    }
  }

  @Test
  void aRedisThatStopsAnsweringOpensTheBreakerAtTheDeadlineAndRejoinsWhenItAnswers() throws Exception {
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      PrometheusRegistry registry = new PrometheusRegistry();
      try (FleetState a = member(redis, "a", registry)) {
        Await.until("up", a::up);
        redis.pause(); // connections stay open; nothing answers
        a.counts().callerCall(CALLER);
        Await.until("breaker open", () -> value(registry, "sipscreen_fleet_breaker_transitions_total",
            "to", "open") == 1);
        assertThat(value(registry, "sipscreen_fleet_errors_total", "operation", "exchange")).isPositive();
        assertThat(a.counts().callerCall(CALLER)).isEqualTo(FleetCounts.Others.NONE);
        redis.resume();
        Await.until("breaker closed", () -> value(registry, "sipscreen_fleet_breaker_transitions_total",
            "to", "closed") == 1);
        assertThat(a.up()).isTrue();
      }
    }
  }
}
