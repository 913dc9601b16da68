package org.sipscreen.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.sipscreen.Sipscreen;
import org.sipscreen.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code sipscreen --config FILE} runs the proxy; {@code sipscreen check-config FILE} validates a config;
 * {@code sipscreen traceback ...} queries the decision records; {@code lookup} and {@code reload} talk to
 * a running proxy's admin API ({@code bans} and {@code unban} too); {@code sipscreen help [COMMAND]} explains each.
 */
@Command(name = "sipscreen", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "SIP-edge call-screening proxy: screens every initial INVITE at an interconnect and"
        + " forwards, tags, rejects or drops it.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen --config /etc/sipscreen/sipscreen.yaml",
        "  java @deploy/jvm.options -jar proxy/target/sipscreen.jar --config config/sipscreen.yaml"
            + " --log-format json",
        "  sipscreen check-config config/sipscreen.yaml",
        "  sipscreen help traceback",
        "",
        "Signals: SIGHUP reloads config and lists; SIGTERM drains and stops."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:stopped by SIGTERM or Ctrl-C after a graceful shutdown",
        "1:could not start: a SIP or HTTP port cannot be bound (the message names address, port and"
            + " transport)",
        "2:bad option or bad config (the message names file, key and line)"})
public final class Main implements Callable<Integer> {

  /** {@code --version}: the version and the git commit of the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sipscreen " + org.sipscreen.BuildInfo.version() + " (commit "
          + org.sipscreen.BuildInfo.commit() + ")"};
    }
  }

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML config file, e.g. config/sipscreen.yaml")
  Path config;

  @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default), kv (key=value)"
      + " or json; also -Dsipscreen.log.format or SIPSCREEN_LOG_FORMAT")
  String logFormat;

  @Option(names = "--drain-seconds", paramLabel = "SECONDS", defaultValue = "5",
      description = "at shutdown, how long open TCP connections may take to finish (default 5)")
  int drainSeconds;

  /** The subcommands, in the order {@code --help} lists them. */
  private static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(CheckConfig.class,
      WarmUp.class, TracebackCommand.class, ReportCommand.class, LookupCommand.class, ReloadCommand.class,
      BansCommand.class, UnbanCommand.class, NextHopsCommand.class, FleetCommand.class,
      StirPreloadCommand.class, CommandLine.HelpCommand.class);

  /** The options of the command itself, all of which take a value. */
  static final java.util.Set<String> VALUE_OPTIONS = java.util.Set.of("-c", "--config", "--log-format",
      "--drain-seconds");

  public static void main(String[] args) {
    Main proxyRun = proxyRun(args);
    if (proxyRun == null) {
      System.exit(commandLine().execute(args));
    }
    try {
      System.exit(proxyRun.call());
    } catch (Exception e) {
      e.printStackTrace(); // as picocli's execute() does with what a command throws
      System.exit(1);
    }
  }

  /** The command line with its subcommands; unknown options and commands exit 2 with a one-line reason. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    SUBCOMMANDS.forEach(commandLine::addSubcommand);
    return commandLine;
  }

  /**
   * The proxy's own start when {@code args} are nothing but the command's options with good values
   * ({@code --config FILE}, {@code -cFILE}, {@code --drain-seconds=N}, ...), read without picocli, whose
   * model of the command and its subcommands, built by reflection, is about a tenth of the start-up; null
   * for anything else (a command, help, an unknown option, a bad value), which picocli parses and explains.
   */
  static Main proxyRun(String[] args) {
    if (args.length == 0) {
      return null;
    }
    Main main = new Main();
    main.drainSeconds = 5;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String name;
        String value;
        if (arg.startsWith("--") && arg.indexOf('=') > 0) {
          name = arg.substring(0, arg.indexOf('='));
          value = arg.substring(arg.indexOf('=') + 1);
        } else if (arg.startsWith("-c") && !arg.startsWith("--") && arg.length() > 2) {
          name = "-c";
          value = arg.substring(arg.charAt(2) == '=' ? 3 : 2);
        } else if (VALUE_OPTIONS.contains(arg) && i + 1 < args.length) {
          name = arg;
          value = args[++i];
        } else {
          return null;
        }
        switch (name) {
          case "-c", "--config" -> main.config = Path.of(value);
          case "--log-format" -> main.logFormat = value;
          case "--drain-seconds" -> main.drainSeconds = Integer.parseInt(value);
          default -> {
            return null;
          }
        }
      }
    } catch (RuntimeException e) { // a value picocli would refuse: let it say why
      return null;
    }
    return main;
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
    routeJavaUtilLogging();
    Sipscreen.Prepared prepared;
    try {
      prepared = Sipscreen.prepare(config);
    } catch (ConfigException e) {
      startupError("bad config: " + e.getMessage());
      return 2;
    }
    // The hook is in place before the listeners open: a SIGTERM at any moment after "sipscreen up" drains.
    AtomicReference<Sipscreen> started = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // SIGTERM and Ctrl-C: stop accepting, drain, run the shutdown hooks, close.
      Sipscreen running = started.get();
      if (running != null) {
        running.shutdown(java.time.Duration.ofSeconds(Math.max(0, drainSeconds)));
      }
      stopped.countDown();
    }, "sipscreen-shutdown"));
    Sipscreen running;
    try {
      running = Sipscreen.start(prepared);
    } catch (org.sipscreen.transport.ListenException e) {
      startupError(e.getMessage());
      return 1;
    } catch (ConfigException e) {
      startupError("bad config: " + e.getMessage());
      return 2;
    }
    started.set(running);
    running.reloadOnSighup();
    stopped.await();
    return 0;
  }

  /**
   * Plays a config's start-up warm-up without opening its listeners, then exits: how the build records
   * the class-data-sharing archive that deploy/jvm.options uses.
   */
  @Command(name = "warm-up", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
      description = "Play the start-up warm-up of a config without opening its listeners, then exit"
          + " (run under -XX:ArchiveClassesAtExit=FILE.jsa it records the classes a start-up loads).",
      footerHeading = "%nExamples:%n",
      footer = {
          "  java -XX:ArchiveClassesAtExit=sipscreen.jsa -jar sipscreen.jar warm-up sipscreen.yaml",
          "  java -XX:SharedArchiveFile=sipscreen.jsa -jar sipscreen.jar --config sipscreen.yaml"},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
          "0:the warm-up was played",
          "2:the config or a file it names is bad (the message names file, key and line)"})
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

  /**
   * Why the proxy cannot start, in one line: plain on stderr, or as a log event when the log format is
   * json or kv, so that every line of such a log parses.
   */
  private void startupError(String message) {
    String format = System.getProperty("sipscreen.log.format", System.getenv("SIPSCREEN_LOG_FORMAT"));
    if ("json".equals(format) || "kv".equals(format)) {
      org.slf4j.LoggerFactory.getLogger(Main.class).error("sipscreen: {}", message);
    } else {
      System.err.println("sipscreen: " + message);
    }
  }

  /**
   * Sends java.util.logging, and the JDK's System.Logger that writes to it, to SLF4J: every line of the
   * proxy's log in the one format chosen (the ES256 engine line comes through here).
   */
  static void routeJavaUtilLogging() {
    if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
      org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
      org.slf4j.bridge.SLF4JBridgeHandler.install();
    }
  }

  /** Validates a config file and the lists it names; exit 0 when good, 2 with the reason when not. */
  @Command(name = "check-config", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
      description = {"Check a config file and the files it refers to, then exit.",
          "A config in the schema before 1.0 is read as 1.0: each old key is printed with its new"
              + " spelling; --migrate prints the whole file in 1.0."},
      footerHeading = "%nExamples:%n",
      footer = {
          "  sipscreen check-config /etc/sipscreen/sipscreen.yaml",
          "  sipscreen check-config config/sipscreen.yaml && systemctl reload sipscreen",
          "  sipscreen check-config --migrate old.yaml > sipscreen.yaml"},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
          "0:the config is good (warnings, if any, are printed but do not fail it)",
          "2:the config or a file it names is bad (the message names file, key and line)"})
  static final class CheckConfig implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "YAML config file")
    Path file;

    @Option(names = "--migrate", description = "print the config in the 1.0 schema (comments are not"
        + " kept) instead of checking it")
    boolean migrate;

    @Override
    public Integer call() {
      if (migrate) {
        try {
          System.out.print(org.sipscreen.config.ConfigLoader.migrated(file));
          return 0;
        } catch (ConfigException | java.io.IOException e) {
          System.err.println(file + ": " + e.getMessage());
          return 2;
        }
      }
      Sipscreen.Prepared prepared;
      try {
        prepared = Sipscreen.prepare(file);
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      if (!prepared.renames().isEmpty()) {
        System.err.println("warning: " + file + " uses the schema before 1.0; it loads, but its keys have"
            + " new spellings (check-config --migrate prints the file in 1.0):");
        prepared.renames().forEach(r -> System.err.println("  " + r));
      }
      var problem = ConfigReport.recordsProblem(prepared);
      if (problem.isPresent()) {
        System.err.println(org.sipscreen.config.ConfigLoader.located(new ConfigException(problem.get()), file)
            .getMessage());
        return 2;
      }
      ConfigReport.warnings(prepared).forEach(w -> System.err.println("warning: " + w));
      System.out.println(file + ": OK");
      ConfigReport.summary(prepared).forEach(System.out::println);
      System.out.println(org.sipscreen.config.HeapEstimate.of(prepared.config(), prepared.installed()).describe());
      return 0;
    }
  }
}
