package org.sipscreen.reputation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.sipscreen.http.client.AddressPolicy;
import org.sipscreen.http.client.DeadlineHttpClient;
import org.sipscreen.http.client.HttpGet;
import org.sipscreen.http.client.HttpResult;
import org.sipscreen.http.client.Origin;
import org.sipscreen.screening.check.reputation.ReputationAnswer;
import org.sipscreen.screening.check.reputation.ReputationSource;

/**
 * The reputation service over HTTP/1.1 on Netty: {@code GET <url with the number>} answered by
 * {@code 200 {"score": 87, "category": "robocall"}} or {@code 404} (not found); anything else is a
 * failure. Requests go through a {@link DeadlineHttpClient} that keeps connections to the one configured
 * host alive in a small fixed pool and does not follow redirects. {@link #lookup} never blocks: it
 * returns a future that completes on an event loop.
 */
public final class HttpReputationSource implements ReputationSource, AutoCloseable {

  /** The placeholder in the URL template that the URL-encoded E.164 number replaces. */
  public static final String NUMBER_PLACEHOLDER = "{number}";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Lookups beyond the pool's connections that may wait for one. */
  private static final int MAX_WAITING = 1024;

  /**
   * Client settings (config keys under {@code screening.reputation} in brackets).
   *
   * @param url {@code http://host[:port]/path...{number}...} [{@code url}]
   * @param connectTimeout TCP connect timeout [{@code connect_timeout_ms}, 200 ms]
   * @param requestTimeout for the response; a lookup as a whole (waiting for a pooled connection,
   *     connecting, the complete response) ends after {@code connectTimeout + requestTimeout}, and the
   *     connection is closed [{@code request_timeout_ms}, 1 s]
   * @param maxConnections keep-alive connections to the service [{@code max_connections}, 8]
   * @param maxResponseBytes a larger response body is a failure [{@code max_response_bytes}, 4096]
   */
  public record Settings(String url, Duration connectTimeout, Duration requestTimeout,
      int maxConnections, int maxResponseBytes) {

    public Settings {
      Objects.requireNonNull(url, "url");
      requirePositive("connect_timeout_ms", connectTimeout);
      requirePositive("request_timeout_ms", requestTimeout);
      if (maxConnections < 1 || maxConnections > 1024) {
        throw new IllegalArgumentException(
            "reputation max_connections must be 1-1024, was " + maxConnections);
      }
      if (maxResponseBytes < 64 || maxResponseBytes > 1 << 20) {
        throw new IllegalArgumentException(
            "reputation max_response_bytes must be 64-1048576, was " + maxResponseBytes);
      }
      UrlTemplate.parse(url); // validates
    }

    /** The defaults for everything but the URL. */
    public static Settings of(String url) {
      return new Settings(url, Duration.ofMillis(200), Duration.ofSeconds(1), 8, 4096);
    }

    /** The client settings of the service {@code screening.reputation} describes. */
    public static Settings of(org.sipscreen.screening.check.reputation.ReputationServices.Service s) {
      return new Settings(s.url(), s.connectTimeout(), s.requestTimeout(), s.maxConnections(),
          s.maxResponseBytes());
    }

    private static void requirePositive(String key, Duration value) {
      Objects.requireNonNull(value, key);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("reputation " + key + " must be positive, was " + value);
      }
    }
  }

  private final Settings settings;
  private final UrlTemplate url;
  private final Origin origin;
  private final InetAddress address;
  private final Duration deadline;
  private final DeadlineHttpClient client;

  /**
   * Resolves the URL's host once, here (DNS must not run on an event loop): construct it at startup or
   * reload, not per call.
   *
   * @param settings URL and limits
   * @param group the event loops the connections run on (the proxy's own group is fine)
   * @param channelType the socket channel class matching {@code group} (epoll or NIO)
   * @throws IllegalArgumentException when the URL is not an {@code http://} template with
   *     {@value #NUMBER_PLACEHOLDER}, or its host does not resolve
   */
  public HttpReputationSource(Settings settings, EventLoopGroup group,
      Class<? extends SocketChannel> channelType) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(channelType, "channelType");
    this.url = UrlTemplate.parse(settings.url());
    InetSocketAddress resolved = new InetSocketAddress(url.host(), url.port());
    if (resolved.isUnresolved()) {
      throw new IllegalArgumentException("reputation url: cannot resolve host '" + url.host() + "'");
    }
    this.origin = new Origin(false, url.host(), url.port());
    this.address = resolved.getAddress();
    this.deadline = settings.connectTimeout().plus(settings.requestTimeout());
    this.client = new DeadlineHttpClient(new DeadlineHttpClient.Settings(settings.connectTimeout(),
        settings.maxResponseBytes(), settings.maxConnections(), settings.maxConnections() + MAX_WAITING,
        AddressPolicy.ANY, Optional.empty()), group, channelType);
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public CompletionStage<ReputationAnswer> lookup(String e164) {
    Objects.requireNonNull(e164, "e164");
    HttpGet get = HttpGet.of(origin, url.requestTarget(e164), deadline)
        .withHeader(HttpHeaderNames.ACCEPT.toString(), HttpHeaderValues.APPLICATION_JSON.toString())
        .at(address);
    CompletableFuture<ReputationAnswer> answer = new CompletableFuture<>();
    client.get(get).thenAccept(result -> {
      try {
        answer.complete(answerOf(result));
      } catch (IOException | TimeoutException e) {
        answer.completeExceptionally(e);
      }
    });
    return answer;
  }

  /** Closes the pooled connections; lookups after this fail at once. The event loop group is not ours. */
  @Override
  public void close() {
    client.close();
  }

  /** The answer of one exchange, or an exception saying why there is none (the check counts it). */
  private ReputationAnswer answerOf(HttpResult result) throws IOException, TimeoutException {
    if (result instanceof HttpResult.Ok ok) {
      return answerOf(ok.status(), ok.body());
    }
    if (result instanceof HttpResult.TimedOut timedOut) {
      throw new TimeoutException(
          "reputation service did not answer within " + timedOut.deadline().toMillis() + " ms");
    }
    if (result instanceof HttpResult.Failed failed) {
      throw new IOException("reputation service " + url.hostHeader() + ": "
          + (failed.failure() == HttpResult.Failure.TOO_LARGE ? "response too large: " : "")
          + failed.detail(), failed.cause());
    }
    throw new IOException("reputation service " + url.hostHeader() + ": "
        + ((HttpResult.Refused) result).reason());
  }

  /** Turns a complete response into an answer, or an exception saying what was wrong with it. */
  static ReputationAnswer answerOf(HttpResponseStatus status, byte[] content) throws IOException {
    if (status.code() == 404) {
      return ReputationAnswer.NOT_FOUND;
    }
    if (status.code() != 200) {
      throw new IOException("reputation service answered " + status
          + (status.codeClass() == HttpStatusClass.REDIRECTION ? " (redirects are not followed)" : ""));
    }
    JsonNode body;
    try (InputStream in = new ByteArrayInputStream(content)) {
      body = JSON.readTree(in);
    } catch (IOException e) {
      throw new IOException("reputation service answered malformed JSON: " + e.getMessage(), e);
    }
    if (body == null || !body.isObject()) {
      throw new IOException("reputation service answered JSON that is not an object");
    }
    JsonNode score = body.get("score");
    if (score == null || !score.isIntegralNumber() || !score.canConvertToInt()
        || score.intValue() < 0 || score.intValue() > 100) {
      throw new IOException("reputation service answered no integer \"score\" 0-100: " + score);
    }
    JsonNode category = body.get("category");
    return new ReputationAnswer.Scored(score.intValue(),
        category != null && category.isTextual() ? category.textValue() : ReputationAnswer.UNSPECIFIED);
  }

  /** An {@code http://} URL with one {@value #NUMBER_PLACEHOLDER} in its path or query. */
  record UrlTemplate(String host, int port, String hostHeader, String targetPrefix, String targetSuffix) {

    private static final String MARK = "sipscreennumberplaceholder";

    static UrlTemplate parse(String template) {
      int at = template.indexOf(NUMBER_PLACEHOLDER);
      if (at < 0 || template.indexOf(NUMBER_PLACEHOLDER, at + 1) >= 0) {
        throw new IllegalArgumentException(
            "reputation url must contain " + NUMBER_PLACEHOLDER + " exactly once: '" + template + "'");
      }
      URI uri;
      try {
        uri = new URI(template.replace(NUMBER_PLACEHOLDER, MARK));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("reputation url is not a URL: '" + template + "': "
            + e.getMessage(), e);
      }
      if (!"http".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("reputation url must be http://: '" + template + "'");
      }
      if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "reputation url needs a host and no user info or fragment: '" + template + "'");
      }
      String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      int mark = target.indexOf(MARK);
      if (mark < 0) {
        throw new IllegalArgumentException(
            "reputation url must have " + NUMBER_PLACEHOLDER + " in its path or query: '" + template + "'");
      }
      String host = uri.getHost();
      int port = uri.getPort() < 0 ? 80 : uri.getPort();
      String hostHeader = port == 80 ? host : host + ":" + port;
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new UrlTemplate(host, port, hostHeader, target.substring(0, mark),
          target.substring(mark + MARK.length()));
    }

    /** The request target with the number URL-encoded ({@code +} becomes {@code %2B}). */
    String requestTarget(String e164) {
      return targetPrefix + URLEncoder.encode(e164, StandardCharsets.UTF_8) + targetSuffix;
    }
  }
}
