package org.sipscreen.screening.check.velocity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.velocity.SequentialDialing;
import org.sipscreen.screening.check.velocity.VelocityCheck.Window;
import org.sipscreen.screening.check.velocity.VelocityLimits;
import org.sipscreen.testkit.ManualTime;

class VelocityCheckTest {

  private static final String CALLER = "+12025550123";

  private final ManualTime time = new ManualTime();
  private final Ticker ticker = time;

  private void advance(Duration d) {
    time.advance(d);
  }

  private VelocityCheck check(VelocityLimits defaults) {
    return check(defaults, Map.of());
  }

  private VelocityCheck check(VelocityLimits defaults, Map<String, VelocityLimits> peers) {
    return new VelocityCheck(defaults, peers, 60, 10_000, ticker);
  }

  private static ScreenedCall call(String caller, String callee, String peer) {
    ScreenedCall call = TestCalls.invite().from("<tel:" + caller + ">")
        .to("sip:" + callee + "@proxy;user=phone").screened();
    call.peerName(Optional.ofNullable(peer));
    return call;
  }

  private static ScreenedCall call(String caller) {
    return call(caller, "+13015550199", "carrier_a");
  }

  private static PhoneNumber number(String e164) {
    return new PhoneNumber.E164(e164);
  }

  @Test
  void dryRunJudgesTheNextCallWithoutCountingIt() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerMinute(2).withPeerPerSecond(5));
    assertThat(check.dryRun(call(CALLER))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.callerCalls(number(CALLER), VelocityCheck.Window.PER_MINUTE)).isZero();
    assertThat(check.peerCalls("carrier_a")).isZero();
    check.check(call(CALLER));
    check.check(call(CALLER));
    // A third call would be over the limit: the dry run says so, and still counts nothing.
    assertThat(check.dryRun(call(CALLER))).isEqualTo(new Verdict.Flag("caller_per_minute", 60));
    assertThat(check.dryRun(call(CALLER))).isEqualTo(new Verdict.Flag("caller_per_minute", 60));
    assertThat(check.callerCalls(number(CALLER), VelocityCheck.Window.PER_MINUTE)).isEqualTo(2);
    assertThat(check.peerCalls("carrier_a")).isEqualTo(2);
  }

  @Test
  void sameSettingsOnlyForEqualLimitsScoreAndSize() {
    VelocityLimits limits = VelocityLimits.NONE.withCallerPerMinute(2);
    assertThat(check(limits).sameSettings(check(limits))).isTrue();
    assertThat(check(limits).sameSettings(check(limits.withCallerPerMinute(3)))).isFalse();
    assertThat(check(limits).sameSettings(new VelocityCheck(limits, Map.of(), 61, 10_000, ticker)))
        .isFalse();
    assertThat(check(limits).sameSettings(new VelocityCheck(limits, Map.of(), 60, 10_001, ticker)))
        .isFalse();
  }

  @Test
  void flagsCallerAboveTenCallsPerSecond() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerSecond(10));
    for (int i = 0; i < 10; i++) {
      assertThat(check.check(call(CALLER))).isEqualTo(Verdict.CONTINUE);
    }
    ScreenedCall eleventh = call(CALLER);
    Verdict verdict = check.check(eleventh);
    assertThat(verdict).isEqualTo(new Verdict.Flag("caller_per_second", 60));
    assertThat(check.outcomeLabel(verdict, eleventh)).isEqualTo("caller_per_second");
    assertThat(check.check(call("+12025550124"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.callerCalls(number(CALLER), Window.PER_SECOND)).isEqualTo(11);
    assertThat(check.name()).isEqualTo("velocity");
  }

  @Test
  void slidingWindowForgetsCallsOlderThanTheWindow() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerMinute(3));
    for (int i = 0; i < 3; i++) {
      assertThat(check.check(call(CALLER))).isEqualTo(Verdict.CONTINUE);
    }
    advance(Duration.ofSeconds(50));
    assertThat(check.check(call(CALLER))).isEqualTo(new Verdict.Flag("caller_per_minute", 60));
    advance(Duration.ofSeconds(11)); // the first three calls are now 61 s old
    assertThat(check.check(call(CALLER))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.callerCalls(number(CALLER), Window.PER_MINUTE)).isEqualTo(2);
  }

  @Test
  void hourWindowKeepsCallsThatTheMinuteWindowForgot() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerMinute(100).withCallerPerHour(5));
    for (int i = 0; i < 5; i++) {
      assertThat(check.check(call(CALLER))).isEqualTo(Verdict.CONTINUE);
      advance(Duration.ofMinutes(2));
    }
    assertThat(check.check(call(CALLER))).isEqualTo(new Verdict.Flag("caller_per_hour", 60));
    assertThat(check.callerCalls(number(CALLER), Window.PER_MINUTE)).isEqualTo(1);
    assertThat(check.callerCalls(number(CALLER), Window.PER_HOUR)).isEqualTo(6);
  }

  @Test
  void perPeerOverrideIsStricter() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerSecond(10),
        Map.of("carrier_b", VelocityLimits.NONE.withCallerPerSecond(2)));
    assertThat(check.check(call(CALLER, "+13015550199", "carrier_b"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(call(CALLER, "+13015550199", "carrier_b"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(call(CALLER, "+13015550199", "carrier_b")))
        .isEqualTo(new Verdict.Flag("caller_per_second", 60));
    // the same counts judged by the default limits for a call via another peer
    assertThat(check.check(call(CALLER, "+13015550199", "carrier_a"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.limitsFor(Optional.of("carrier_b")).callerPerSecond()).hasValue(2);
    assertThat(check.limitsFor(Optional.empty()).callerPerSecond()).hasValue(10);
  }

  @Test
  void flagsPeerAbovePerSecondLimit() {
    VelocityCheck check = check(VelocityLimits.NONE.withPeerPerSecond(5));
    for (int i = 0; i < 5; i++) {
      assertThat(check.check(call("+1202555010" + i))).isEqualTo(Verdict.CONTINUE);
    }
    ScreenedCall sixth = call("+12025550199");
    assertThat(check.check(sixth)).isEqualTo(new Verdict.Flag("peer_per_second", 60));
    assertThat(check.check(call("+12025550100", "+13015550199", "carrier_b")))
        .isEqualTo(Verdict.CONTINUE);
    assertThat(check.peerCalls("carrier_a")).isEqualTo(6);
    advance(Duration.ofSeconds(1));
    assertThat(check.peerCalls("carrier_a")).isZero();
    assertThat(check.check(call("+12025550100"))).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void anonymousCallersCountPerPeerOnly() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerSecond(1).withPeerPerSecond(2));
    ScreenedCall anonymous = TestCalls.invite().from("<sip:anonymous@anonymous.invalid>").screened();
    anonymous.peerName(Optional.of("carrier_a"));
    assertThat(check.check(anonymous)).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(anonymous)).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(anonymous)).isEqualTo(new Verdict.Flag("peer_per_second", 60));
    assertThat(check.trackedCallers()).isZero();
    assertThat(check.callerCalls(PhoneNumber.ANONYMOUS, Window.PER_SECOND)).isZero();
  }

  private static ScreenedCall anonymousCall(String peer) {
    ScreenedCall call = TestCalls.invite().from("\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1")
        .screened();
    call.peerName(Optional.of(peer));
    return call;
  }

  @Test
  void flagsAnonymousCallsAboveTheirPerPeerLimit() {
    VelocityCheck check = check(VelocityLimits.NONE.withAnonymousPerSecond(2),
        Map.of("carrier_b", VelocityLimits.NONE.withAnonymousPerSecond(1)));
    assertThat(check.check(anonymousCall("carrier_a"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(anonymousCall("carrier_a"))).isEqualTo(Verdict.CONTINUE);
    // callers with a number are not anonymous calls
    assertThat(check.check(call(CALLER))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.dryRun(anonymousCall("carrier_a")))
        .isEqualTo(new Verdict.Flag("anonymous_per_second", 60));
    assertThat(check.check(anonymousCall("carrier_a")))
        .isEqualTo(new Verdict.Flag("anonymous_per_second", 60));
    assertThat(check.anonymousCalls("carrier_a")).isEqualTo(3);
    // each peer has its own window and its own limit
    assertThat(check.check(anonymousCall("carrier_b"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(anonymousCall("carrier_b")))
        .isEqualTo(new Verdict.Flag("anonymous_per_second", 60));
    advance(Duration.ofSeconds(1));
    assertThat(check.anonymousCalls("carrier_a")).isZero();
    assertThat(check.check(anonymousCall("carrier_a"))).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void anonymousLimitWinsOverThePeerLimit() {
    VelocityCheck check = check(VelocityLimits.NONE.withAnonymousPerSecond(1).withPeerPerSecond(1));
    assertThat(check.check(anonymousCall("carrier_a"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(anonymousCall("carrier_a")))
        .isEqualTo(new Verdict.Flag("anonymous_per_second", 60));
  }

  @Test
  void callerLimitsWinOverSequentialDialingAndPeerLimit() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerSecond(2).withPeerPerSecond(2)
        .withSequentialDialing(new SequentialDialing(3, Duration.ofMinutes(1), 1)));
    assertThat(check.check(call(CALLER, "+13015550100", "carrier_a"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(call(CALLER, "+13015550101", "carrier_a"))).isEqualTo(Verdict.CONTINUE);
    // third call: all three limits exceeded at once
    assertThat(check.check(call(CALLER, "+13015550102", "carrier_a")))
        .isEqualTo(new Verdict.Flag("caller_per_second", 60));
    advance(Duration.ofSeconds(1));
    assertThat(check.check(call(CALLER, "+13015550103", "carrier_a")))
        .isEqualTo(new Verdict.Flag("sequential_dialing", 60));
    assertThat(check.check(call("+12025550999", "+13015550999", "carrier_a"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(call("+12025550998", "+13015550999", "carrier_a")))
        .isEqualTo(new Verdict.Flag("peer_per_second", 60));
  }

  @Test
  void flagsSequentialDialing() {
    VelocityCheck check = check(VelocityLimits.NONE
        .withSequentialDialing(new SequentialDialing(5, Duration.ofSeconds(60), 2)));
    String[] called = {"+13015550100", "+13015550101", "+13015550103", "+13015550104"};
    for (String callee : called) {
      assertThat(check.check(call(CALLER, callee, "carrier_a"))).isEqualTo(Verdict.CONTINUE);
      advance(Duration.ofSeconds(10));
    }
    assertThat(check.check(call(CALLER, "+13015550105", "carrier_a")))
        .isEqualTo(new Verdict.Flag("sequential_dialing", 60));
    assertThat(check.check(call(CALLER, "+13015550106", "carrier_a")))
        .isEqualTo(new Verdict.Flag("sequential_dialing", 60));
    // a jump ends the run; another caller dialing the next numbers has a run of its own
    assertThat(check.check(call(CALLER, "+13015550200", "carrier_a"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(call("+12025550124", "+13015550201", "carrier_a")))
        .isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void sequentialRunSlowerThanItsWindowIsNotFlagged() {
    VelocityCheck check = check(VelocityLimits.NONE
        .withSequentialDialing(new SequentialDialing(3, Duration.ofSeconds(60), 1)));
    for (int i = 0; i < 10; i++) {
      assertThat(check.check(call(CALLER, "+1301555010" + i, "carrier_a")))
          .isEqualTo(Verdict.CONTINUE);
      advance(Duration.ofSeconds(31));
    }
  }

  @Test
  void distinctCallerFloodStaysWithinCacheBound() {
    VelocityCheck check = new VelocityCheck(VelocityLimits.NONE.withCallerPerSecond(10)
        .withCallerPerHour(100), Map.of(), 60, 1000, ticker);
    for (int i = 0; i < 100_000; i++) {
      assertThat(check.check(call("+1202" + (2_000_000 + i)))).isEqualTo(Verdict.CONTINUE);
    }
    assertThat(check.trackedCallers()).isLessThanOrEqualTo(1000);
  }

  @Test
  void idleCallersExpireAfterTheLongestWindow() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerMinute(10));
    check.check(call(CALLER));
    check.check(call("+12025550124"));
    assertThat(check.trackedCallers()).isEqualTo(2);
    advance(Duration.ofSeconds(61));
    assertThat(check.trackedCallers()).isZero();
  }

  @Test
  void concurrentCallsFromManyThreadsAreAllCounted() throws Exception {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerHour(1_000_000).withPeerPerSecond(1_000_000));
    int threads = 4;
    int callsPerThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < callsPerThread; i++) {
            check.check(call(CALLER));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(check.callerCalls(number(CALLER), Window.PER_HOUR)).isEqualTo(threads * callsPerThread);
    assertThat(check.peerCalls("carrier_a")).isEqualTo(threads * callsPerThread);
  }

  @Test
  void statsForAWindowNoLimitUsesAreAnError() {
    VelocityCheck check = check(VelocityLimits.NONE.withCallerPerSecond(10));
    assertThatThrownBy(() -> check.callerCalls(number(CALLER), Window.PER_HOUR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("velocity window PER_HOUR is not counted: no limit uses it");
    assertThat(check.callerCalls(number(CALLER), Window.PER_SECOND)).isZero();
  }

  @Test
  void rejectsBadConfiguration() {
    assertThatThrownBy(() -> new VelocityCheck(VelocityLimits.NONE, Map.of(), 101, 1000, ticker))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("velocity score must be 0-100, was 101");
    assertThatThrownBy(() -> new VelocityCheck(VelocityLimits.NONE, Map.of(), 60, 0, ticker))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("velocity max tracked numbers must be at least 1, was 0");
    assertThatThrownBy(() -> VelocityLimits.NONE.withCallerPerMinute(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("caller_per_minute must be at least 1, was 0");
    assertThatThrownBy(() -> new SequentialDialing(1, Duration.ofMinutes(1), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sequential_dialing count must be 2-1000, was 1");
    assertThatThrownBy(() -> new SequentialDialing(5, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sequential_dialing window must be positive, was PT0S");
    assertThatThrownBy(() -> new SequentialDialing(5, Duration.ofMinutes(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sequential_dialing max_step must be at least 1, was 0");
  }
}
