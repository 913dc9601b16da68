package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckConfigTest {

  @TempDir
  Path dir;

  record Run(int exitCode, String out, String err) {}

  /** Runs the CLI in-process, capturing System.out/System.err (which the commands print to). */
  static Run run(String... args) {
    java.io.PrintStream oldOut = System.out;
    java.io.PrintStream oldErr = System.err;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    StringWriter picoOut = new StringWriter();
    StringWriter picoErr = new StringWriter();
    int code;
    try {
      System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(picoOut, true));
      cli.setErr(new PrintWriter(picoErr, true));
      code = cli.execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Run(code, out.toString(java.nio.charset.StandardCharsets.UTF_8) + picoOut,
        err.toString(java.nio.charset.StandardCharsets.UTF_8) + picoErr);
  }

  static Path shippedConfig() {
    String repo = System.getProperty("sipscreen.repo");
    return (repo != null ? Path.of(repo) : Path.of("../..")).resolve("config/sipscreen.yaml");
  }

  @Test
  void shippedConfigChecksOk() {
    Run r = run("check-config", shippedConfig().toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("sipscreen.yaml: OK");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void summaryShowsFloodControlAndItsPeerLimits() throws IOException {
    Path file = dir.resolve("flood.yaml");
    Files.writeString(file, "peers:\n  carrier-a: {networks: [198.51.100.0/24]}\n"
        + "flood:\n  max_requests: 300\n  ban: 10m\n  peers:\n    carrier-a: {max_requests: 20000}\n");
    Run on = run("check-config", file.toString());
    assertThat(on.exitCode()).as(on.err()).isZero();
    assertThat(on.out()).contains("\nflood: 300 requests per 1s a source, ban 10m; carrier-a 20000\n")
        .containsPattern("heap: .*flood [0-9.]+");
    assertThat(run("check-config", shippedConfig().toString()).out()).contains("\nflood: off\n");
  }

  @Test
  void summaryShowsTheTcpLimitsWithTheOpenFilesBudget() throws IOException {
    Path file = dir.resolve("tcp.yaml");
    Files.writeString(file, "sip:\n  tcp_max_connections: 500\n  tcp_max_connections_per_source: 4\n"
        + "  tcp_buffer_memory: 8MiB\n");
    Run r = run("check-config", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("\ntcp: at most 500 \\(sip.tcp_max_connections; open-files limit [0-9]+"
        + " - 1024 reserved\\) connections, 4 per source, 4096 per peer source; 8MiB in incomplete messages\n");
    assertThat(run("check-config", shippedConfig().toString()).out())
        .containsPattern("\ntcp: at most [0-9]+ \\(open-files limit [0-9]+ - 1024 reserved\\) connections, 32 per"
            + " source, 4096 per peer source; 64MiB in incomplete messages\n");
  }

  @Test
  void badConfigExitsNonZeroWithTheReason() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "sip:\n  listen:\n    - address: 127.0.0.1\n      prot: 5060\n");
    Run r = run("check-config", file.toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains(file.toString()).contains("sip.listen[0].prot").contains("line 4");
    assertThat(r.out()).doesNotContain("OK");
  }

  @Test
  void badListFileExitsNonZeroNamingTheLine() throws IOException {
    Files.writeString(dir.resolve("block.txt"), "+12025550199\n12x\n");
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, "screening:\n  block_list:\n    file: block.txt\n");
    Run r = run("check-config", file.toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains("block.txt:2:");
  }

  @Test
  void missingConfigFileExitsNonZero() {
    Run r = run("check-config", dir.resolve("absent.yaml").toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains("absent.yaml: file not found");
  }

  @Test
  void runWithoutConfigExitsNonZero() {
    Run r = run();
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains("--config FILE is required");
  }

  @Test
  void runWithBadConfigExitsNonZeroWithoutOpeningSockets() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "http:\n  port: 99999\n");
    Run r = run("--config", file.toString());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains("bad config").contains("port must be 0-65535, was 99999");
  }

  @Test
  void goodConfigPrintsTheChecksInOrderWithActionsPeersAndListEntries() {
    Run r = run("check-config", shippedConfig().toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    String out = r.out();
    assertThat(out).containsSubsequence("checks, in order:", " 0 emergency", " 1 source_peer",
        "unknown sources: reject 403 Forbidden", "invalid_number", "reject_deterministic",
        "block_list", "603 Decline", "tag_list", "tag", "velocity", "reject_analytics");
    assertThat(out).contains("policy: tag at score 50, 603+ at score 90").contains("peers: local");
    assertThat(out).containsPattern("block_list +3 entries +\\S*block.txt");
    assertThat(out.lines().count()).isLessThanOrEqualTo(40);
  }

  @Test
  void warnsWhenBlockScoreIsNotAboveTagScore() throws IOException {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, """
        screening:
          policy:
            tag_score: 70
            block_score: 60
            redress_url: https://redress.example.net/
        """);

    Run r = run("check-config", file.toString());

    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).contains("warning: ").contains("screening.policy: block_score 60 is not above"
        + " tag_score 70");
  }

  @Test
  void refusesARecordsDirectoryThatCannotBeCreated() throws IOException {
    Files.writeString(dir.resolve("blocker"), "a file where the records directory's parent should be\n");
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, "records:\n  directory: blocker/records\n");

    Run r = run("check-config", file.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("records.directory").contains("blocker is a file, not a directory");
    assertThat(r.out()).doesNotContain("OK");
  }

  @Test
  void theProxysOwnStartReadsItsOptionsAsPicocliDoes() {
    for (String[] run : new String[][] {{"--config", "x.yaml"}, {"-c", "x.yaml", "--log-format", "json"},
        {"--config=x.yaml", "--drain-seconds", "10"}, {"-cx.yaml"}, {"-c=x.yaml", "--drain-seconds=0"},
        {"--log-format=kv", "--config", "a b.yaml"}}) {
      Main fast = Main.proxyRun(run);
      Main picocli = new Main();
      new CommandLine(picocli).parseArgs(run);
      assertThat(fast).as(String.join(" ", run)).isNotNull();
      assertThat(List.of(String.valueOf(fast.config), String.valueOf(fast.logFormat), fast.drainSeconds))
          .as(String.join(" ", run))
          .isEqualTo(List.of(String.valueOf(picocli.config), String.valueOf(picocli.logFormat),
              picocli.drainSeconds));
    }
    for (String[] other : new String[][] {{}, {"--help"}, {"-h"}, {"help"}, {"check-config", "x.yaml"},
        {"--config", "x.yaml", "check-config", "y.yaml"}, {"--version"}, {"--config", "x.yaml", "--bogus"},
        {"--config"}, {"--drain-seconds", "soon", "--config", "x.yaml"}, {"--bogus=1"}}) {
      assertThat(Main.proxyRun(other)).as(String.join(" ", other)).isNull();
    }
  }

  @Test
  void theProxysOwnStartKnowsEveryOptionOfTheCommand() {
    java.util.Set<String> options = new java.util.TreeSet<>();
    new CommandLine(new Main()).getCommandSpec().options().forEach(o -> options.addAll(List.of(o.names())));
    options.removeAll(List.of("-h", "--help", "-V", "--version"));
    assertThat(options).isEqualTo(new java.util.TreeSet<>(Main.VALUE_OPTIONS));
  }

  @Test
  void aProxyRunWithABadOptionValueStillExitsTwoWithTheReason() {
    Run r = run("--config", "x.yaml", "--drain-seconds", "soon");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--drain-seconds").contains("soon");
  }

  @Test
  void helpIsACommandAndEveryCommandHasExamplesAndExitCodes() {
    Run top = run("help");
    assertThat(top.exitCode()).isZero();
    assertThat(top.out()).contains("Usage: sipscreen").contains("check-config").contains("lookup")
        .contains("reload").contains("Exit codes:");

    java.util.Set<String> commands = new java.util.TreeSet<>(
        Main.commandLine().getSubcommands().keySet());
    commands.remove("help");
    assertThat(commands).contains("check-config", "traceback", "report", "lookup", "reload", "bans", "unban",
        "fleet", "stir-preload", "warm-up");
    for (String command : commands) {
      Run help = run("help", command);
      assertThat(help.exitCode()).as(command).isZero();
      assertThat(help.out()).as(command).contains("Usage: sipscreen " + command).contains("Examples:")
          .contains("sipscreen " + command).contains("Exit codes:");
    }
    assertThat(run("--help").out()).contains("Examples:").contains("Exit codes:");
  }

  @Test
  void versionNamesTheCommit() {
    Run r = run("--version");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("sipscreen " + org.sipscreen.BuildInfo.version() + " (commit "
        + org.sipscreen.BuildInfo.commit() + ")");
  }

  @Test
  void anOldSchemaConfigLoadsAndEachOldKeyIsPrintedWithItsNewSpelling() throws IOException {
    Path file = dir.resolve("old.yaml");
    Files.writeString(file, """
        sip:
          tcp_idle_timeout_seconds: 120
        screening:
          source_peer:
            peers:
              carrier_a: {networks: [198.51.100.0/24]}
        """);
    Run r = run("check-config", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("old.yaml: OK");
    assertThat(r.err()).contains("uses the schema before 1.0")
        .contains("sip.tcp_idle_timeout_seconds -> sip.tcp_idle_timeout: 120s (durations carry their unit)"
            + " (line 2)")
        .contains("screening.source_peer.peers.carrier_a.networks -> peers.carrier_a.networks (line 6)");
  }

  @Test
  void migratePrintsTheConfigInTheNewSchema() throws IOException {
    Path file = dir.resolve("old.yaml");
    Files.writeString(file, """
        sip:
          tcp_idle_timeout_seconds: 120
        screening:
          source_peer:
            peers:
              carrier_a: {networks: [198.51.100.0/24]}
        """);
    Run r = run("check-config", "--migrate", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path migrated = dir.resolve("new.yaml");
    Files.writeString(migrated, r.out());
    Run again = run("check-config", migrated.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.err()).as(r.out()).isEmpty();
    assertThat(r.out()).contains("tcp_idle_timeout: 120s").contains("peers:");
  }
}
