package org.sipscreen.cli;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.sipscreen.config.ConfigException;
import picocli.CommandLine.Option;

/** The options that say which running proxy's admin API a command talks to (a picocli mixin). */
final class AdminTarget {

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
