package org.sipscreen.screening.check.reputation;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;

/**
 * The caller's reputation, 0-100, from the bulk feed or else from the remote service, mapped to a band:
 * {@code medium}, {@code high} and {@code very_high} flag ({@code Flag("reputation_<band>", score)});
 * {@code low} and every kind of "unknown" continue, with the reason as outcome label.
 *
 * <p>Why this class is shaped the way it is. The remote service must never hold a call longer than the
 * deadline (50 ms), must not be hammered, and its answers are worth keeping:
 * <ul>
 *   <li>Answers live in a Caffeine {@link AsyncCache} keyed by E.164 number, as the final
 *       {@link Verdict} (so a hit is one map read and no allocation, answered synchronously). The cached
 *       future never completes exceptionally: a failure is cached as an "error" verdict with its own
 *       short TTL, "not found" with another; positive answers live {@code cacheTtl} from when they
 *       arrived. Calls for a number already being looked up share the one pending future
 *       (deduplication comes from the cache's atomic {@code get}).</li>
 *   <li>A call that has to wait gets {@link Verdict.Later}: its own deadline timer completes it with
 *       "unknown_timeout" ({@link Verdict#CONTINUE} semantics, fail-open) unless the answer comes first.
 *       The lookup itself goes on after a call's deadline, up to {@code lookupTimeout}, and a late answer
 *       still fills the cache for the next call.</li>
 *   <li>Each source request reports once to the {@link CircuitBreaker}: success if it answered within
 *       the deadline, failure if it failed or the deadline passed first. An open circuit answers
 *       "circuit_open" at once without a request.</li>
 * </ul>
 * Completions run on whichever thread completes them: the source's (the HTTP client's event loop) or the
 * scheduler's (deadlines); nothing here blocks. The unknown outcomes are {@code Continue} verdicts
 * that carry their outcome label, so pass verdicts on unchanged.
 */
public final class ReputationCheck implements Check {

  public static final String NAME = "reputation";

  /** Outcome label: the caller is on the allow list; no lookup. */
  public static final String ALLOWED = CheckOutcome.ALLOWED;
  /** Outcome label: the caller has no E.164 number (anonymous, unparseable); no lookup. */
  public static final String NO_NUMBER = "no_number";
  /** Outcome label: neither the feed nor the service knows the number. */
  public static final String NOT_FOUND = "not_found";
  /** Outcome label: the service did not answer within the deadline; the call went on. */
  public static final String UNKNOWN_TIMEOUT = "unknown_timeout";
  /** Outcome label: the lookup failed (or a recent failure for this number is cached). */
  public static final String UNKNOWN_ERROR = "unknown_error";
  /** Outcome label: the circuit breaker is open; the service was not asked. */
  public static final String CIRCUIT_OPEN = "circuit_open";

  private static final Verdict.Continue ALLOWED_VERDICT = new Verdict.Continue(ALLOWED);
  private static final Verdict.Continue NO_NUMBER_VERDICT = new Verdict.Continue(NO_NUMBER);
  private static final Verdict.Continue NOT_FOUND_VERDICT = new Verdict.Continue(NOT_FOUND);
  private static final Verdict.Continue TIMEOUT_VERDICT = new Verdict.Continue(UNKNOWN_TIMEOUT);
  private static final Verdict.Continue ERROR_VERDICT = new Verdict.Continue(UNKNOWN_ERROR);
  private static final Verdict.Continue CIRCUIT_OPEN_VERDICT = new Verdict.Continue(CIRCUIT_OPEN);
  private static final Verdict.Continue LOW_VERDICT =
      new Verdict.Continue(ReputationBands.Band.LOW.label());

  private static final Executor DIRECT = Runnable::run;

  private final ReputationSettings settings;
  private final ReputationFeed feed;
  /** verdicts[score]: LOW_VERDICT or the band's Flag, built once so that answering never allocates. */
  private final Verdict[] verdicts;
  private final Stats stats;
  private final Remote remote; // null: feed only

  /**
   * @param settings deadline, TTLs, circuit breaker, bands
   * @param feed the bulk feed, consulted first; {@link ReputationFeed#EMPTY} for none
   * @param source the remote service; empty for a feed-only check (a feed miss is "not_found")
   * @param ticker time for cache expiry and the circuit breaker ({@link Ticker#systemTicker()})
   * @param scheduler runs the deadline timers, e.g.
   *     {@code Scheduler.forScheduledExecutorService(eventLoopGroup)}; timers run on its threads and do
   *     only a few atomic operations
   */
  public ReputationCheck(ReputationSettings settings, ReputationFeed feed,
      Optional<ReputationSource> source, Ticker ticker, Scheduler scheduler) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.feed = Objects.requireNonNull(feed, "feed");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(scheduler, "scheduler");
    this.verdicts = verdictsByScore(settings);
    this.stats = new Stats();
    this.remote = source.isPresent()
        ? new Remote(settings, source.get(), ticker, scheduler, verdicts, stats)
        : null;
    stats.breaker = remote == null ? null : remote.breaker;
  }

  /** A check that only reads the feed; a number not in it is "not_found". */
  public static ReputationCheck feedOnly(ReputationSettings settings, ReputationFeed feed) {
    return new ReputationCheck(settings, feed, Optional.empty(), Ticker.systemTicker(),
        Scheduler.disabledScheduler());
  }

  private ReputationCheck(ReputationCheck base, ReputationFeed feed) {
    this.settings = base.settings;
    this.feed = Objects.requireNonNull(feed, "feed");
    this.verdicts = base.verdicts;
    this.stats = base.stats;
    this.remote = base.remote;
  }

  /**
   * A check reading another feed snapshot that shares this one's cache, circuit breaker and stats: swap
   * it in when the feed file is reloaded so that cached answers survive.
   */
  public ReputationCheck withFeed(ReputationFeed newFeed) {
    return new ReputationCheck(this, newFeed);
  }

  @Override
  public String name() {
    return NAME;
  }

  public ReputationSettings settings() {
    return settings;
  }

  /** The feed (the remote answers' cache is sized from the config, see {@code HeapEstimate}). */
  @Override
  public long heapBytes() {
    return feed.heapBytes();
  }

  public ReputationFeed feed() {
    return feed;
  }

  /** Counters for metrics; shared with checks made by {@link #withFeed}. */
  public Stats stats() {
    return stats;
  }

  @Override
  public Verdict check(ScreenedCall call) {
    if (call.callerAllowListed()) {
      return ALLOWED_VERDICT;
    }
    if (!(call.callerNumber() instanceof PhoneNumber.E164 caller)) {
      return NO_NUMBER_VERDICT;
    }
    int entry = feed.indexOf(caller);
    if (entry >= 0) {
      stats.feedHits.increment();
      return verdicts[feed.scoreAt(entry)];
    }
    if (remote == null) {
      return NOT_FOUND_VERDICT;
    }
    return remote.lookup(caller.value());
  }

  /**
   * The verdict from the feed or from an answer already cached, without asking the service (a dry run
   * must not change the cache or the circuit breaker); anything else is "not_found".
   */
  @Override
  public Verdict dryRun(ScreenedCall call) {
    if (call.callerAllowListed()) {
      return ALLOWED_VERDICT;
    }
    if (!(call.callerNumber() instanceof PhoneNumber.E164 caller)) {
      return NO_NUMBER_VERDICT;
    }
    int entry = feed.indexOf(caller);
    if (entry >= 0) {
      return verdicts[feed.scoreAt(entry)];
    }
    if (remote != null) {
      CompletableFuture<Verdict> cached = remote.cache.getIfPresent(caller.value());
      if (cached != null && cached.isDone()) {
        return cached.getNow(ERROR_VERDICT);
      }
    }
    return NOT_FOUND_VERDICT;
  }

  /** The remote service this check asks; empty for a feed-only check. */
  public Optional<ReputationSource> source() {
    return remote == null ? Optional.empty() : Optional.of(remote.source);
  }

  private static Verdict[] verdictsByScore(ReputationSettings settings) {
    Verdict[] byScore = new Verdict[101];
    Verdict.Flag[] fixed = new Verdict.Flag[ReputationBands.Band.values().length];
    settings.flagScores().forEach((band, score) -> fixed[band.ordinal()] =
        new Verdict.Flag(band.label(), score));
    for (int score = 0; score <= 100; score++) {
      ReputationBands.Band band = settings.bands().bandOf(score);
      if (band == ReputationBands.Band.LOW) {
        byScore[score] = LOW_VERDICT;
      } else if (fixed[band.ordinal()] != null) {
        byScore[score] = fixed[band.ordinal()];
      } else {
        byScore[score] = new Verdict.Flag(band.label(), score);
      }
    }
    return byScore;
  }

  /**
   * Counters for {@code sipscreen_reputation_*} metrics. Per call: {@code lookups} (feed misses that
   * consulted the remote side) = {@code cacheHits} + {@code cacheMisses}; of the misses,
   * {@code coalesced} joined a lookup already pending and {@code circuitRejected} were not asked because
   * the circuit was open; {@code timeouts} calls continued unknown at their deadline. Per source
   * request: {@code requests}, {@code errors} (failed or given up after the lookup timeout),
   * {@code lateAnswers} (answered after the deadline; they still fill the cache).
   */
  public static final class Stats {
    private final LongAdder feedHits = new LongAdder();
    private final LongAdder lookups = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder circuitRejected = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder lateAnswers = new LongAdder();
    private CircuitBreaker breaker; // set once in the constructor, before the check is published

    Stats() {}

    public long feedHits() {
      return feedHits.sum();
    }

    public long lookups() {
      return lookups.sum();
    }

    public long cacheHits() {
      return cacheHits.sum();
    }

    public long cacheMisses() {
      return cacheMisses.sum();
    }

    public long coalesced() {
      return coalesced.sum();
    }

    public long circuitRejected() {
      return circuitRejected.sum();
    }

    public long timeouts() {
      return timeouts.sum();
    }

    public long requests() {
      return requests.sum();
    }

    public long errors() {
      return errors.sum();
    }

    public long lateAnswers() {
      return lateAnswers.sum();
    }

    /** How many times the circuit breaker opened; 0 for a feed-only check. */
    public long circuitOpens() {
      return breaker == null ? 0 : breaker.opens();
    }

    /** The circuit breaker's state now; CLOSED for a feed-only check. */
    public CircuitBreaker.State circuitState() {
      return breaker == null ? CircuitBreaker.State.CLOSED : breaker.state();
    }
  }

  /** The remote side: cache, circuit breaker and deadline timers around the source. */
  private static final class Remote {
    private final ReputationSource source;
    private final Scheduler scheduler;
    private final long deadlineNanos;
    private final long lookupTimeoutNanos;
    private final Verdict[] verdicts;
    private final Stats stats;
    private final CircuitBreaker breaker;
    private final AsyncCache<String, Verdict> cache;

    Remote(ReputationSettings settings, ReputationSource source, Ticker ticker, Scheduler scheduler,
        Verdict[] verdicts, Stats stats) {
      this.source = source;
      this.scheduler = scheduler;
      this.deadlineNanos = settings.deadline().toNanos();
      this.lookupTimeoutNanos = settings.lookupTimeout().toNanos();
      this.verdicts = verdicts;
      this.stats = stats;
      this.breaker = new CircuitBreaker(settings.circuitFailures(), settings.circuitCoolDown(), ticker);
      Duration ttl = settings.cacheTtl();
      Duration notFoundTtl = settings.notFoundTtl();
      Duration errorTtl = settings.errorTtl();
      this.cache = Caffeine.newBuilder()
          .ticker(ticker)
          .executor(DIRECT) // maintenance is a few map operations; no pool hop, deterministic in tests
          .maximumSize(settings.maxCachedNumbers())
          .expireAfter(Expiry.<String, Verdict>creating((number, verdict) ->
              verdict.equals(NOT_FOUND_VERDICT) ? notFoundTtl
                  : verdict.equals(ERROR_VERDICT) ? errorTtl : ttl))
          .buildAsync();
    }

    Verdict lookup(String number) {
      stats.lookups.increment();
      CompletableFuture<Verdict> answer = cache.getIfPresent(number);
      if (answer != null && answer.isDone()) {
        stats.cacheHits.increment();
        return answer.getNow(ERROR_VERDICT);
      }
      stats.cacheMisses.increment();
      if (answer != null) {
        stats.coalesced.increment();
      } else {
        CircuitBreaker.Permit permit = breaker.tryAcquire();
        if (permit == CircuitBreaker.Permit.DENIED) {
          stats.circuitRejected.increment();
          return CIRCUIT_OPEN_VERDICT;
        }
        AtomicBoolean started = new AtomicBoolean();
        answer = cache.get(number, (key, executor) -> {
          started.set(true);
          return start(key);
        });
        if (!started.get()) {
          breaker.release(permit); // another call started this lookup between our two reads
          stats.coalesced.increment();
        }
        if (answer.isDone()) {
          return answer.getNow(ERROR_VERDICT); // the source answered synchronously
        }
      }
      return waitAtMostDeadline(answer);
    }

    private Verdict waitAtMostDeadline(CompletableFuture<Verdict> answer) {
      CompletableFuture<Verdict> verdict = new CompletableFuture<>();
      Future<?> timer = scheduler.schedule(DIRECT, () -> {
        // Counted before the call goes on, so whoever sees the unknown verdict also sees the count.
        stats.timeouts.increment();
        if (!verdict.complete(TIMEOUT_VERDICT)) {
          stats.timeouts.decrement();
        }
      }, deadlineNanos, TimeUnit.NANOSECONDS);
      answer.whenComplete((v, failure) -> {
        if (verdict.complete(v != null ? v : ERROR_VERDICT)) {
          timer.cancel(false);
        }
      });
      return new Verdict.Later(verdict);
    }

    /** Starts one source request; the returned future completes normally, with a cacheable verdict. */
    private CompletableFuture<Verdict> start(String number) {
      stats.requests.increment();
      Request request = new Request();
      CompletionStage<ReputationAnswer> stage;
      try {
        stage = Objects.requireNonNull(source.lookup(number), "ReputationSource returned null");
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      request.deadline = scheduler.schedule(DIRECT, request::deadlinePassed, deadlineNanos,
          TimeUnit.NANOSECONDS);
      request.giveUp = scheduler.schedule(DIRECT, request::giveUp, lookupTimeoutNanos,
          TimeUnit.NANOSECONDS);
      stage.whenComplete(request::answered);
      return request.verdict;
    }

    /** One source request; {@code reported} makes sure it reports to the breaker exactly once. */
    private final class Request {
      final CompletableFuture<Verdict> verdict = new CompletableFuture<>();
      final AtomicBoolean reported = new AtomicBoolean();
      volatile Future<?> deadline;
      volatile Future<?> giveUp;

      void deadlinePassed() {
        if (reported.compareAndSet(false, true)) {
          breaker.onFailure();
        }
      }

      void giveUp() {
        deadlinePassed();
        if (verdict.complete(ERROR_VERDICT)) {
          stats.errors.increment();
        }
      }

      void answered(ReputationAnswer answer, Throwable failure) {
        boolean failed = failure != null || answer == null;
        Verdict v;
        if (failed) {
          v = ERROR_VERDICT;
        } else if (answer instanceof ReputationAnswer.Scored scored) {
          v = verdicts[scored.score()];
        } else {
          v = NOT_FOUND_VERDICT;
        }
        if (reported.compareAndSet(false, true)) {
          if (failed) {
            breaker.onFailure();
          } else {
            breaker.onSuccess();
          }
        } else if (!failed) {
          stats.lateAnswers.increment();
        }
        if (verdict.complete(v) && failed) {
          stats.errors.increment();
        }
        Future<?> d = deadline;
        if (d != null) {
          d.cancel(false);
        }
        Future<?> g = giveUp;
        if (g != null) {
          g.cancel(false);
        }
      }
    }
  }
}
