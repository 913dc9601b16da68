package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.sipscreen.config.ConfigException;
import picocli.CommandLine.Option;

/** The options that say which running proxy's admin API a command talks to (a picocli mixin). */
final class AdminTarget {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "the proxy's config: the admin API's address and token are read from it")
  Path config;

  @Option(names = "--admin-url", paramLabel = "URL",
      description = "the admin API, e.g. http://127.0.0.1:8080 (default: from --config, else that)")
  String adminUrl;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "a file whose first line is the admin API's bearer token (default: from --config)")
  Path tokenFile;

  AdminClient client() throws ConfigException {
    return AdminClient.of(config, adminUrl, tokenFile);
  }

  /**
   * Builds the client and sends one request. Without an answer it says why on stderr, as
   * {@code "<command>: …"}, and gives the command's exit code: 2 for a bad config or option,
   * {@link AdminClient#UNREACHABLE} when the proxy cannot be reached.
   */
  Exchange send(String command, Request request) throws InterruptedException {
    AdminClient admin;
    try {
      admin = client();
    } catch (ConfigException e) {
      System.err.println(command + ": " + e.getMessage());
      return new NoAnswer(2);
    }
    try {
      return new Answer(request.send(admin));
    } catch (IOException e) {
      System.err.println(command + ": " + admin.unreachable(e));
      return new NoAnswer(AdminClient.UNREACHABLE);
    }
  }

  /**
   * GETs a listing ({@code path}) and shows it: the answer as it is with {@code raw} (--json), else the
   * parsed answer through {@code print}. Returns the exit code: 0 when shown, 2 for a bad config or
   * option or a 401, {@link AdminClient#UNREACHABLE} without a JSON answer; each failure said on stderr as
   * {@code "<command>: …"}.
   */
  int show(String command, String path, boolean raw, java.util.function.Consumer<JsonNode> print)
      throws InterruptedException {
    Exchange exchange = send(command, admin -> admin.get(path));
    if (exchange instanceof NoAnswer none) {
      return none.exitCode();
    }
    HttpResponse<String> r = ((Answer) exchange).response();
    if (r.statusCode() != 200) {
      System.err.println(command + ": the proxy answered " + r.statusCode() + ": "
          + LookupCommand.errorOf(r.body()));
      return r.statusCode() == 401 ? 2 : AdminClient.UNREACHABLE;
    }
    if (raw) {
      System.out.println(r.body().strip());
      return 0;
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(r.body());
    } catch (IOException e) {
      System.err.println(command + ": the proxy answered something else than JSON: " + r.body().strip());
      return AdminClient.UNREACHABLE;
    }
    print.accept(answer);
    return 0;
  }

  /** One request to the admin API. */
  @FunctionalInterface
  interface Request {
    HttpResponse<String> send(AdminClient admin) throws IOException, InterruptedException;
  }

  /** What {@link #send} gave: the proxy's answer, or the exit code of a command that got none. */
  sealed interface Exchange permits Answer, NoAnswer {}

  record Answer(HttpResponse<String> response) implements Exchange {}

  record NoAnswer(int exitCode) implements Exchange {}
}
