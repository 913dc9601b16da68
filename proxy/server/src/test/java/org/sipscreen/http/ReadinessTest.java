package org.sipscreen.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  private static final Map<String, Long> LISTS = Map.of("block_list", 3L);

  @Test
  void readyWhenEveryListenerIsUpAndTheListsAreLoaded() {
    Readiness r = Readiness.of(false, 3, 3, LISTS, true);

    assertThat(r.ready()).isTrue();
    assertThat(r.detail()).startsWith("ready\n").contains("sip_listeners_up 3/3", "list block_list 3");
  }

  @Test
  void notReadyWhileOneListenerIsDown() {
    Readiness r = Readiness.of(false, 3, 2, LISTS, true);

    assertThat(r.ready()).isFalse();
    assertThat(r.detail()).startsWith("not ready: sip listeners down").contains("sip_listeners_up 2/3");
  }

  @Test
  void notReadyWithoutListeners() {
    assertThat(Readiness.of(false, 0, 0, LISTS, true).ready()).isFalse();
  }

  @Test
  void notReadyBeforeTheConfigAndListsAreLoaded() {
    Readiness r = Readiness.of(false, 2, 2, Map.of(), false);

    assertThat(r.ready()).isFalse();
    assertThat(r.detail()).startsWith("not ready: config and lists not loaded");
  }

  @Test
  void notReadyOnceShutdownHasBegun() {
    Readiness r = Readiness.of(true, 3, 3, LISTS, true);

    assertThat(r.ready()).isFalse();
    assertThat(r.detail()).startsWith("not ready: shutting down");
  }
}
