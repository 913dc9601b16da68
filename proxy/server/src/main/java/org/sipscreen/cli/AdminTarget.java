package org.sipscreen.cli;

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
}
