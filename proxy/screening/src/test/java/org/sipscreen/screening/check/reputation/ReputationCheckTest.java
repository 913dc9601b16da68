package org.sipscreen.screening.check.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.reputation.CircuitBreaker;
import org.sipscreen.screening.check.reputation.ReputationAnswer;
import org.sipscreen.screening.check.reputation.ReputationBands;
import org.sipscreen.screening.check.reputation.ReputationFeed;
import org.sipscreen.screening.check.reputation.ReputationSettings;
import org.sipscreen.screening.check.reputation.ReputationSource;
import org.sipscreen.testkit.ManualTime;

class ReputationCheckTest {

  private static final ReputationSettings SETTINGS = new ReputationSettings(
      Duration.ofMillis(50), Duration.ofMinutes(10), Duration.ofSeconds(60), Duration.ofSeconds(5),
      Duration.ofSeconds(2), 1000, 3, Duration.ofSeconds(10), ReputationBands.DEFAULT, Map.of());

  private final ManualTime time = new ManualTime();
  private final FakeSource source = new FakeSource();

  /** A source whose answers the test gives by hand. */
  private static final class FakeSource implements ReputationSource {
    final List<String> asked = new ArrayList<>();
    final List<CompletableFuture<ReputationAnswer>> pending = new ArrayList<>();

    @Override
    public CompletionStage<ReputationAnswer> lookup(String e164) {
      asked.add(e164);
      CompletableFuture<ReputationAnswer> answer = new CompletableFuture<>();
      pending.add(answer);
      return answer;
    }

    CompletableFuture<ReputationAnswer> last() {
      return pending.get(pending.size() - 1);
    }
  }

  private ReputationCheck check(ReputationSettings settings, ReputationFeed feed) {
    return new ReputationCheck(settings, feed, Optional.of(source), time, time);
  }

  private ReputationCheck check() {
    return check(SETTINGS, ReputationFeed.EMPTY);
  }

  private static ScreenedCall from(String e164) {
    return TestCalls.invite().from("<sip:" + e164 + "@peer.example;user=phone>;tag=1").screened();
  }

  private static Verdict.Later later(Verdict verdict) {
    assertThat(verdict).isInstanceOf(Verdict.Later.class);
    return (Verdict.Later) verdict;
  }

  private static Verdict resultOf(Verdict.Later later) {
    CompletableFuture<Verdict> f = later.verdict().toCompletableFuture();
    assertThat(f).as("the deferred verdict is ready").isDone();
    assertThat(f).isNotCompletedExceptionally();
    return f.join();
  }

  private static String label(ReputationCheck check, Verdict verdict) {
    return check.outcomeLabel(verdict, from("+12025550123"));
  }

  @Test
  void cacheHitAnswersSynchronously() {
    ReputationCheck check = check();
    Verdict.Later first = later(check.check(from("+12025550123")));
    assertThat(source.asked).containsExactly("+12025550123");
    source.last().complete(new ReputationAnswer.Scored(60, "robocall"));
    assertThat(resultOf(first)).isEqualTo(new Verdict.Flag("reputation_high", 60));

    Verdict second = check.check(from("+12025550123"));
    assertThat(second).isEqualTo(new Verdict.Flag("reputation_high", 60));
    assertThat(source.asked).hasSize(1);
    assertThat(check.stats().cacheHits()).isEqualTo(1);
    assertThat(check.stats().cacheMisses()).isEqualTo(1);
    assertThat(check.stats().requests()).isEqualTo(1);
    assertThat(time.pendingTasks()).as("timers are cancelled once answered").isZero();
  }

  @Test
  void concurrentLookupsOfOneNumberAreDeduplicated() {
    ReputationCheck check = check();
    List<Verdict.Later> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(later(check.check(from("+12025550123"))));
    }
    assertThat(source.asked).containsExactly("+12025550123");
    time.advance(Duration.ofMillis(20));
    source.last().complete(new ReputationAnswer.Scored(80, "scam"));
    for (Verdict.Later l : waiting) {
      assertThat(resultOf(l)).isEqualTo(new Verdict.Flag("reputation_very_high", 80));
    }
    assertThat(check.stats().coalesced()).isEqualTo(2);
    assertThat(check.stats().requests()).isEqualTo(1);
  }

  @Test
  void deadlineExpiresToUnknownAndCallContinues() {
    ReputationCheck check = check();
    Verdict.Later pending = later(check.check(from("+12025550123")));
    time.advance(Duration.ofMillis(49));
    assertThat(pending.verdict().toCompletableFuture()).isNotDone();
    time.advance(Duration.ofMillis(1));
    Verdict verdict = resultOf(pending);
    assertThat(verdict).isInstanceOf(Verdict.Continue.class);
    assertThat(label(check, verdict)).isEqualTo(ReputationCheck.UNKNOWN_TIMEOUT);
    assertThat(check.stats().timeouts()).isEqualTo(1);
  }

  @Test
  void lateAnswerStillFillsTheCache() {
    ReputationCheck check = check();
    Verdict.Later pending = later(check.check(from("+12025550123")));
    time.advance(Duration.ofMillis(200));
    assertThat(label(check, resultOf(pending))).isEqualTo(ReputationCheck.UNKNOWN_TIMEOUT);

    source.last().complete(new ReputationAnswer.Scored(30, "telemarketing"));
    assertThat(check.check(from("+12025550123"))).isEqualTo(new Verdict.Flag("reputation_medium", 30));
    assertThat(source.asked).hasSize(1);
    assertThat(check.stats().lateAnswers()).isEqualTo(1);
  }

  @Test
  void notFoundIsNegativelyCached() {
    ReputationCheck check = check();
    Verdict.Later pending = later(check.check(from("+12025550123")));
    time.advance(Duration.ofMillis(10));
    source.last().complete(ReputationAnswer.NOT_FOUND);
    assertThat(label(check, resultOf(pending))).isEqualTo(ReputationCheck.NOT_FOUND);

    time.advance(Duration.ofSeconds(59));
    Verdict cached = check.check(from("+12025550123"));
    assertThat(cached).isInstanceOf(Verdict.Continue.class);
    assertThat(label(check, cached)).isEqualTo(ReputationCheck.NOT_FOUND);
    assertThat(source.asked).hasSize(1);

    time.advance(Duration.ofSeconds(1));
    later(check.check(from("+12025550123")));
    assertThat(source.asked).as("asked again after the negative TTL").hasSize(2);
  }

  @Test
  void scoredAnswersLiveForTheCacheTtlFromTheirArrival() {
    ReputationCheck check = check();
    later(check.check(from("+12025550123")));
    time.advance(Duration.ofMillis(30));
    source.last().complete(new ReputationAnswer.Scored(55, "robocall"));
    time.advance(Duration.ofMinutes(10).minusNanos(1));
    assertThat(check.check(from("+12025550123"))).isEqualTo(new Verdict.Flag("reputation_high", 55));
    time.advance(Duration.ofNanos(1));
    later(check.check(from("+12025550123")));
    assertThat(source.asked).hasSize(2);
  }

  @Test
  void errorsAreCachedBrieflyAndReportedAsUnknown() {
    ReputationCheck check = check();
    Verdict.Later pending = later(check.check(from("+12025550123")));
    source.last().completeExceptionally(new IOException("HTTP 500"));
    assertThat(label(check, resultOf(pending))).isEqualTo(ReputationCheck.UNKNOWN_ERROR);
    assertThat(check.stats().errors()).isEqualTo(1);

    Verdict cached = check.check(from("+12025550123"));
    assertThat(label(check, cached)).isEqualTo(ReputationCheck.UNKNOWN_ERROR);
    assertThat(source.asked).hasSize(1);
    time.advance(Duration.ofSeconds(5));
    later(check.check(from("+12025550123")));
    assertThat(source.asked).hasSize(2);
  }

  @Test
  void errorsOpenTheCircuitAndItHalfOpensAfterCoolDown() {
    ReputationCheck check = check();
    for (int i = 0; i < 3; i++) {
      later(check.check(from("+1202555010" + i)));
      source.last().completeExceptionally(new IOException("connection refused"));
    }
    assertThat(check.stats().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(check.stats().circuitOpens()).isEqualTo(1);

    Verdict refused = check.check(from("+12025550200"));
    assertThat(label(check, refused)).isEqualTo(ReputationCheck.CIRCUIT_OPEN);
    assertThat(source.asked).hasSize(3);
    assertThat(check.stats().circuitRejected()).isEqualTo(1);

    time.advance(Duration.ofSeconds(10));
    Verdict.Later probe = later(check.check(from("+12025550201")));
    assertThat(source.asked).hasSize(4);
    assertThat(check.stats().circuitState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(label(check, check.check(from("+12025550202"))))
        .as("one probe at a time").isEqualTo(ReputationCheck.CIRCUIT_OPEN);

    source.last().complete(new ReputationAnswer.Scored(10, "clean"));
    assertThat(label(check, resultOf(probe))).isEqualTo("reputation_low");
    assertThat(check.stats().circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    later(check.check(from("+12025550203")));
    assertThat(source.asked).hasSize(5);
  }

  @Test
  void failedProbeOpensTheCircuitForAnotherCoolDown() {
    ReputationCheck check = check();
    for (int i = 0; i < 3; i++) {
      later(check.check(from("+1202555010" + i)));
      source.last().completeExceptionally(new IOException("boom"));
    }
    time.advance(Duration.ofSeconds(10));
    later(check.check(from("+12025550201")));
    source.last().completeExceptionally(new IOException("still down"));
    assertThat(check.stats().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(check.stats().circuitOpens()).isEqualTo(2);
    time.advance(Duration.ofSeconds(9));
    assertThat(label(check, check.check(from("+12025550202")))).isEqualTo(ReputationCheck.CIRCUIT_OPEN);
  }

  @Test
  void lookupsThatMissTheDeadlineCountAsFailuresForTheBreaker() {
    ReputationCheck check = check();
    for (int i = 0; i < 3; i++) {
      later(check.check(from("+1202555010" + i)));
      time.advance(Duration.ofMillis(50));
    }
    assertThat(check.stats().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(check.stats().timeouts()).isEqualTo(3);
  }

  @Test
  void aLookupThatNeverAnswersIsGivenUpAfterTheLookupTimeout() {
    ReputationCheck check = check();
    later(check.check(from("+12025550123")));
    time.advance(Duration.ofSeconds(2));
    Verdict cached = check.check(from("+12025550123"));
    assertThat(label(check, cached)).isEqualTo(ReputationCheck.UNKNOWN_ERROR);
    assertThat(check.stats().errors()).isEqualTo(1);
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void aSourceThatThrowsIsAnError() {
    ReputationSource throwing = number -> {
      throw new IllegalStateException("bug");
    };
    ReputationCheck check =
        new ReputationCheck(SETTINGS, ReputationFeed.EMPTY, Optional.of(throwing), time, time);
    Verdict verdict = check.check(from("+12025550123"));
    assertThat(label(check, verdict)).isEqualTo(ReputationCheck.UNKNOWN_ERROR);
  }

  @Test
  void feedHitNeedsNoRemoteLookup() {
    ReputationFeed feed = ReputationFeed.of("test", "+12025550123,90,robocall");
    ReputationCheck check = check(SETTINGS, feed);
    assertThat(check.check(from("+12025550123"))).isEqualTo(new Verdict.Flag("reputation_very_high", 90));
    assertThat(source.asked).isEmpty();
    assertThat(check.stats().feedHits()).isEqualTo(1);
    assertThat(check.stats().lookups()).isZero();
  }

  @Test
  void reloadedFeedKeepsTheCache() {
    ReputationCheck check = check();
    later(check.check(from("+12025550123")));
    source.last().complete(new ReputationAnswer.Scored(60, "robocall"));
    ReputationCheck reloaded = check.withFeed(ReputationFeed.of("new", "+12025550999,99,scam"));
    assertThat(reloaded.check(from("+12025550123"))).isEqualTo(new Verdict.Flag("reputation_high", 60));
    assertThat(reloaded.check(from("+12025550999"))).isEqualTo(new Verdict.Flag("reputation_very_high", 99));
    assertThat(reloaded.stats()).isSameAs(check.stats());
  }

  @Test
  void highScoreFlagsWithBand() {
    ReputationFeed feed = ReputationFeed.of("test",
        "+12025550100,0", "+12025550124,24", "+12025550125,25", "+12025550149,49",
        "+12025550150,50", "+12025550174,74", "+12025550175,75", "+12025550199,100");
    ReputationCheck check = check(SETTINGS, feed);
    Map<String, String> expected = Map.of(
        "+12025550100", "reputation_low", "+12025550124", "reputation_low",
        "+12025550125", "reputation_medium", "+12025550149", "reputation_medium",
        "+12025550150", "reputation_high", "+12025550174", "reputation_high",
        "+12025550175", "reputation_very_high", "+12025550199", "reputation_very_high");
    expected.forEach((number, band) -> {
      Verdict verdict = check.check(from(number));
      assertThat(label(check, verdict)).as(number).isEqualTo(band);
      if (band.equals("reputation_low")) {
        assertThat(verdict).as("low does not flag").isInstanceOf(Verdict.Continue.class);
      } else {
        assertThat(verdict).isInstanceOf(Verdict.Flag.class);
      }
    });
    assertThat(check.check(from("+12025550150"))).isEqualTo(new Verdict.Flag("reputation_high", 50));
  }

  @Test
  void configuredBandsAndFlagScoresReplaceTheDefaults() {
    ReputationSettings settings = new ReputationSettings(SETTINGS.deadline(), SETTINGS.cacheTtl(),
        SETTINGS.notFoundTtl(), SETTINGS.errorTtl(), SETTINGS.lookupTimeout(), 1000, 3,
        SETTINGS.circuitCoolDown(), new ReputationBands(40, 70, 90),
        Map.of(ReputationBands.Band.VERY_HIGH, 100));
    ReputationCheck check = check(settings,
        ReputationFeed.of("test", "+12025550139,39", "+12025550140,40", "+12025550195,95"));
    assertThat(label(check, check.check(from("+12025550139")))).isEqualTo("reputation_low");
    assertThat(check.check(from("+12025550140"))).isEqualTo(new Verdict.Flag("reputation_medium", 40));
    assertThat(check.check(from("+12025550195"))).isEqualTo(new Verdict.Flag("reputation_very_high", 100));
  }

  @Test
  void callersWithoutANumberOrOnTheAllowListAreNotLookedUp() {
    ReputationCheck check = check();
    ScreenedCall anonymous = TestCalls.invite()
        .from("\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1").screened();
    Verdict verdict = check.check(anonymous);
    assertThat(check.outcomeLabel(verdict, anonymous)).isEqualTo(ReputationCheck.NO_NUMBER);

    ScreenedCall allowed = TestCalls.invite().screened(NumberList.of("allow", "+12025550123"));
    verdict = check.check(allowed);
    assertThat(check.outcomeLabel(verdict, allowed)).isEqualTo(CheckOutcome.ALLOWED);
    assertThat(source.asked).isEmpty();
  }

  @Test
  void feedOnlyCheckAnswersNotFoundForUnlistedNumbers() {
    ReputationCheck check = ReputationCheck.feedOnly(SETTINGS, ReputationFeed.of("f", "+12025550123,80"));
    assertThat(check.check(from("+12025550123"))).isEqualTo(new Verdict.Flag("reputation_very_high", 80));
    assertThat(label(check, check.check(from("+12025550124")))).isEqualTo(ReputationCheck.NOT_FOUND);
  }

  @Test
  void settingsRejectBadValuesNamingTheKey() {
    assertThatThrownBy(() -> SETTINGS.withDeadline(Duration.ZERO))
        .hasMessageContaining("deadline_ms must be positive");
    assertThatThrownBy(() -> new ReputationBands(50, 50, 75))
        .hasMessageContaining("1 <= medium < high < very_high <= 100");
    assertThatThrownBy(() -> new ReputationSettings(SETTINGS.deadline(), SETTINGS.cacheTtl(),
        SETTINGS.notFoundTtl(), SETTINGS.errorTtl(), SETTINGS.lookupTimeout(), 1000, 0,
        SETTINGS.circuitCoolDown(), ReputationBands.DEFAULT, Map.of()))
        .hasMessageContaining("circuit_breaker.failures must be at least 1, was 0");
    assertThatThrownBy(() -> new ReputationSettings(SETTINGS.deadline(), SETTINGS.cacheTtl(),
        SETTINGS.notFoundTtl(), SETTINGS.errorTtl(), SETTINGS.lookupTimeout(), 1000, 3,
        SETTINGS.circuitCoolDown(), ReputationBands.DEFAULT, Map.of(ReputationBands.Band.LOW, 5)))
        .hasMessageContaining("low band does not flag");
  }
}
