package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.sipscreen.sip.Transport;

/** Choosing a next hop per transaction: priorities, weights, determinism, and what moves when a hop fails. */
class NextHopSetTest {

  static NextHop hop(int port) {
    return new NextHop(new InetSocketAddress("127.0.0.1", port), Transport.UDP);
  }

  static NextHopSet.Member member(int port, int priority, int weight) {
    return new NextHopSet.Member("sip:127.0.0.1:" + port, hop(port), priority, weight);
  }

  static final Predicate<NextHop> ALL_UP = h -> true;

  @Test
  void theSameKeyAlwaysGetsTheSameHop() {
    NextHopSet set = new NextHopSet(List.of(member(5070, 1, 1), member(5071, 1, 1), member(5072, 1, 1)),
        Optional.empty());
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      long key = random.nextLong();
      NextHop first = set.select(key, ALL_UP);
      assertThat(set.select(key, ALL_UP)).isEqualTo(first);
      // A set built again (a reload with the same hops, listed in another order) agrees.
      NextHopSet again = new NextHopSet(List.of(member(5072, 1, 1), member(5070, 1, 1), member(5071, 1, 1)),
          Optional.empty());
      assertThat(again.select(key, ALL_UP)).isEqualTo(first);
    }
  }

  @Test
  void spreadsCallsByWeightWithinThePriority() {
    NextHopSet set = new NextHopSet(List.of(member(5070, 1, 3), member(5071, 1, 1)), Optional.empty());
    Map<NextHop, Integer> counts = new HashMap<>();
    SplittableRandom random = new SplittableRandom(2);
    int n = 40_000;
    for (int i = 0; i < n; i++) {
      counts.merge(set.select(random.nextLong(), ALL_UP), 1, Integer::sum);
    }
    // Weight 3 against 1: three quarters, within two points.
    assertThat(counts.get(hop(5070)) / (double) n).isBetween(0.73, 0.77);
    assertThat(counts.get(hop(5071)) / (double) n).isBetween(0.23, 0.27);
  }

  @Test
  void aLowerPriorityTakesCallsOnlyWhenEveryBetterHopIsDown() {
    NextHopSet set = new NextHopSet(List.of(member(5080, 2, 100), member(5070, 1, 1), member(5071, 1, 1)),
        Optional.empty());
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 1000; i++) {
      long key = random.nextLong();
      assertThat(set.select(key, ALL_UP)).isIn(hop(5070), hop(5071));
      assertThat(set.select(key, h -> !h.equals(hop(5070)))).isEqualTo(hop(5071));
      assertThat(set.select(key, h -> h.equals(hop(5080)))).isEqualTo(hop(5080));
    }
  }

  @Test
  void onlyTheCallsOfAFailedHopMoveAndTheyComeBackWhenItDoes() {
    NextHopSet set = new NextHopSet(List.of(member(5070, 1, 1), member(5071, 1, 1), member(5072, 1, 1)),
        Optional.empty());
    Predicate<NextHop> without5071 = h -> !h.equals(hop(5071));
    SplittableRandom random = new SplittableRandom(4);
    int moved = 0;
    for (int i = 0; i < 3000; i++) {
      long key = random.nextLong();
      NextHop before = set.select(key, ALL_UP);
      NextHop during = set.select(key, without5071);
      assertThat(during).isNotEqualTo(hop(5071));
      if (!before.equals(hop(5071))) {
        assertThat(during).as("a call not on the failed hop stays where it was").isEqualTo(before);
      } else {
        moved++;
      }
      assertThat(set.select(key, ALL_UP)).isEqualTo(before);
    }
    assertThat(moved).isBetween(800, 1200); // about a third: the failed hop's share, no more
  }

  @Test
  void withEveryHopDownTheBestPriorityStillGetsTheCalls() {
    NextHopSet set = new NextHopSet(List.of(member(5070, 1, 1), member(5071, 1, 1), member(5080, 2, 1)),
        Optional.empty());
    assertThat(set.noneUp(h -> false)).isTrue();
    assertThat(set.noneUp(ALL_UP)).isFalse();
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 200; i++) {
      long key = random.nextLong();
      assertThat(set.select(key, h -> false)).isEqualTo(set.select(key, ALL_UP)).isIn(hop(5070), hop(5071));
    }
  }

  @Test
  void theFirstHopIsTheHeaviestOfTheBestPriority() {
    NextHopSet set = new NextHopSet(List.of(member(5080, 0, 1), member(5070, 1, 1), member(5071, 0, 5)),
        Optional.empty());
    assertThat(set.first()).isEqualTo(hop(5071));
    assertThat(NextHopSet.of("sip:127.0.0.1:5070", hop(5070)).first()).isEqualTo(hop(5070));
  }

  @Test
  void refusesTheSameHopTwiceAndBadWeights() {
    assertThatThrownBy(() -> new NextHopSet(List.of(member(5070, 1, 1), member(5070, 2, 1)), Optional.empty()))
        .hasMessage("next hop sip:127.0.0.1:5070 is listed twice");
    assertThatThrownBy(() -> member(5070, 1, 0)).hasMessage("weight must be 1-65535, was 0");
    assertThatThrownBy(() -> new NextHopSet.Probing(1000, 2000, 1, 1))
        .hasMessage("timeoutMillis must be 50 to intervalMillis (1000), was 2000");
    assertThat(Set.of(hop(5070))).contains(hop(5070));
  }
}
