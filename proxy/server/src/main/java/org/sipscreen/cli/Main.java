package org.sipscreen.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sipscreen.Sipscreen;
import org.sipscreen.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sipscreen --config FILE} runs the proxy; {@code sipscreen check-config FILE} validates a config;
 * {@code sipscreen traceback ...} queries the decision records.
 */
@Command(name = "sipscreen", mixinStandardHelpOptions = true, version = "sipscreen 0.1.0",
    description = "SIP-edge call-screening proxy.",
    subcommands = {Main.CheckConfig.class, Main.WarmUp.class, StirPreloadCommand.class,
        TracebackCommand.class})
public final class Main implements Callable<Integer> {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML config file, e.g. config/sipscreen.yaml")
  Path config;

  @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default), kv (key=value)"
      + " or json; also -Dsipscreen.log.format or SIPSCREEN_LOG_FORMAT")
  String logFormat;

  @Option(names = "--drain-seconds", paramLabel = "SECONDS", defaultValue = "5",
      description = "at shutdown, how long open TCP connections may take to finish (default 5)")
  int drainSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      System.err.println("sipscreen: --config FILE is required (see --help)");
      return 2;
    }
    if (logFormat != null) {
      if (!java.util.List.of("text", "kv", "json").contains(logFormat)) {
        System.err.println("sipscreen: --log-format must be text, kv or json, was '" + logFormat + "'");
        return 2;
      }
      System.setProperty("sipscreen.log.format", logFormat); // before the first logger exists
    }
    Sipscreen.Prepared prepared;
    try {
      prepared = Sipscreen.prepare(config);
    } catch (ConfigException e) {
      System.err.println("sipscreen: bad config: " + e.getMessage());
      return 2;
    }
    Sipscreen running = Sipscreen.start(prepared);
    CountDownLatch stopped = new CountDownLatch(1);
    running.reloadOnSighup();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // SIGTERM and Ctrl-C: stop accepting, drain, run the shutdown hooks, close.
      running.shutdown(java.time.Duration.ofSeconds(Math.max(0, drainSeconds)));
      stopped.countDown();
    }, "sipscreen-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Plays a config's start-up warm-up without opening its listeners, then exits: how the build records
   * the class-data-sharing archive that deploy/jvm.options uses.
   */
  @Command(name = "warm-up", mixinStandardHelpOptions = true,
      description = "Play the start-up warm-up of a config without opening its listeners, then exit"
          + " (run under -XX:ArchiveClassesAtExit=FILE.jsa it records the classes a start-up loads).")
  static final class WarmUp implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "YAML config file")
    Path file;

    @Override
    public Integer call() throws Exception {
      try {
        Sipscreen.warmUpOnly(Sipscreen.prepare(file));
        return 0;
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
    }
  }

  /** Validates a config file and the lists it names; exit 0 when good, 2 with the reason when not. */
  @Command(name = "check-config", mixinStandardHelpOptions = true,
      description = "Check a config file and the files it refers to, then exit.")
  static final class CheckConfig implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "YAML config file")
    Path file;

    @Override
    public Integer call() {
      try {
        Sipscreen.Prepared prepared = Sipscreen.prepare(file);
        System.out.println(file + ": OK");
        System.out.println(org.sipscreen.config.HeapEstimate.of(prepared.config(), prepared.chain()).describe());
        return 0;
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
    }
  }
}
