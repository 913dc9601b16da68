package org.sipscreen.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.sipscreen.config.ConfigException;
import org.sipscreen.config.ConfigLoader;
import org.sipscreen.config.Networks;
import org.sipscreen.config.SipscreenConfig;

/**
 * The CLI's way to a running proxy's admin API: its address and bearer token, from the proxy's config file
 * ({@code http.address}, {@code http.port}, {@code http.admin.token} or {@code token_file}) or from
 * {@code --admin-url} and {@code --token-file}.
 */
final class AdminClient {

  /** Exit code when the proxy could not be reached or answered something unexpected. */
  static final int UNREACHABLE = 3;

  private final URI base;
  private final Optional<String> token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AdminClient(URI base, Optional<String> token) {
    this.base = base;
    this.token = token;
  }

  URI base() {
    return base;
  }

  /** The same token, another instance's admin API (a fleet member's {@code admin_url}). */
  AdminClient at(String url) throws ConfigException {
    URI other;
    try {
      other = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("not a URL: '" + url + "'");
    }
    return new AdminClient(other, token);
  }

  /**
   * @param config the proxy's config file, or null
   * @param url the admin API's base URL (e.g. http://127.0.0.1:8080), or null to take it from the config
   * @param tokenFile a file whose first line is the bearer token, or null to take it from the config
   */
  static AdminClient of(Path config, String url, Path tokenFile) throws ConfigException {
    SipscreenConfig parsed = config == null ? null : ConfigLoader.load(config);
    URI base;
    if (url != null) {
      try {
        base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--admin-url: not a URL: '" + url + "'");
      }
      if (!"http".equals(base.getScheme()) || base.getHost() == null) {
        throw new ConfigException("--admin-url: expected http://HOST:PORT, got '" + url + "'");
      }
    } else if (parsed != null) {
      if (parsed.http().port() == 0) {
        throw new ConfigException(config + ": http.port is 0 (any free port): give --admin-url");
      }
      String host = parsed.http().address();
      if (Networks.isWildcard(host)) {
        host = host.contains(":") ? "::1" : "127.0.0.1";
      }
      base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
          + parsed.http().port());
    } else {
      base = URI.create("http://127.0.0.1:8080");
    }
    Optional<String> token = Optional.empty();
    if (tokenFile != null) {
      token = Optional.of(firstLine(tokenFile, "--token-file"));
    } else if (parsed != null && parsed.http().admin().token() != null) {
      token = Optional.of(parsed.http().admin().token());
    } else if (parsed != null && parsed.http().admin().tokenFile() != null) {
      Path file = config.toAbsolutePath().getParent().resolve(parsed.http().admin().tokenFile());
      token = Optional.of(firstLine(file, config + ": http.admin.token_file"));
    }
    return new AdminClient(base, token);
  }

  private static String firstLine(Path file, String what) throws ConfigException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException(what + ": " + file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(what + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
  }

  HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return http.send(request.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** One line for an admin API that could not be reached. */
  String unreachable(IOException e) {
    return "cannot reach the admin API at " + base + ": "
        + (e instanceof java.net.ConnectException ? "connection refused (is sipscreen running there?)"
            : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }
}
