package org.sipscreen.screening.check.reputation;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckMetrics;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.DataFile;
import org.sipscreen.screening.check.LoadedList;

/**
 * Builds reputation from {@code screening.reputation}: the feed is read when the check is built, the
 * remote service's client comes from the running proxy ({@link ReputationServices}). A reload with
 * unchanged settings keeps the running check's cache, circuit breaker and counters and takes the new feed.
 * In a fleet that shares reputation answers ({@link SharedAnswers}), the service is asked only for numbers
 * no instance looked up within the TTL.
 */
public final class ReputationModule extends CheckModule<ReputationConfig, ReputationCheck> {

  public static final ReputationModule INSTANCE = new ReputationModule();

  /** A cached remote answer: cache node, number and future. */
  static final long CACHED_ANSWER_BYTES = 200;

  /** The name of the feed in inventories. */
  public static final String FEED = "reputation_feed";

  /** Deadline timers: they only complete a future, so one shared thread serves every call. */
  private static final Scheduler TIMER = Scheduler.systemScheduler();

  /** The HTTP client's defaults for what config leaves out. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(200);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

  private ReputationModule() {
    super(ReputationCheck.NAME, ReputationConfig.class, ReputationCheck.class);
  }

  @Override
  public ReputationCheck build(ReputationConfig c, CheckContext context) throws CheckConfigException {
    ReputationSettings settings = settings(c);
    ReputationFeed feed = ReputationFeed.EMPTY;
    if (c.feed() != null) {
      java.nio.file.Path file = context.resolve(c.feed().file());
      try {
        feed = ReputationFeed.load(file);
      } catch (IOException e) {
        throw new CheckConfigException("feed.file", "cannot read " + file + ": "
            + CheckConfigException.describe(e), e);
      } catch (IllegalArgumentException e) {
        throw new CheckConfigException("feed.file", e.getMessage(), e);
      }
    }
    Optional<ReputationServices.Service> service = service(c);
    Optional<ReputationServices> services = context.service(ReputationServices.class);
    if (service.isPresent() && services.isPresent()) {
      try {
        services.get().validate(service.get()); // the URL template, before anything runs
      } catch (IllegalArgumentException e) {
        throw new CheckConfigException("url", e.getMessage(), e);
      }
    }
    return ReputationCheck.feedOnly(settings, feed);
  }

  @Override
  public ReputationCheck live(ReputationCheck prepared, ReputationConfig c, CheckContext context)
      throws CheckConfigException {
    Optional<ReputationServices> services = context.service(ReputationServices.class);
    Optional<ReputationServices.Service> service = service(c);
    if (services.isEmpty() || service.isEmpty()) {
      return prepared;
    }
    Optional<ReputationSource> source = services.get().source(service.get());
    if (source.isEmpty()) {
      return prepared;
    }
    ReputationSettings settings = prepared.settings();
    Optional<ReputationSource> shared = context.service(SharedAnswers.class)
        .map(fleet -> new SharedSource(source.get(), fleet, settings.cacheTtl(), settings.notFoundTtl()));
    return new ReputationCheck(settings, prepared.feed(), shared.isPresent() ? shared : source,
        Ticker.systemTicker(), TIMER);
  }

  private static ReputationSettings settings(ReputationConfig c) throws CheckConfigException {
    ReputationSettings d = ReputationSettings.DEFAULTS;
    try {
      ReputationBands bands = c.bands() == null ? d.bands() : new ReputationBands(
          c.bands().medium() == null ? d.bands().mediumFrom() : c.bands().medium(),
          c.bands().high() == null ? d.bands().highFrom() : c.bands().high(),
          c.bands().veryHigh() == null ? d.bands().veryHighFrom() : c.bands().veryHigh());
      Map<ReputationBands.Band, Integer> scores = new EnumMap<>(ReputationBands.Band.class);
      for (Map.Entry<String, Integer> e : c.scores().entrySet()) {
        ReputationBands.Band band;
        try {
          band = ReputationBands.Band.valueOf(e.getKey().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException bad) {
          throw new CheckConfigException("scores." + e.getKey(),
              "unknown band (low, medium, high, very_high)");
        }
        scores.put(band, e.getValue());
      }
      return new ReputationSettings(
          or(c.deadline(), d.deadline()), or(c.cacheTtl(), d.cacheTtl()),
          or(c.negativeTtl(), d.notFoundTtl()), or(c.errorTtl(), d.errorTtl()),
          or(c.lookupTimeout(), d.lookupTimeout()),
          c.maxCachedNumbers() == null ? d.maxCachedNumbers() : c.maxCachedNumbers(),
          c.circuitBreaker().failures() == null ? d.circuitFailures() : c.circuitBreaker().failures(),
          or(c.circuitBreaker().coolDown(), d.circuitCoolDown()), bands, scores);
    } catch (IllegalArgumentException e) {
      throw new CheckConfigException("", e.getMessage(), e);
    }
  }

  /** The remote service's client settings, when the config names a url. */
  private static Optional<ReputationServices.Service> service(ReputationConfig c)
      throws CheckConfigException {
    if (c.url() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ReputationServices.Service(c.url(), or(c.connectTimeout(), CONNECT_TIMEOUT),
          or(c.requestTimeout(), REQUEST_TIMEOUT), c.maxConnections() == null ? 8 : c.maxConnections(),
          c.maxResponseSize() == null ? 4096 : (int) Math.min(Integer.MAX_VALUE,
              c.maxResponseSize().bytes())));
    } catch (IllegalArgumentException e) {
      throw new CheckConfigException("", e.getMessage(), e);
    }
  }

  private static Duration or(Duration value, Duration fallback) {
    return value == null ? fallback : value;
  }

  @Override
  public List<DataFile> files(ReputationConfig c) {
    return c.feed() == null ? List.of()
        : List.of(new DataFile(FEED, "screening.reputation.feed.file", c.feed().file()));
  }

  @Override
  public List<LoadedList> lists(ReputationCheck check) {
    ReputationFeed f = check.feed();
    return f == ReputationFeed.EMPTY ? List.of()
        : List.of(new LoadedList(FEED, f.size(), f.version(), f.loadDuration()));
  }

  @Override
  public ReputationCheck keepList(String list, ReputationCheck running, ReputationCheck built) {
    return built.withFeed(running.feed());
  }

  @Override
  public ReputationCheck carryOver(ReputationCheck running, ReputationCheck built) {
    boolean sameSource = running.source().isPresent() == built.source().isPresent()
        && (running.source().isEmpty() || running.source().get().equals(built.source().get()));
    return running.settings().equals(built.settings()) && sameSource ? running.withFeed(built.feed()) : built;
  }

  @Override
  public long cacheBytes(ReputationConfig c) {
    if (c.url() == null) {
      return 0;
    }
    long answers = c.maxCachedNumbers() == null
        ? ReputationSettings.DEFAULTS.maxCachedNumbers() : c.maxCachedNumbers();
    return answers * CACHED_ANSWER_BYTES;
  }

  @Override
  public ReputationCheck forWarmup(ReputationCheck prepared) {
    return ReputationCheck.feedOnly(prepared.settings(), prepared.feed()); // the warm-up asks no service
  }

  @Override
  public void exportMetrics(Supplier<ReputationCheck> live, CheckMetrics metrics) {
    counter(metrics, live, "sipscreen_reputation_feed_hits", "Calls answered from the bulk feed",
        ReputationCheck.Stats::feedHits);
    counter(metrics, live, "sipscreen_reputation_lookups", "Remote reputation lookups asked for",
        ReputationCheck.Stats::lookups);
    counter(metrics, live, "sipscreen_reputation_cache_hits", "Lookups answered from the cache",
        ReputationCheck.Stats::cacheHits);
    counter(metrics, live, "sipscreen_reputation_cache_misses", "Lookups not in the cache",
        ReputationCheck.Stats::cacheMisses);
    counter(metrics, live, "sipscreen_reputation_coalesced", "Lookups that joined one already in flight",
        ReputationCheck.Stats::coalesced);
    counter(metrics, live, "sipscreen_reputation_requests", "HTTP requests sent to the service",
        ReputationCheck.Stats::requests);
    counter(metrics, live, "sipscreen_reputation_errors", "Failed requests to the service",
        ReputationCheck.Stats::errors);
    counter(metrics, live, "sipscreen_reputation_timeouts",
        "Calls that went on as unknown because the answer missed the deadline (fail open)",
        ReputationCheck.Stats::timeouts);
    counter(metrics, live, "sipscreen_reputation_late_answers", "Answers that arrived after the deadline",
        ReputationCheck.Stats::lateAnswers);
    counter(metrics, live, "sipscreen_reputation_circuit_rejected",
        "Lookups skipped while the circuit was open", ReputationCheck.Stats::circuitRejected);
    counter(metrics, live, "sipscreen_reputation_circuit_opens", "Times the circuit breaker opened",
        ReputationCheck.Stats::circuitOpens);
    metrics.gauge("sipscreen_reputation_circuit_state",
        "State of the reputation circuit breaker: 1 for the current state", "state", () -> {
          String now = live.get().stats().circuitState().name().toLowerCase(Locale.ROOT);
          Map<String, Double> states = new java.util.LinkedHashMap<>();
          for (String state : List.of("closed", "open", "half_open")) {
            states.put(state, state.equals(now) ? 1.0 : 0.0);
          }
          return states;
        });
  }

  private static void counter(CheckMetrics metrics, Supplier<ReputationCheck> live, String name,
      String help, ToLongFunction<ReputationCheck.Stats> value) {
    metrics.counter(name, help, () -> value.applyAsLong(live.get().stats()));
  }
}
