package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sipscreen.testkit.TestPki.NOW;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.screening.datafile.DataFileFormatException;
import org.sipscreen.testkit.ManualTime;
import org.sipscreen.testkit.TestPki;

class CertificateCacheTest {

  private static final TestPki PKI = new TestPki("STI-CA Test");
  private static final TestPki ROGUE = new TestPki("STI-CA Rogue");
  private static final String URL = "https://cert.example.net/sti.pem";
  private static final Duration DEADLINE = Duration.ofMillis(100);
  private static final Duration MAX_TTL = Duration.ofHours(1);
  private static final Duration NEGATIVE_TTL = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private final ManualTime time = new ManualTime();
  private final Clock clock = time; // the same fake time as the ticker, starting at NOW
  private final FakeFetcher fetcher = new FakeFetcher();
  private final CountingListener counts = new CountingListener();
  private final CertificateChainValidator validator =
      new CertificateChainValidator(List.of(PKI.ca), clock);

  /** Hands out a pending future per fetch; the test completes it. */
  private static final class FakeFetcher implements CertificateFetcher {
    final List<URI> requests = new CopyOnWriteArrayList<>();
    final Map<URI, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<byte[]> fetch(URI uri) {
      requests.add(uri);
      CompletableFuture<byte[]> body = new CompletableFuture<>();
      pending.put(uri, body);
      return body;
    }

    void answer(String url, byte[] body) {
      pending.get(URI.create(url)).complete(body);
    }

    void fail(String url, String reason) {
      pending.get(URI.create(url)).completeExceptionally(new CertificateFetchException(reason, "test"));
    }
  }

  private static final class CountingListener implements CertificateCache.Listener {
    final AtomicInteger hits = new AtomicInteger();
    final AtomicInteger misses = new AtomicInteger();
    final AtomicInteger fetched = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();

    @Override
    public void hit() {
      hits.incrementAndGet();
    }

    @Override
    public void miss() {
      misses.incrementAndGet();
    }

    @Override
    public void fetched() {
      fetched.incrementAndGet();
    }

    @Override
    public void fetchFailed(String reason) {
      failures.add(reason);
    }
  }

  private CertificateCache.Builder builder() {
    return CertificateCache.builder()
        .validator(validator)
        .fetcher(fetcher)
        .deadline(DEADLINE)
        .maxTtl(MAX_TTL)
        .negativeTtl(NEGATIVE_TTL)
        .maximumSize(1000)
        .ticker(time)
        .clock(clock)
        .scheduler(time)
        .executor(Runnable::run)
        .listener(counts);
  }

  private static X509Certificate leaf(TestPki pki, Duration validFor) {
    try {
      return pki.issue(TestPki.p256(), NOW.minusSeconds(60), NOW.plus(validFor));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] pem(X509Certificate... chain) {
    try {
      return PemCertificateChain.encode(List.of(chain)).getBytes(StandardCharsets.US_ASCII);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CertificateLookup now(CompletionStage<CertificateLookup> stage) {
    CompletableFuture<CertificateLookup> future = stage.toCompletableFuture();
    assertThat(future).as("lookup completed").isDone();
    return future.join();
  }

  private static void assertTrusted(CertificateLookup lookup, X509Certificate leaf) {
    assertThat(lookup).isInstanceOfSatisfying(CertificateLookup.Found.class, found ->
        assertThat(found.result()).isInstanceOfSatisfying(ChainResult.Trusted.class,
            trusted -> assertThat(trusted.leaf()).isEqualTo(leaf)));
  }

  private static void assertRejected(CertificateLookup lookup, int status) {
    assertThat(lookup).isInstanceOfSatisfying(CertificateLookup.Found.class, found ->
        assertThat(found.result()).isInstanceOfSatisfying(Rejection.class,
            rejection -> assertThat(rejection.sipStatus()).isEqualTo(status)));
  }

  @Test
  void missFetchesOnceThenAnswersFromCache() throws IOException {
    CertificateCache cache = builder().build();
    X509Certificate leaf = leaf(PKI, Duration.ofDays(30));

    assertThat(cache.cached(URL)).isNull();
    CompletionStage<CertificateLookup> lookup = cache.lookup(URL);
    assertThat(lookup.toCompletableFuture()).isNotDone();
    fetcher.answer(URL, pem(leaf, PKI.ca));

    assertTrusted(now(lookup), leaf);
    assertTrusted(cache.cached(URL), leaf);
    assertTrusted(now(cache.lookup(URL)), leaf);
    assertThat(fetcher.requests).containsExactly(URI.create(URL));
    assertThat(counts.misses).hasValue(1);
    assertThat(counts.hits).hasValue(1);
    assertThat(counts.fetched).hasValue(1);
  }

  @Test
  void hundredConcurrentLookupsShareOneFetch() throws Exception {
    CertificateCache cache = builder().scheduler(Scheduler.disabledScheduler()).build();
    X509Certificate leaf = leaf(PKI, Duration.ofDays(30));
    ExecutorService threads = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<CompletionStage<CertificateLookup>>> lookups = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        lookups.add(threads.submit(() -> {
          start.await();
          return cache.lookup(URL);
        }));
      }
      start.countDown();
      List<CompletableFuture<CertificateLookup>> answers = new ArrayList<>();
      for (Future<CompletionStage<CertificateLookup>> f : lookups) {
        answers.add(f.get(10, TimeUnit.SECONDS).toCompletableFuture());
      }
      assertThat(fetcher.requests).hasSize(1);
      assertThat(answers).noneMatch(CompletableFuture::isDone);

      fetcher.answer(URL, pem(leaf));

      assertThat(answers).allSatisfy(answer -> assertTrusted(now(answer), leaf));
      assertThat(counts.fetched).hasValue(1);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void deadlineAnswersTimeoutButTheLateFetchStillFillsTheCache() throws IOException {
    CertificateCache cache = builder().build();
    X509Certificate leaf = leaf(PKI, Duration.ofDays(30));

    CompletionStage<CertificateLookup> first = cache.lookup(URL);
    time.advance(DEADLINE.minusMillis(1));
    assertThat(first.toCompletableFuture()).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThat(now(first)).isEqualTo(new CertificateLookup.Unavailable(CertificateCache.TIMEOUT));

    // Still fetching: another INVITE joins the same fetch rather than starting one.
    assertThat(cache.cached(URL)).isNull();
    CompletionStage<CertificateLookup> second = cache.lookup(URL);
    assertThat(fetcher.requests).hasSize(1);

    time.advance(Duration.ofMillis(50));
    fetcher.answer(URL, pem(leaf));

    assertTrusted(now(second), leaf);
    assertTrusted(cache.cached(URL), leaf);
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void trustedChainIsKeptNoLongerThanItsCertificateIsValid() throws IOException {
    CertificateCache cache = builder().build();
    X509Certificate shortLived = leaf(PKI, Duration.ofMinutes(10));
    cache.lookup(URL);
    fetcher.answer(URL, pem(shortLived));
    fetcher.pending.clear();

    time.advance(Duration.ofMinutes(10).minusSeconds(1));
    assertTrusted(cache.cached(URL), shortLived);
    time.advance(Duration.ofSeconds(1));
    assertThat(cache.cached(URL)).isNull();
    assertThat(cache.lookup(URL).toCompletableFuture()).isNotDone();
    assertThat(fetcher.requests).hasSize(2);
  }

  @Test
  void adoptTakesOverFetchedChainsWithTheTimeTheyHadLeft() throws IOException {
    CertificateCache running = builder().build();
    X509Certificate leaf = leaf(PKI, Duration.ofDays(30));
    running.lookup(URL);
    fetcher.answer(URL, pem(leaf));
    time.advance(Duration.ofMinutes(40));

    CertificateCache reloaded = builder().build();
    assertThat(reloaded.adopt(running)).isEqualTo(1);

    assertTrusted(now(reloaded.lookup(URL)), leaf);
    assertThat(fetcher.requests).hasSize(1);
    time.advance(Duration.ofMinutes(20));
    assertThat(reloaded.cached(URL)).as("expires when the running entry would have").isNull();
  }

  @Test
  void adoptValidatesAgainAgainstTheNewTrustAnchors() throws IOException {
    CertificateCache running = builder().build();
    running.lookup(URL);
    fetcher.answer(URL, pem(leaf(PKI, Duration.ofDays(30))));

    CertificateCache reloaded = builder()
        .validator(new CertificateChainValidator(List.of(ROGUE.ca), clock)).build();
    assertThat(reloaded.adopt(running)).isEqualTo(1);

    assertThat(reloaded.cached(URL)).isInstanceOf(CertificateLookup.Found.class);
    assertThat(((CertificateLookup.Found) reloaded.cached(URL)).result())
        .isNotInstanceOf(ChainResult.Trusted.class);
    assertThat(fetcher.requests).hasSize(1);
  }

  @Test
  void adoptTakesNothingWhenFetcherOrCacheSettingsDiffer() throws IOException {
    CertificateCache running = builder().build();
    running.lookup(URL);
    fetcher.answer(URL, pem(leaf(PKI, Duration.ofDays(30))));

    assertThat(builder().fetcher(new FakeFetcher()).build().adopt(running)).isZero();
    assertThat(builder().maxTtl(MAX_TTL.plusSeconds(1)).build().adopt(running)).isZero();
    assertThat(builder().negativeTtl(NEGATIVE_TTL.plusSeconds(1)).build().adopt(running)).isZero();
    assertThat(builder().maximumSize(999).build().adopt(running)).isZero();
    assertThat(builder().fetcher(null).build().adopt(running)).isZero();
  }

  @Test
  void trustedChainIsKeptAtMostMaxTtl() throws IOException {
    CertificateCache cache = builder().build();
    X509Certificate leaf = leaf(PKI, Duration.ofDays(30));
    cache.lookup(URL);
    fetcher.answer(URL, pem(leaf));

    time.advance(MAX_TTL.minusSeconds(1));
    assertTrusted(cache.cached(URL), leaf);
    time.advance(Duration.ofSeconds(1));
    assertThat(cache.cached(URL)).isNull();
  }

  @Test
  void failedFetchIsRememberedForTheNegativeTtlThenRetried() throws IOException {
    CertificateCache cache = builder().build();
    CompletionStage<CertificateLookup> lookup = cache.lookup(URL);
    fetcher.fail(URL, CertificateFetchException.HTTP_STATUS);

    CertificateLookup failed = new CertificateLookup.Unavailable(CertificateCache.FETCH_FAILED);
    assertThat(now(lookup)).isEqualTo(failed);
    assertThat(counts.failures).containsExactly("http_status");
    time.advance(NEGATIVE_TTL.minusSeconds(1));
    assertThat(cache.cached(URL)).isEqualTo(failed);
    assertThat(now(cache.lookup(URL))).isEqualTo(failed);
    assertThat(fetcher.requests).hasSize(1);

    time.advance(Duration.ofSeconds(1));
    assertThat(cache.cached(URL)).isNull();
    cache.lookup(URL);
    assertThat(fetcher.requests).hasSize(2);
  }

  @Test
  void busyFetcherIsNotRememberedSoTheNextInviteTriesAgain() throws IOException {
    CertificateCache cache = builder().build();
    CompletionStage<CertificateLookup> lookup = cache.lookup(URL);
    fetcher.fail(URL, CertificateFetchException.BUSY);

    assertThat(now(lookup)).isEqualTo(new CertificateLookup.Unavailable(CertificateCache.FETCH_FAILED));
    assertThat(cache.cached(URL)).isNull();
    cache.lookup(URL);
    assertThat(fetcher.requests).hasSize(2);
  }

  @Test
  void refusedFetchIsUnavailableRefused() throws IOException {
    CertificateCache cache = builder().build();
    CompletionStage<CertificateLookup> lookup = cache.lookup(URL);
    fetcher.fail(URL, CertificateFetchException.REFUSED);
    assertThat(now(lookup)).isEqualTo(new CertificateLookup.Unavailable(CertificateCache.REFUSED));
    assertThat(counts.failures).containsExactly("refused");
  }

  @Test
  void fetcherThatThrowsIsAFailedFetchNotAnException() throws IOException {
    CertificateCache cache = builder().fetcher(uri -> {
      throw new IllegalStateException("boom");
    }).build();
    assertThat(now(cache.lookup(URL)))
        .isEqualTo(new CertificateLookup.Unavailable(CertificateCache.FETCH_FAILED));
    assertThat(counts.failures).containsExactly("error");
  }

  @Test
  void untrustedChainIsFound437AndNegativelyCached() throws IOException {
    CertificateCache cache = builder().build();
    CompletionStage<CertificateLookup> lookup = cache.lookup(URL);
    fetcher.answer(URL, pem(leaf(ROGUE, Duration.ofDays(30)), ROGUE.ca));

    assertRejected(now(lookup), 437);
    assertRejected(cache.cached(URL), 437);
    time.advance(NEGATIVE_TTL);
    assertThat(cache.cached(URL)).isNull();
  }

  @Test
  void bodyThatIsNotAPemChainIsFound436() throws IOException {
    CertificateCache cache = builder().build();
    CompletionStage<CertificateLookup> lookup = cache.lookup(URL);
    fetcher.answer(URL, "<html>not found</html>".getBytes(StandardCharsets.US_ASCII));
    assertRejected(now(lookup), 436);
    assertThat(counts.fetched).hasValue(1);
  }

  @Test
  void withoutFetcherAnUnknownUrlIsNotPreloadedAtOnce() throws IOException {
    CertificateCache cache = builder().fetcher(null).build();
    CertificateLookup expected = new CertificateLookup.Unavailable(CertificateCache.NOT_PRELOADED);
    assertThat(cache.cached(URL)).isEqualTo(expected);
    assertThat(now(cache.lookup(URL))).isEqualTo(expected);
    assertThat(cache.preload(List.of(URL))).isZero();
    assertThat(cache.estimatedSize()).isZero();
    assertThat(counts.misses).hasValue(1);
  }

  @Test
  void preloadDirectoryAnswersWithoutFetching() throws IOException {
    X509Certificate leaf = leaf(PKI, Duration.ofDays(30));
    Files.write(dir.resolve("a.pem"), pem(leaf, PKI.ca));
    Files.writeString(dir.resolve("index.txt"), "# preloaded\n\n" + URL + "   a.pem\n");

    CertificateCache cache = builder().preloadDirectory(dir).build();

    assertThat(cache.preloaded()).isEqualTo(1);
    assertTrusted(cache.cached(URL), leaf);
    assertTrusted(now(cache.lookup(URL)), leaf);
    assertThat(fetcher.requests).isEmpty();
    assertThat(counts.hits).hasValue(1);
  }

  @Test
  void expiredPreloadedCertificateBecomes437InsteadOfStayingTrusted() throws IOException {
    X509Certificate leaf = leaf(PKI, Duration.ofMinutes(5));
    Files.write(dir.resolve("a.pem"), pem(leaf));
    Files.writeString(dir.resolve("index.txt"), URL + " a.pem\n");
    CertificateCache cache = builder().preloadDirectory(dir).build();
    assertTrusted(cache.cached(URL), leaf);

    time.advance(Duration.ofMinutes(6));

    assertRejected(cache.cached(URL), 437);
    assertThat(fetcher.requests).isEmpty();
  }

  @Test
  void preloadDirectoryWrittenByWriteReadsBack() throws IOException {
    X509Certificate leaf = leaf(PKI, Duration.ofDays(30));
    String other = "https://other.example.org/x.pem";
    CertificatePreloadDirectory.write(dir, Map.of(URL, new String(pem(leaf), StandardCharsets.US_ASCII)));
    CertificatePreloadDirectory.write(dir, Map.of(other, new String(pem(leaf), StandardCharsets.US_ASCII)));

    assertThat(CertificatePreloadDirectory.readIndex(dir)).containsOnlyKeys(URL, other)
        .containsEntry(URL, CertificatePreloadDirectory.fileNameFor(URL));
    CertificateCache cache = builder().preloadDirectory(dir).build();
    assertThat(cache.preloaded()).isEqualTo(2);
    assertTrusted(cache.cached(other), leaf);
  }

  @Test
  void badIndexLineIsAnErrorNamingFileAndLine() throws IOException {
    Files.write(dir.resolve("a.pem"), pem(leaf(PKI, Duration.ofDays(1))));
    Files.writeString(dir.resolve("index.txt"), "# comment\n" + URL + " a.pem extra\n");

    assertThatThrownBy(() -> builder().preloadDirectory(dir).build())
        .isInstanceOf(CertificatePreloadFormatException.class)
        .isInstanceOf(DataFileFormatException.class)
        .hasMessageStartingWith(dir.resolve("index.txt") + ":2: expected 'URL FILE.pem'");
  }

  @Test
  void indexNamingAMissingOrBadPemFileIsAnError() throws IOException {
    Files.writeString(dir.resolve("index.txt"), URL + " missing.pem\n");
    assertThatThrownBy(() -> builder().preloadDirectory(dir).build())
        .isInstanceOf(CertificatePreloadFormatException.class)
        .hasMessageContaining("index.txt:1: missing.pem: no such file");

    Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    Files.writeString(dir.resolve("index.txt"), "\n" + URL + " key.pem\n");
    assertThatThrownBy(() -> builder().preloadDirectory(dir).build())
        .isInstanceOf(CertificatePreloadFormatException.class)
        .hasMessageContaining("index.txt:2: key.pem: not a PEM certificate chain: unexpected PEM block");
  }

  @Test
  void indexLinesWithBadUrlPathFileOrDuplicatesAreErrors() throws IOException {
    Files.write(dir.resolve("a.pem"), pem(leaf(PKI, Duration.ofDays(1))));
    assertIndexError("ftp://cert.example.net/a.pem a.pem\n", ":1: URL must be https:// (or http://)");
    assertIndexError(URL + " ../a.pem\n", ":1: file must be a plain name");
    assertIndexError(URL + " a.pem\n" + URL + " a.pem\n", ":2: duplicate URL");
  }

  private void assertIndexError(String index, String message) throws IOException {
    Files.writeString(dir.resolve("index.txt"), index);
    assertThatThrownBy(() -> builder().preloadDirectory(dir).build())
        .isInstanceOf(CertificatePreloadFormatException.class)
        .hasMessageContaining("index.txt" + message);
  }

  @Test
  void missingIndexOrDirectoryIsAnError() {
    assertThatThrownBy(() -> builder().preloadDirectory(dir).build())
        .isInstanceOf(CertificatePreloadFormatException.class)
        .hasMessageContaining("index.txt:0: missing");
    assertThatThrownBy(() -> builder().preloadDirectory(dir.resolve("nope")).build())
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void preloadStartsOneFetchPerUnknownUrl() throws IOException {
    CertificateCache cache = builder().build();
    String other = "https://other.example.org/x.pem";
    assertThat(cache.preload(List.of(URL, other, URL))).isEqualTo(2);
    assertThat(cache.preload(List.of(URL))).isZero();
    fetcher.answer(URL, pem(leaf(PKI, Duration.ofDays(1))));
    assertThat(cache.cached(URL)).isInstanceOf(CertificateLookup.Found.class);
    assertThat(fetcher.requests).hasSize(2);
  }

  @Test
  void builderChecksItsArguments() {
    assertThatThrownBy(() -> CertificateCache.builder().deadline(Duration.ZERO))
        .hasMessage("deadline must be positive, was PT0S");
    assertThatThrownBy(() -> CertificateCache.builder().maximumSize(0))
        .hasMessage("maximumSize must be positive, was 0");
    assertThatThrownBy(() -> CertificateCache.builder().deadline(DEADLINE).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("validator is required");
  }
}
