package org.sipscreen.screening.check.stir_shaken;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The validated STI certificate chain for each x5u URL: preloaded from a directory ({@link
 * CertificatePreloadDirectory}) or fetched by an optional {@link CertificateFetcher}, validated by the
 * {@link CertificateChainValidator}, and kept in a Caffeine cache.
 *
 * <p>Why it is built this way. A signed INVITE must not wait on the network longer than the deadline, the
 * certificate host must not see one request per INVITE, and answers are worth keeping but never beyond the
 * certificate's own validity:
 * <ul>
 *   <li>The cache holds one future per URL, so concurrent lookups of a URL share one fetch (the atomic
 *       {@code AsyncCache.get}). The future never completes exceptionally: a failed fetch becomes an
 *       {@link CertificateLookup.Unavailable} entry.</li>
 *   <li>Each {@link #lookup} caller gets its own future that a deadline timer completes with
 *       {@code Unavailable("timeout")}; the fetch goes on (bounded by the fetcher's own deadline) and a late
 *       chain still fills the cache for the next INVITE.</li>
 *   <li>Entries expire per entry (Caffeine {@link Expiry}): a trusted chain after {@code maxTtl} or when
 *       its first certificate expires, whichever is sooner; a rejected chain or failed fetch after
 *       {@code negativeTtl}. Preloaded chains stay in their own map, safe from size eviction; they are
 *       validated when the cache is built and again (without I/O) whenever their entry has expired, so an
 *       expired preloaded certificate turns into a 437 instead of staying trusted.</li>
 * </ul>
 * Unavailable reasons: {@value #NOT_PRELOADED}, {@value #TIMEOUT}, {@value #REFUSED} (the fetcher's SSRF
 * guard or scheme policy, or a URL it cannot use) and {@value #FETCH_FAILED} (everything else). Time
 * comes from the injected ticker (expiry), clock (certificate validity) and scheduler (deadlines).
 * Thread-safe.
 */
public final class CertificateCache implements CertificateSource {

  /** Unavailable: no fetcher and the URL is not in the preload directory. */
  public static final String NOT_PRELOADED = "not_preloaded";
  /** Unavailable: the fetch did not finish within the deadline (it may still fill the cache later). */
  public static final String TIMEOUT = "timeout";
  /** Unavailable: the fetcher refused the URL (scheme, SSRF guard, malformed URL). */
  public static final String REFUSED = "refused";
  /** Unavailable: the fetch failed (connect, TLS, HTTP status, size, the fetcher's own timeout). */
  public static final String FETCH_FAILED = "fetch_failed";

  /**
   * Counts what the cache does; implementations must be thread-safe and cheap. {@link #hit} and {@link
   * #miss} are counted by {@link CertificateCache#cached}, which the hot path asks first.
   */
  public interface Listener {
    /** {@code cached()} answered from the cache or the preload directory. */
    void hit();

    /** {@code cached()} had no answer: the URL has to be (or is being) fetched. */
    void miss();

    /** A fetch delivered a body (whether or not it turned out to be a trusted chain). */
    void fetched();

    /** A fetch failed; {@code reason} is a {@link CertificateFetchException#reason()} or {@code error}. */
    void fetchFailed(String reason);

    /** Counts nothing. */
    Listener NONE = new Listener() {
      @Override
      public void hit() {}

      @Override
      public void miss() {}

      @Override
      public void fetched() {}

      @Override
      public void fetchFailed(String reason) {}
    };
  }

  /**
   * What the cache stores: the answer, how long it may be kept, and for a fetched chain the chain itself
   * (null otherwise), so that a cache built after a reload can validate it again instead of fetching it.
   */
  private record Entry(CertificateLookup lookup, long ttlNanos, List<X509Certificate> fetched) {

    Entry(CertificateLookup lookup, long ttlNanos) {
      this(lookup, ttlNanos, null);
    }
  }

  private static final CertificateLookup.Unavailable NOT_PRELOADED_LOOKUP =
      new CertificateLookup.Unavailable(NOT_PRELOADED);
  private static final CertificateLookup.Unavailable TIMEOUT_LOOKUP =
      new CertificateLookup.Unavailable(TIMEOUT);
  private static final Executor DIRECT = Runnable::run;

  private final CertificateChainValidator validator;
  private final CertificateFetcher fetcher;
  private final long deadlineNanos;
  private final long maxTtlNanos;
  private final long negativeTtlNanos;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Executor executor;
  private final Listener listener;
  private final Map<String, List<X509Certificate>> preloadedChains;
  private final AsyncCache<String, Entry> cache;

  private CertificateCache(Builder b, Map<String, List<X509Certificate>> preloadedChains) {
    this.validator = b.validator;
    this.fetcher = b.fetcher;
    this.deadlineNanos = b.deadline.toNanos();
    this.maxTtlNanos = b.maxTtl.toNanos();
    this.negativeTtlNanos = b.negativeTtl.toNanos();
    this.clock = b.clock;
    this.scheduler = b.scheduler;
    this.executor = b.executor;
    this.listener = b.listener;
    this.preloadedChains = preloadedChains;
    this.cache = Caffeine.newBuilder()
        .maximumSize(b.maximumSize)
        .ticker(b.ticker)
        // Maintenance (draining the read buffers every few hits) runs on the reading thread under a
        // tryLock: a hand-off to the executor would wake a pool thread for a few microseconds of work
        // every dozen signed INVITEs. The executor validates fetched chains (entryOf), which is real work.
        .executor(Runnable::run)
        .expireAfter(new Expiry<String, Entry>() {
          @Override
          public long expireAfterCreate(String url, Entry entry, long now) {
            return entry.ttlNanos();
          }

          @Override
          public long expireAfterUpdate(String url, Entry entry, long now, long remaining) {
            return entry.ttlNanos();
          }

          @Override
          public long expireAfterRead(String url, Entry entry, long now, long remaining) {
            return remaining;
          }
        })
        .buildAsync();
    // Validate preloaded chains now, at startup, rather than on the first INVITE that needs one.
    preloadedChains.forEach((url, chain) ->
        cache.put(url, CompletableFuture.completedFuture(validated(chain))));
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CertificateLookup cached(String x5u) {
    CertificateLookup known = known(x5u);
    if (known == null || known == NOT_PRELOADED_LOOKUP) {
      listener.miss();
    } else {
      listener.hit();
    }
    return known;
  }

  @Override
  public CompletionStage<CertificateLookup> lookup(String x5u) {
    CertificateLookup known = known(x5u);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    CompletableFuture<Entry> fetch = cache.get(x5u, (url, ignored) -> startFetch(url));
    if (fetch.isDone()) {
      return CompletableFuture.completedFuture(fetch.join().lookup());
    }
    CompletableFuture<CertificateLookup> answer = new CompletableFuture<>();
    Future<?> timer = scheduler.schedule(DIRECT, () -> answer.complete(TIMEOUT_LOOKUP),
        deadlineNanos, TimeUnit.NANOSECONDS);
    fetch.thenAccept(entry -> {
      if (answer.complete(entry.lookup())) {
        timer.cancel(false);
      }
    });
    return answer;
  }

  /**
   * Starts fetching each URL that is neither cached, preloaded nor already being fetched, and returns
   * how many fetches it started; the chains land in the cache as they arrive. Without a fetcher, 0.
   */
  public int preload(Collection<String> urls) {
    int started = 0;
    if (fetcher == null) {
      return 0;
    }
    for (String url : urls) {
      if (known(url) != null || cache.getIfPresent(url) != null) {
        continue;
      }
      boolean[] created = {false};
      cache.get(url, (u, ignored) -> {
        created[0] = true;
        return startFetch(u);
      });
      if (created[0]) {
        started++;
      }
    }
    return started;
  }

  /**
   * Takes over the chains {@code running} fetched, when both caches fetch with the same fetcher (one
   * fetcher per fetch settings, so: unchanged fetch settings) and keep entries alike (TTLs, size): for a
   * reload, so that fetched certificates are not fetched again. Each chain is validated again against
   * this cache's trust anchors (no I/O), so a trust-anchor change still takes effect, and keeps at most the
   * time it had left. URLs this cache preloads keep the preloaded chain; failed fetches and fetches still
   * in flight are not taken over. Call it before this cache is in use.
   *
   * @return how many chains were taken over (0 when the settings differ)
   */
  public int adopt(CertificateCache running) {
    if (fetcher == null || running.fetcher != fetcher || running.maxTtlNanos != maxTtlNanos
        || running.negativeTtlNanos != negativeTtlNanos
        || !running.cache.synchronous().policy().eviction().map(e -> e.getMaximum())
            .equals(cache.synchronous().policy().eviction().map(e -> e.getMaximum()))) {
      return 0;
    }
    var expiry = running.cache.synchronous().policy().expireVariably();
    int adopted = 0;
    for (Map.Entry<String, CompletableFuture<Entry>> e : running.cache.asMap().entrySet()) {
      CompletableFuture<Entry> future = e.getValue();
      if (!future.isDone() || preloadedChains.containsKey(e.getKey())) {
        continue;
      }
      Entry old = future.join();
      long left = expiry.flatMap(v -> v.getExpiresAfter(e.getKey())).map(Duration::toNanos).orElse(0L);
      if (old.fetched() == null || left <= 0) {
        continue;
      }
      Entry validated = validated(old.fetched());
      cache.put(e.getKey(), CompletableFuture.completedFuture(
          new Entry(validated.lookup(), Math.min(validated.ttlNanos(), left), old.fetched())));
      adopted++;
    }
    return adopted;
  }

  /** How many URLs the preload directory supplied. */
  public int preloaded() {
    return preloadedChains.size();
  }

  /** Entries in the cache, including fetches in flight; for tests and diagnostics. */
  public long estimatedSize() {
    return cache.synchronous().estimatedSize();
  }

  /** The answer known without I/O, or null when a fetch has to start or is running. */
  private CertificateLookup known(String x5u) {
    Objects.requireNonNull(x5u, "x5u");
    CompletableFuture<Entry> entry = cache.getIfPresent(x5u);
    if (entry != null) {
      return entry.isDone() ? entry.join().lookup() : null;
    }
    List<X509Certificate> chain = preloadedChains.get(x5u);
    if (chain != null) {
      Entry validated = validated(chain);
      cache.put(x5u, CompletableFuture.completedFuture(validated));
      return validated.lookup();
    }
    return fetcher == null ? NOT_PRELOADED_LOOKUP : null;
  }

  private CompletableFuture<Entry> startFetch(String url) {
    CompletionStage<byte[]> body;
    try {
      body = fetcher.fetch(new URI(url));
    } catch (URISyntaxException e) {
      body = CompletableFuture.failedFuture(new CertificateFetchException(
          CertificateFetchException.BAD_URL, "x5u is not a URL: " + e.getMessage()));
    } catch (RuntimeException e) {
      body = CompletableFuture.failedFuture(e);
    }
    return body.handleAsync(this::entryOf, executor)
        .toCompletableFuture()
        .exceptionally(e -> new Entry(new CertificateLookup.Unavailable(FETCH_FAILED), negativeTtlNanos));
  }

  /** Turns a fetch's outcome into a cache entry (runs on the executor: PKIX validation is CPU work). */
  private Entry entryOf(byte[] body, Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      String reason = cause instanceof CertificateFetchException f ? f.reason()
          : cause instanceof TimeoutException ? CertificateFetchException.TIMEOUT : "error";
      listener.fetchFailed(reason);
      boolean refused = reason.equals(CertificateFetchException.REFUSED)
          || reason.equals(CertificateFetchException.BAD_URL);
      // "busy" says nothing about this URL (other fetches filled the fetcher): do not remember it.
      long ttl = reason.equals(CertificateFetchException.BUSY) ? 0 : negativeTtlNanos;
      return new Entry(new CertificateLookup.Unavailable(refused ? REFUSED : FETCH_FAILED), ttl);
    }
    listener.fetched();
    List<X509Certificate> chain;
    try {
      chain = PemCertificateChain.parse(body);
    } catch (CertificateException e) {
      return new Entry(new CertificateLookup.Found(
          Rejection.badInfo("x5u did not serve a PEM certificate chain: " + e.getMessage())),
          negativeTtlNanos);
    }
    Entry validated = validated(chain);
    return new Entry(validated.lookup(), validated.ttlNanos(), chain);
  }

  /** Validates a chain now; a trusted one may be kept until its earliest notAfter, at most maxTtl. */
  private Entry validated(List<X509Certificate> chain) {
    ChainResult result = validator.validate(chain);
    if (!(result instanceof ChainResult.Trusted)) {
      return new Entry(new CertificateLookup.Found(result), negativeTtlNanos);
    }
    Instant now = clock.instant();
    long ttl = maxTtlNanos;
    for (X509Certificate certificate : chain) {
      Duration left = Duration.between(now, certificate.getNotAfter().toInstant());
      ttl = Math.min(ttl, left.isNegative() ? 0 : saturatedNanos(left));
    }
    return new Entry(new CertificateLookup.Found(result), ttl);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Builds a {@link CertificateCache}; {@code validator}, {@code deadline} and the TTLs are required. */
  public static final class Builder {
    private CertificateChainValidator validator;
    private CertificateFetcher fetcher;
    private Path preloadDirectory;
    private Duration deadline;
    private Duration maxTtl;
    private Duration negativeTtl;
    private long maximumSize = 10_000;
    private Ticker ticker = Ticker.systemTicker();
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler = Scheduler.systemScheduler();
    private Executor executor = ForkJoinPool.commonPool();
    private Listener listener = Listener.NONE;

    private Builder() {}

    /** Validates every chain, preloaded or fetched, against the trust anchors. Required. */
    public Builder validator(CertificateChainValidator validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /** Fetches chains not in the preload directory; null (the default) means preloaded only. */
    public Builder fetcher(CertificateFetcher fetcher) {
      this.fetcher = fetcher;
      return this;
    }

    /** A directory in the {@link CertificatePreloadDirectory} layout, read by {@link #build}; nullable. */
    public Builder preloadDirectory(Path directory) {
      this.preloadDirectory = directory;
      return this;
    }

    /** How long a {@link CertificateSource#lookup} waits for a fetch. Required, positive. */
    public Builder deadline(Duration deadline) {
      this.deadline = requirePositive("deadline", deadline);
      return this;
    }

    /** The longest a trusted chain is kept (less if a certificate expires sooner). Required, positive. */
    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = requirePositive("maxTtl", maxTtl);
      return this;
    }

    /** How long a rejected chain or failed fetch is remembered. Required, positive. */
    public Builder negativeTtl(Duration negativeTtl) {
      this.negativeTtl = requirePositive("negativeTtl", negativeTtl);
      return this;
    }

    /** The most URLs kept (fetched entries; preloaded chains are not counted). Default 10,000. */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximumSize must be positive, was " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /** Time for entry expiry. Default the system ticker. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Time at which certificate expiry (notAfter) is compared for the TTL. Default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs the lookup deadline timers (they only complete a future). Default {@link
     * Scheduler#systemScheduler()}; e.g. {@code Scheduler.forScheduledExecutorService(eventLoopGroup)}.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Runs chain validation after a fetch and cache maintenance. Default the common pool. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Counts hits, misses and fetch results. Default {@link Listener#NONE}. */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Reads the preload directory, if any, and builds the cache.
     *
     * @throws IOException when the preload directory cannot be read
     * @throws CertificatePreloadFormatException naming the index file and line of a bad entry
     * @throws IllegalStateException when a required setting is missing
     */
    public CertificateCache build() throws IOException {
      if (validator == null) {
        throw new IllegalStateException("validator is required");
      }
      if (deadline == null) {
        throw new IllegalStateException("deadline is required");
      }
      if (maxTtl == null) {
        throw new IllegalStateException("maxTtl is required");
      }
      if (negativeTtl == null) {
        throw new IllegalStateException("negativeTtl is required");
      }
      Map<String, List<X509Certificate>> chains = preloadDirectory == null
          ? Map.of()
          : CertificatePreloadDirectory.read(preloadDirectory);
      return new CertificateCache(this, chains);
    }

    private static Duration requirePositive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
