package org.sipscreen.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.sipscreen.netty.EventLoops;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.reputation.ReputationAnswer;
import org.sipscreen.screening.check.reputation.ReputationCheck;
import org.sipscreen.screening.check.reputation.ReputationFeed;
import org.sipscreen.screening.check.reputation.ReputationSettings;
import org.sipscreen.testkit.Await;

/** HttpReputationSource against a stub reputation service on 127.0.0.1 (the JDK's HTTP server). */
@Timeout(120)
class ReputationOverHttpIT {

  @RegisterExtension
  static final EventLoops loops = new EventLoops(2);

  private HttpServer stub;
  private ExecutorService stubThreads;
  private final Map<String, StubAnswer> answers = new ConcurrentHashMap<>();
  private final List<String> requestedPaths = new CopyOnWriteArrayList<>();
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<HttpReputationSource> sources = new ArrayList<>();

  /** What the stub answers for one number; {@code hold} waits for {@link #release} first. */
  private record StubAnswer(int status, String body, boolean hold) {
    static StubAnswer json(String body) {
      return new StubAnswer(200, body, false);
    }
  }

  @BeforeEach
  void startStub() throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stubThreads = Executors.newCachedThreadPool();
    stub.setExecutor(stubThreads);
    stub.createContext("/v1/reputation/", this::serve);
    stub.start();
  }

  @AfterEach
  void stopStub() {
    release.countDown();
    sources.forEach(HttpReputationSource::close);
    stub.stop(0);
    stubThreads.shutdownNow();
  }

  private void serve(HttpExchange exchange) throws IOException {
    String rawPath = exchange.getRequestURI().getRawPath();
    requestedPaths.add(rawPath);
    clientPorts.add(exchange.getRemoteAddress().getPort());
    String number = exchange.getRequestURI().getPath().substring("/v1/reputation/".length());
    StubAnswer answer = answers.getOrDefault(number, new StubAnswer(404, "", false));
    if (answer.hold()) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (answer.status() == 302) {
      exchange.getResponseHeaders().set("Location", "/v1/reputation/redirected");
    }
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private String url() {
    return "http://127.0.0.1:" + stub.getAddress().getPort() + "/v1/reputation/{number}";
  }

  private HttpReputationSource source(HttpReputationSource.Settings settings) {
    HttpReputationSource source = new HttpReputationSource(settings, loops.group(), NioSocketChannel.class);
    sources.add(source);
    return source;
  }

  /** A source whose timeouts no loaded test machine reaches: for the tests that are not about timeouts. */
  private HttpReputationSource source() {
    return source(new HttpReputationSource.Settings(url(), Duration.ofSeconds(10), Duration.ofSeconds(10), 8,
        4096));
  }

  private static ReputationAnswer answer(HttpReputationSource source, String number) throws Exception {
    return source.lookup(number).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static ScreenedCall callFrom(String e164) throws Exception {
    String from = "<sip:" + e164 + "@peer.example;user=phone>;tag=1";
    CallAttempt attempt = new CallAttempt("call@test", InetAddress.getByName("10.1.2.3"),
        "sip:+12025550199@proxy.example;user=phone", "<sip:+12025550199@proxy.example>", from,
        Optional.empty());
    return new ScreenedCall(attempt, PhoneNumbers.NANP, NumberList.EMPTY);
  }

  private static ReputationCheck check(HttpReputationSource source, Duration deadline) {
    return new ReputationCheck(ReputationSettings.DEFAULTS.withDeadline(deadline), ReputationFeed.EMPTY,
        Optional.of(source), Ticker.systemTicker(), Scheduler.forScheduledExecutorService(loops.group()));
  }

  @Test
  void answersAreParsedAndTheNumberIsUrlEncoded() throws Exception {
    answers.put("+12025550123", StubAnswer.json("{\"score\": 87, \"category\": \"robocall\"}"));
    assertThat(answer(source(), "+12025550123")).isEqualTo(new ReputationAnswer.Scored(87, "robocall"));
    assertThat(requestedPaths).containsExactly("/v1/reputation/%2B12025550123");
  }

  @Test
  void categoryIsOptionalAndSanitized() throws Exception {
    answers.put("+12025550123", StubAnswer.json("{\"score\": 12}"));
    answers.put("+12025550124", StubAnswer.json("{\"score\": 99, \"category\": \"IRS Imposter\\n\"}"));
    HttpReputationSource source = source();
    assertThat(answer(source, "+12025550123"))
        .isEqualTo(new ReputationAnswer.Scored(12, ReputationAnswer.UNSPECIFIED));
    assertThat(answer(source, "+12025550124"))
        .isEqualTo(new ReputationAnswer.Scored(99, "irs_imposter"));
  }

  @Test
  void notFoundIs404() throws Exception {
    assertThat(answer(source(), "+12025550100")).isEqualTo(ReputationAnswer.NOT_FOUND);
  }

  @Test
  void malformedJsonIsAnError() {
    answers.put("+12025550123", StubAnswer.json("{\"score\": oops"));
    answers.put("+12025550124", StubAnswer.json("{\"score\": 150}"));
    answers.put("+12025550125", StubAnswer.json("[87]"));
    HttpReputationSource source = source();
    assertThatThrownBy(() -> answer(source, "+12025550123"))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> answer(source, "+12025550124"))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("\"score\" 0-100");
    assertThatThrownBy(() -> answer(source, "+12025550125"))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("not an object");
  }

  @Test
  void otherStatusesAreErrorsAndRedirectsAreNotFollowed() {
    answers.put("+12025550123", new StubAnswer(500, "{}", false));
    answers.put("+12025550124", new StubAnswer(302, "", false));
    HttpReputationSource source = source();
    assertThatThrownBy(() -> answer(source, "+12025550123"))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("500");
    assertThatThrownBy(() -> answer(source, "+12025550124"))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("redirects are not followed");
    assertThat(requestedPaths).hasSize(2).noneMatch(p -> p.contains("redirected"));
  }

  @Test
  void oversizedResponseIsAnError() {
    answers.put("+12025550123",
        StubAnswer.json("{\"score\": 87, \"category\": \"" + "x".repeat(10_000) + "\"}"));
    HttpReputationSource source = source(new HttpReputationSource.Settings(url(), Duration.ofMillis(200),
        Duration.ofSeconds(1), 2, 4096));
    assertThatThrownBy(() -> answer(source, "+12025550123"))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("too large");
  }

  @Test
  void keepAliveConnectionsAreReused() throws Exception {
    answers.put("+12025550123", StubAnswer.json("{\"score\": 87, \"category\": \"robocall\"}"));
    HttpReputationSource source = source();
    for (int i = 0; i < 5; i++) {
      assertThat(answer(source, i % 2 == 0 ? "+12025550123" : "+12025550100")).isNotNull();
    }
    assertThat(requestedPaths).hasSize(5);
    assertThat(clientPorts).as("one TCP connection for sequential lookups").hasSize(1);
  }

  @Test
  void requestTimeoutFailsTheLookup() {
    answers.put("+12025550123", new StubAnswer(200, "{\"score\": 1}", true));
    HttpReputationSource source = source(new HttpReputationSource.Settings(url(), Duration.ofMillis(200),
        Duration.ofMillis(200), 2, 4096));
    assertThatThrownBy(() -> answer(source, "+12025550123"))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
  }

  @Test
  void refusedConnectionIsAnError() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    HttpReputationSource source =
        source(HttpReputationSource.Settings.of("http://127.0.0.1:" + closedPort + "/r/{number}"));
    assertThatThrownBy(() -> answer(source, "+12025550123")).isInstanceOf(ExecutionException.class);
  }

  @Test
  void slowServiceMeetsTheDeadlineAsUnknownThroughTheCheck() throws Exception {
    answers.put("+12025550123", new StubAnswer(200, "{\"score\": 90}", true));
    ReputationCheck check = check(source(), Duration.ofMillis(50));
    ScreenedCall call = callFrom("+12025550123");
    long start = System.nanoTime();
    Verdict verdict = check.check(call);
    assertThat(verdict).isInstanceOf(Verdict.Later.class);
    Verdict result = ((Verdict.Later) verdict).verdict().toCompletableFuture().get(5, TimeUnit.SECONDS);
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(check.outcomeLabel(result, call)).isEqualTo(ReputationCheck.UNKNOWN_TIMEOUT);
    assertThat(waitedMillis).as("the deadline, not the service, ended the wait").isGreaterThanOrEqualTo(45L);
    assertThat(check.stats().timeouts()).isEqualTo(1);

    release.countDown(); // the late answer still arrives and fills the cache
    Await.until("the late answer arrives", () -> check.stats().lateAnswers() > 0);
    assertThat(check.check(callFrom("+12025550123"))).isEqualTo(new Verdict.Flag("reputation_very_high", 90));
  }

  @Test
  void concurrentLookupsOfOneNumberAreOneHttpRequest() throws Exception {
    answers.put("+12025550123", new StubAnswer(200, "{\"score\": 60, \"category\": \"robocall\"}", true));
    ReputationCheck check = check(source(), Duration.ofSeconds(5));
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Verdict>> verdicts = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        verdicts.add(callers.submit(() -> check.check(callFrom("+12025550123"))));
      }
      List<Verdict> laters = new ArrayList<>();
      for (java.util.concurrent.Future<Verdict> v : verdicts) {
        laters.add(v.get(5, TimeUnit.SECONDS));
      }
      release.countDown();
      for (Verdict v : laters) {
        assertThat(v).isInstanceOf(Verdict.Later.class);
        assertThat(((Verdict.Later) v).verdict().toCompletableFuture().get(5, TimeUnit.SECONDS))
            .isEqualTo(new Verdict.Flag("reputation_high", 60));
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(requestedPaths).containsExactly("/v1/reputation/%2B12025550123");
    assertThat(check.stats().requests()).isEqualTo(1);
  }

  @Test
  void settingsAcceptOnlyHttpTemplatesWithTheNumber() {
    assertThatThrownBy(() -> HttpReputationSource.Settings.of("https://rep.example/v1/{number}"))
        .hasMessageContaining("must be http://");
    assertThatThrownBy(() -> HttpReputationSource.Settings.of("http://rep.example/v1/lookup"))
        .hasMessageContaining("{number} exactly once");
    assertThatThrownBy(() -> HttpReputationSource.Settings.of("http://user@rep.example/{number}"))
        .hasMessageContaining("no user info");
    HttpReputationSource.UrlTemplate t =
        HttpReputationSource.UrlTemplate.parse("http://rep.example/v1/check?tn={number}&v=2");
    assertThat(t.requestTarget("+12025550123")).isEqualTo("/v1/check?tn=%2B12025550123&v=2");
    assertThat(t.hostHeader()).isEqualTo("rep.example");
    assertThat(t.port()).isEqualTo(80);
    assertThat(HttpReputationSource.UrlTemplate.parse("http://[::1]:8090/{number}").host())
        .isEqualTo("::1");
  }
}
