package org.sipscreen.stir;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.screening.check.stir_shaken.CertificateCache;
import org.sipscreen.screening.check.stir_shaken.CertificateChainValidator;
import org.sipscreen.screening.check.stir_shaken.CertificateLookup;
import org.sipscreen.screening.check.stir_shaken.ChainResult;
import org.sipscreen.testkit.ManualTime;
import org.sipscreen.testkit.TestPki;

/**
 * The certificate cache with the real HTTPS fetcher against a slow local stub: many INVITEs waiting for one
 * x5u cause one request, each gives up at its deadline (fail-open), and the late chain still lands in the
 * cache for the INVITEs after them.
 */
@Timeout(120)
class CertificateFetchThroughCacheIT {

  @TempDir
  Path dir;

  @Test
  void waitingInvitesShareOneFetchFailOpenAtTheDeadlineAndTheLateChainIsCached() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (CertificateStub stub = CertificateStub.https(dir.resolve("stub-ca.pem"))) {
      TestPki.Issued ca = TestPki.ca("STI-CA Test",
          Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400));
      TestPki.Issued leaf = TestPki.leaf(ca,
          Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400));
      stub.serve("/sti.pem", new CertificateStub.Answer(200,
          (leaf.pem() + ca.pem()).getBytes(java.nio.charset.StandardCharsets.US_ASCII), null, true, false));
      String url = stub.url("/sti.pem");

      HttpsCertificateFetcher fetcher = new HttpsCertificateFetcher(
          HttpsCertificateFetcher.Settings.defaults()
              .withExtraCaFiles(List.of(stub.caFile()))
              .withAllowPrivateAddresses(true)
              .withTimeout(Duration.ofSeconds(20)),
          group, NioSocketChannel.class);
      ManualTime deadlines = new ManualTime(); // deadline timers fire only when the test moves it
      CountDownLatch fetched = new CountDownLatch(1);
      List<String> failures = new CopyOnWriteArrayList<>();
      CertificateCache cache = CertificateCache.builder()
          .validator(new CertificateChainValidator(List.of(ca.certificate()), Clock.systemUTC()))
          .fetcher(fetcher)
          .deadline(Duration.ofMillis(100))
          .maxTtl(Duration.ofHours(1))
          .negativeTtl(Duration.ofSeconds(30))
          .maximumSize(100)
          .scheduler(deadlines)
          .executor(Runnable::run)
          .listener(new CertificateCache.Listener() {
            @Override
            public void hit() {}

            @Override
            public void miss() {}

            @Override
            public void fetched() {
              fetched.countDown();
            }

            @Override
            public void fetchFailed(String reason) {
              failures.add(reason);
            }
          })
          .build();

      List<CompletableFuture<CertificateLookup>> waiting = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        assertThat(cache.cached(url)).isNull();
        waiting.add(cache.lookup(url).toCompletableFuture());
      }
      assertThat(waiting).noneMatch(CompletableFuture::isDone);

      deadlines.advance(Duration.ofMillis(100));
      assertThat(waiting).allSatisfy(answer -> assertThat(answer.getNow(null))
          .isEqualTo(new CertificateLookup.Unavailable(CertificateCache.TIMEOUT)));

      CompletableFuture<CertificateLookup> afterDeadline = cache.lookup(url).toCompletableFuture();
      stub.release();
      assertThat(afterDeadline.get(20, TimeUnit.SECONDS)).isInstanceOf(CertificateLookup.Found.class);

      assertThat(fetched.getCount()).isZero();
      assertThat(cache.cached(url)).isInstanceOfSatisfying(CertificateLookup.Found.class,
          found -> assertThat(found.result()).isInstanceOfSatisfying(ChainResult.Trusted.class,
              trusted -> assertThat(trusted.leaf()).isEqualTo(leaf.certificate())));
      assertThat(cache.lookup(url).toCompletableFuture()).isDone();
      assertThat(stub.requests).hasSize(1);
      assertThat(failures).isEmpty();
      fetcher.close();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
