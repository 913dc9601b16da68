package org.sipscreen.flood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.flood.SourceRateTableTest.address;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.flood.FloodControl.Admission;
import org.sipscreen.testkit.ManualTime;

class FloodControlTest {

  static final InetAddress STRANGER = address("203.0.113.9");
  static final InetAddress PEER_A = address("198.51.100.1");
  static final InetAddress TRUSTED = address("192.0.2.10");
  /** The default route: its in-dialog requests come at the rate of all calls together. */
  static final InetAddress CORE = address("10.0.0.5");

  final ManualTime time = new ManualTime();
  final MemoryBanStore bans = new MemoryBanStore(time, time, 1000);
  final FloodControl flood = new FloodControl(bans, time, uri -> uri.startsWith("sip:911@"));

  static FloodPolicy policy(int maxRequests, Duration ban) {
    return new FloodPolicy(Duration.ofSeconds(1), maxRequests, ban, 4096,
        Map.of("carrier-a", List.of("198.51.100.0/24"), "trusted", List.of("192.0.2.0/24")),
        Map.of("trusted", 100), Map.of(), List.of(CORE));
  }

  int passing(InetAddress source, int max) {
    for (int i = 0; i < max; i++) {
      if (flood.admit(source) != Admission.PASS) {
        return i;
      }
    }
    return max;
  }

  @Test
  void passesEverythingWhileOff() {
    assertThat(flood.on()).isFalse();
    assertThat(passing(STRANGER, 10_000)).isEqualTo(10_000);
    assertThat(flood.dropped()).isZero();
  }

  @Test
  void bansASourceOverItsLimitAndDropsItUntilTheBanEnds() {
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    assertThat(passing(STRANGER, 100)).isEqualTo(10);
    assertThat(flood.bansIssued()).isEqualTo(1);
    assertThat(bans.active()).singleElement().satisfies(b -> {
      assertThat(b.address()).isEqualTo("203.0.113.9");
      assertThat(b.peer()).isEmpty();
      assertThat(Duration.between(b.since(), b.until())).isEqualTo(Duration.ofSeconds(60));
    });
    time.advance(Duration.ofSeconds(30)); // well below the rate now, but banned
    assertThat(flood.admit(STRANGER)).isEqualTo(Admission.DROP);
    assertThat(flood.dropped()).isEqualTo(2);
    time.advance(Duration.ofSeconds(31));
    assertThat(flood.admit(STRANGER)).isEqualTo(Admission.PASS);
    assertThat(bans.size()).isZero();
    assertThat(flood.bansIssued()).isEqualTo(1);
  }

  @Test
  void theCoreIsNeverCountedNorBanned() {
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    assertThat(passing(CORE, 10_000)).isEqualTo(10_000);
    assertThat(flood.bansIssued()).isZero();
    assertThat(flood.sourcesTracked()).isZero();
  }

  @Test
  void aPeerOverItsTotalLosesTheExcessButNoAddressIsBannedAndEmergencyPasses() {
    flood.apply(Optional.of(new FloodPolicy(Duration.ofSeconds(1), 10, Duration.ofSeconds(60), 4096,
        Map.of("carrier-a", List.of("198.51.100.0/24")), Map.of(), Map.of("carrier-a", 25), List.of())));
    int passed = 0;
    for (int i = 0; i < 10; i++) { // 10 addresses, 9 requests each: each under its own limit of 10
      InetAddress a = address("198.51.100." + (i + 1));
      for (int j = 0; j < 9; j++) {
        passed += flood.admit(a) == Admission.PASS ? 1 : 0;
      }
    }
    assertThat(passed).isEqualTo(25);
    assertThat(flood.bansIssued()).as("no address went over its own limit").isZero();
    assertThat(flood.overPeerTotal()).isEqualTo(90 - 25);
    assertThat(flood.admit(PEER_A)).isEqualTo(Admission.EMERGENCY_ONLY);
    assertThat(flood.emergencyExempt("INVITE sip:911@example.net SIP/2.0")).isTrue();
    time.advance(Duration.ofSeconds(2));
    assertThat(flood.admit(PEER_A)).as("a window later the peer sends again").isEqualTo(Admission.PASS);
  }

  @Test
  void aTrustedPeerHasItsOwnHigherLimit() {
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    assertThat(passing(TRUSTED, 1000)).isEqualTo(100);
    assertThat(passing(PEER_A, 1000)).isEqualTo(10);
  }

  @Test
  void aBannedPeerAddressPassesOnlyEmergencyInvites() {
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    passing(PEER_A, 100);
    assertThat(bans.active()).singleElement().satisfies(b -> assertThat(b.peer()).contains("carrier-a"));
    assertThat(flood.admit(PEER_A)).isEqualTo(Admission.EMERGENCY_ONLY);
    assertThat(flood.emergencyExempt("INVITE sip:911@example.net SIP/2.0")).isTrue();
    assertThat(flood.emergencyExempt("INVITE sip:+12025550100@example.net SIP/2.0")).isFalse();
    assertThat(flood.emergencyExempt("OPTIONS sip:911@example.net SIP/2.0")).isFalse();
    assertThat(flood.emergencyExempt("INVITE sip:911@example.net")).isFalse();
    assertThat(flood.emergencyPassed()).isEqualTo(1);
    assertThat(flood.dropped()).isEqualTo(3);
  }

  @Test
  void aBannedStrangerGetsNothingSpecial() {
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    passing(STRANGER, 100);
    assertThat(flood.admit(STRANGER)).isEqualTo(Admission.DROP);
    assertThat(flood.refuseConnection(STRANGER)).isTrue();
    passing(PEER_A, 100);
    assertThat(flood.refuseConnection(PEER_A)).as("a peer's connection may carry emergency calls").isFalse();
  }

  @Test
  void anUnbannedSourceIsCountedAfresh() {
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    passing(STRANGER, 100);
    assertThat(bans.unban(SourceKey.of(STRANGER))).isPresent();
    time.advance(Duration.ofSeconds(2));
    assertThat(passing(STRANGER, 100)).isEqualTo(10);
  }

  @Test
  void aNewPolicyKeepsTheBansAndTurningOffStopsDropping() {
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    passing(STRANGER, 100);
    flood.apply(Optional.of(policy(20, Duration.ofSeconds(60))));
    assertThat(flood.admit(STRANGER)).isEqualTo(Admission.DROP);
    assertThat(passing(PEER_A, 100)).isEqualTo(20);
    flood.apply(Optional.empty());
    assertThat(flood.admit(STRANGER)).isEqualTo(Admission.PASS);
    assertThat(bans.size()).as("the bans stay for when it is turned on again").isEqualTo(2);
  }

  @Test
  void anUnchangedPolicyKeepsTheRatesCounted() {
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    assertThat(passing(STRANGER, 5)).isEqualTo(5);
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    assertThat(passing(STRANGER, 100)).isEqualTo(5);
  }

  @Test
  void tracksTheSourcesOfTheLastTwoWindows() {
    flood.apply(Optional.of(policy(10, Duration.ofSeconds(60))));
    flood.admit(STRANGER);
    flood.admit(PEER_A);
    assertThat(flood.sourcesTracked()).isEqualTo(2);
    time.advance(Duration.ofSeconds(3));
    assertThat(flood.sourcesTracked()).isZero();
  }
}
