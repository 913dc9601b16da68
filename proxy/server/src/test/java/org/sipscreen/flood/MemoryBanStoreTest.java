package org.sipscreen.flood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.testkit.ManualTime;

class MemoryBanStoreTest {

  final ManualTime time = new ManualTime("2026-12-04T10:00:00Z");

  @Test
  void aBanEndsAfterItsDuration() {
    MemoryBanStore store = new MemoryBanStore(time, time, 10);
    store.ban(1, Optional.empty(), Duration.ofSeconds(10));
    assertThat(store.banned(1)).isTrue();
    assertThat(store.banned(2)).isFalse();
    time.advance(Duration.ofSeconds(10));
    assertThat(store.banned(1)).isFalse();
    assertThat(store.size()).isZero();
  }

  @Test
  void listsBansSoonestToEndFirstWithWallTimes() {
    MemoryBanStore store = new MemoryBanStore(time, time, 10);
    store.ban(SourceKey.parse("192.0.2.1"), Optional.of("carrier-a"), Duration.ofSeconds(60));
    store.ban(SourceKey.parse("2001:db8::1"), Optional.empty(), Duration.ofSeconds(30));
    assertThat(store.active()).extracting(BanStore.Ban::address)
        .containsExactly("2001:db8::/64", "192.0.2.1");
    assertThat(store.active().get(1).until()).hasToString("2026-12-04T10:01:00Z");
  }

  @Test
  void aSecondBanKeepsTheLaterEnd() {
    MemoryBanStore store = new MemoryBanStore(time, time, 10);
    store.ban(1, Optional.empty(), Duration.ofSeconds(60));
    store.ban(1, Optional.empty(), Duration.ofSeconds(5));
    time.advance(Duration.ofSeconds(30));
    assertThat(store.banned(1)).isTrue();
  }

  @Test
  void unbanLiftsABanInForceOnly() {
    MemoryBanStore store = new MemoryBanStore(time, time, 10);
    store.ban(1, Optional.empty(), Duration.ofSeconds(10));
    assertThat(store.unban(1)).isPresent();
    assertThat(store.banned(1)).isFalse();
    assertThat(store.unban(1)).isEmpty();
  }

  @Test
  void whenFullANewBanReplacesTheOneEndingSoonest() {
    MemoryBanStore store = new MemoryBanStore(time, time, 2);
    store.ban(1, Optional.empty(), Duration.ofSeconds(60));
    store.ban(2, Optional.empty(), Duration.ofSeconds(10));
    store.ban(3, Optional.empty(), Duration.ofSeconds(30));
    assertThat(store.banned(1)).isTrue();
    assertThat(store.banned(2)).isFalse();
    assertThat(store.banned(3)).isTrue();
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void refusesACapacityBelowOne() {
    assertThatThrownBy(() -> new MemoryBanStore(time, time, 0)).hasMessage("capacity must be positive, was 0");
  }
}
