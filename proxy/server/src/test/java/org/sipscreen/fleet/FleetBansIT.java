package org.sipscreen.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.flood.BanStore;
import org.sipscreen.flood.MemoryBanStore;
import org.sipscreen.flood.SourceKey;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.RedisServer;

/**
 * Flood bans shared by two fleet members through a real redis-server the test starts: a ban issued by one
 * is seen by the other, lifting it at either lifts it everywhere, and a Redis that restarts empty gets the
 * bans in force back from the members instead of lifting them.
 */
@Timeout(120)
class FleetBansIT {

  @TempDir
  Path dir;

  private record Member(FleetState fleet, BanStore bans) implements AutoCloseable {
    @Override
    public void close() {
      fleet.close();
    }
  }

  private Member member(RedisServer redis, String id, boolean share) throws Exception {
    Path config = Files.writeString(dir.resolve(id + ".yaml"), "screening: {}\n");
    FleetConfig c = new FleetConfig(null, List.of(redis.node()), null, null, null, null, null, id,
        Duration.ofMillis(50), Duration.ofMillis(200), "test:", null, false, share);
    FleetState fleet = new FleetState(c, config, new PrometheusRegistry(),
        () -> new FleetMember(id, "test", "http://127.0.0.1:1", "h", Map.of(), "", System.currentTimeMillis()));
    BanStore bans = fleet.shareBans(new MemoryBanStore(Ticker.systemTicker(), Clock.systemUTC(), 1000));
    fleet.start();
    Await.until(id + " up", fleet::up);
    return new Member(fleet, bans);
  }

  @Test
  void aBanAtOneMemberIsSeenByTheOtherAndLiftedEverywhere() throws Exception {
    long attacker = SourceKey.parse("192.0.2.7");
    long other = SourceKey.parse("2001:db8::/64");
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"));
        Member a = member(redis, "a", true); Member b = member(redis, "b", true)) {
      a.bans().ban(attacker, Optional.of("carrier-x"), Duration.ofMinutes(5));
      assertThat(a.bans().banned(attacker)).as("at once where it was issued").isTrue();
      Await.until("b sees a's ban", () -> b.bans().banned(attacker));
      BanStore.Ban seen = b.bans().active().get(0);
      assertThat(seen.address()).isEqualTo("192.0.2.7");
      assertThat(seen.peer()).contains("carrier-x");
      assertThat(Duration.between(seen.since(), seen.until())).isEqualTo(Duration.ofMinutes(5));

      b.bans().ban(other, Optional.empty(), Duration.ofMinutes(1));
      Await.until("a sees b's ban", () -> a.bans().banned(other));

      assertThat(b.bans().unban(attacker)).as("lifted where it was not issued").isPresent();
      Await.until("a lifts it too", () -> !a.bans().banned(attacker));
      assertThat(b.bans().banned(attacker)).isFalse();
      assertThat(a.bans().banned(other)).as("the other ban stays").isTrue();

      // Redis restarts empty: the members send the bans in force again, none is lifted for being missing.
      redis.kill();
      redis.restart();
      Await.until("the ban back in Redis", () -> redis.cli("HEXISTS", "test:bans", Long.toString(other))
          .trim().equals("1"));
      assertThat(a.bans().banned(other)).isTrue();
      assertThat(b.bans().banned(other)).isTrue();
      a.bans().unban(other);
      Await.until("b lifts it after the restart", () -> !b.bans().banned(other));
    }
  }

  @Test
  void withoutShareBansEachMemberKeepsItsOwn() throws Exception {
    long attacker = SourceKey.parse("192.0.2.8");
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"));
        Member a = member(redis, "a", false); Member b = member(redis, "b", false)) {
      assertThat(a.bans()).isInstanceOf(MemoryBanStore.class);
      a.bans().ban(attacker, Optional.empty(), Duration.ofMinutes(5));
      b.bans().ban(SourceKey.parse("192.0.2.9"), Optional.empty(), Duration.ofMinutes(5));
      Await.until("both members reported", () -> a.fleet().view().members().size() == 2);
      assertThat(b.bans().banned(attacker)).isFalse();
      assertThat(redis.cli("EXISTS", "test:bans").trim()).isEqualTo("0");
    }
  }
}
