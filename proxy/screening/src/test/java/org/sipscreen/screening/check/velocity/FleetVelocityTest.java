package org.sipscreen.screening.check.velocity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;
import org.sipscreen.testkit.ManualTime;

/** The velocity check in a fleet: its own windows plus what the other instances counted, last seen. */
class FleetVelocityTest {

  private static final String CALLER = "+12025550123";
  private static final long CALLER_DIGITS = 12025550123L;

  /** Fleet counts set by the test; records what the check noted. */
  private static final class SeenCounts implements FleetCounts {
    volatile Others others = Others.NONE;
    volatile long peerOthers;
    volatile long anonymousOthers;
    final List<Long> notedCallers = new ArrayList<>();
    final List<String> notedPeers = new ArrayList<>();

    @Override
    public Others callerCall(long caller) {
      notedCallers.add(caller);
      return others;
    }

    @Override
    public Others callerOthers(long caller) {
      return others;
    }

    @Override
    public long peerCall(String peer) {
      notedPeers.add(peer);
      return peerOthers;
    }

    @Override
    public long anonymousCall(String peer) {
      return anonymousOthers;
    }
  }

  private final ManualTime time = new ManualTime();
  private final SeenCounts fleet = new SeenCounts();

  private VelocityCheck check(VelocityLimits limits) {
    return new VelocityCheck(limits, Map.of(), 60, 10_000, time).withFleet(fleet);
  }

  private static ScreenedCall call(String caller) {
    ScreenedCall call = TestCalls.invite().from("<tel:" + caller + ">")
        .to("sip:+13015550199@proxy;user=phone").screened();
    call.peerName(Optional.of("carrier_a"));
    return call;
  }

  private static ScreenedCall anonymousCall() {
    ScreenedCall call = TestCalls.invite().from("\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1")
        .screened();
    call.peerName(Optional.of("carrier_a"));
    return call;
  }

  @Test
  void callsOfOtherInstancesCountTowardsTheCallerLimit() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerMinute(10));
    fleet.others = new FleetCounts.Others(0, 8, 8);
    assertThat(check.check(call(CALLER))).isEqualTo(Verdict.CONTINUE); // 1 + 8
    assertThat(check.check(call(CALLER))).isEqualTo(Verdict.CONTINUE); // 2 + 8: at the limit
    assertThat(check.check(call(CALLER))).isEqualTo(new Verdict.Flag("caller_per_minute", 60));
    assertThat(fleet.notedCallers).containsExactly(CALLER_DIGITS, CALLER_DIGITS, CALLER_DIGITS);
  }

  @Test
  void othersAloneAtTheLimitFlagTheFirstLocalCall() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerSecond(5).withCallerPerHour(100));
    fleet.others = new FleetCounts.Others(5, 5, 5);
    assertThat(check.check(call(CALLER))).isEqualTo(new Verdict.Flag("caller_per_second", 60));
    assertThat(check.dryRun(call(CALLER))).isEqualTo(new Verdict.Flag("caller_per_second", 60));
  }

  @Test
  void aCallerUnderTheFleetLimitIsNeverFlagged() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerMinute(10));
    fleet.others = new FleetCounts.Others(0, 5, 5);
    for (int i = 0; i < 5; i++) {
      assertThat(check.check(call(CALLER))).isEqualTo(Verdict.CONTINUE);
    }
    assertThat(check.check(call(CALLER))).isEqualTo(new Verdict.Flag("caller_per_minute", 60));
  }

  @Test
  void peerAndAnonymousLimitsAddTheOthersCounts() {
    VelocityCheck check = check(VelocityLimits.NONE.withPeerPerSecond(3).withAnonymousPerSecond(2));
    fleet.peerOthers = 2;
    fleet.anonymousOthers = 1;
    assertThat(check.check(anonymousCall())).isEqualTo(Verdict.CONTINUE); // anonymous 1 + 1, peer 1 + 2
    assertThat(check.check(anonymousCall())).isEqualTo(new Verdict.Flag("anonymous_per_second", 60));
    fleet.anonymousOthers = 0;
    assertThat(check.check(call(CALLER))).isEqualTo(new Verdict.Flag("peer_per_second", 60));
    assertThat(fleet.notedPeers).containsExactly("carrier_a", "carrier_a", "carrier_a");
  }

  @Test
  void warmUpStateIsNeverSharedWithTheFleet() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerSecond(5));
    VelocityCheck warmup = VelocityModule.INSTANCE.forWarmup(check);
    warmup.check(call(CALLER));
    assertThat(fleet.notedCallers).isEmpty();
    assertThat(check.sameSettings(warmup)).isFalse();
    assertThat(check.sameSettings(check(VelocityLimits.NONE.withCallerPerSecond(5)))).isTrue();
  }
}
