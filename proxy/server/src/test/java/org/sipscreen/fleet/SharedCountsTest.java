package org.sipscreen.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.check.velocity.FleetCounts;
import org.sipscreen.testkit.ManualTime;

/** What the exchanger sends and what the velocity check gets back, without Redis (a fake clock). */
class SharedCountsTest {

  private static final long CALLER = 12025550123L;

  private final ManualTime time = new ManualTime();
  private final SharedCounts counts = new SharedCounts(Duration.ofMillis(100), time);

  private SharedCounts.Entry only(SharedCounts.Batch batch) {
    assertThat(batch.entries()).hasSize(1);
    return batch.entries().get(0);
  }

  @Test
  void callsAreSentOnceAndAddedUpBetweenExchanges() {
    counts.usable(true);
    counts.callerCall(CALLER);
    counts.callerCall(CALLER);
    SharedCounts.Entry e = only(counts.take());
    assertThat(e.kind()).isEqualTo(SharedCounts.Kind.CALLER);
    assertThat(e.id()).isEqualTo("12025550123");
    assertThat(e.delta()).isEqualTo(2);
    // Answered "nobody else counts it": nothing to ask until it calls again.
    counts.answered(e, new long[] {0, 0, 0}, time.read());
    assertThat(counts.take().entries()).isEmpty();
    counts.callerCall(CALLER);
    assertThat(only(counts.take()).delta()).isEqualTo(1);
  }

  @Test
  void theOthersCountsAreUsedWhileFreshAndFollowedWhileTheCallerCalls() {
    counts.usable(true);
    assertThat(counts.callerCall(CALLER)).isEqualTo(FleetCounts.Others.NONE);
    SharedCounts.Batch batch = counts.take();
    counts.answered(only(batch), new long[] {4, 9, 20}, batch.takenAt());
    assertThat(counts.callerOthers(CALLER)).isEqualTo(new FleetCounts.Others(4, 9, 20));
    // Others count it: asked about at every exchange while it calls here (no new calls: delta 0).
    time.advance(Duration.ofMillis(100));
    assertThat(only(counts.take()).delta()).isZero();
    // 300 ms on, the 1 s window's answer is too old to use; the minute's and hour's still count.
    time.advance(Duration.ofMillis(200));
    assertThat(counts.callerOthers(CALLER)).isEqualTo(new FleetCounts.Others(0, 9, 20));
    time.advance(Duration.ofSeconds(6));
    assertThat(counts.callerOthers(CALLER)).isEqualTo(new FleetCounts.Others(0, 0, 20));
    time.advance(Duration.ofMinutes(6));
    assertThat(counts.callerOthers(CALLER)).isEqualTo(FleetCounts.Others.NONE);
  }

  @Test
  void anUnusableFleetAnswersNothingAndDropsWhatItCouldNotSend() {
    counts.usable(true);
    counts.callerCall(CALLER);
    SharedCounts.Batch batch = counts.take();
    counts.answered(only(batch), new long[] {1, 1, 1}, batch.takenAt());
    counts.usable(false);
    assertThat(counts.callerCall(CALLER)).isEqualTo(FleetCounts.Others.NONE);
    assertThat(counts.peerCall("carrier_a")).isZero();
    counts.dropPending();
    counts.usable(true);
    List<SharedCounts.Entry> entries = counts.take().entries();
    assertThat(entries).extracting(SharedCounts.Entry::delta).containsOnly(0);
  }

  @Test
  void peersAndAnonymousCallsAreKeysOfTheirOwn() {
    counts.usable(true);
    counts.peerCall("carrier_a");
    counts.anonymousCall("carrier_a");
    counts.anonymousCall("carrier_a");
    SharedCounts.Batch batch = counts.take();
    assertThat(batch.entries()).extracting(e -> e.kind() + ":" + e.id() + ":" + e.delta())
        .containsExactlyInAnyOrder("PEER:carrier_a:1", "ANONYMOUS:carrier_a:2");
    batch.entries().forEach(e -> counts.answered(e, new long[] {7}, batch.takenAt()));
    assertThat(counts.peerCall("carrier_a")).isEqualTo(7);
    assertThat(counts.anonymousCall("carrier_a")).isEqualTo(7);
  }

  @Test
  void keysIdleForSixMinutesAreForgotten() {
    counts.callerCall(CALLER);
    counts.take();
    assertThat(counts.followed()).isEqualTo(1);
    time.advance(Duration.ofMinutes(6));
    counts.take();
    assertThat(counts.followed()).isZero();
  }

  @Test
  void driftIsWhatDiffersFromMostMembers() {
    FleetMember a = new FleetMember("a", "1", "http://a", "h1", Map.of("block_list", "v1"), "t", 0);
    FleetMember b = new FleetMember("b", "1", "http://b", "h1", Map.of("block_list", "v1"), "t", 0);
    FleetMember c = new FleetMember("c", "1", "http://c", "h2", Map.of("block_list", "v0"), "t", 0);
    FleetView view = FleetView.of(List.of(c, a, b));
    assertThat(view.members()).extracting(r -> r.member().id()).containsExactly("a", "b", "c");
    assertThat(view.members()).extracting(FleetView.Row::drift)
        .containsExactly(List.of(), List.of(), List.of("config", "list:block_list"));
    assertThat(view.drifting()).isEqualTo(1);
  }
}
