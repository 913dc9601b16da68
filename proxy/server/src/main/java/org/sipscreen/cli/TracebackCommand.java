package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sipscreen.config.ConfigException;
import org.sipscreen.config.ConfigLoader;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.records.Traceback;
import org.sipscreen.screening.PhoneNumbers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sipscreen traceback --caller N [--callee N] --from T --to T (--log-dir DIR | --config FILE)}: lists
 * the decision records of the matching calls with the upstream peer each came from. Exit 0 when records
 * matched, 1 when none did, 2 on bad input.
 */
@Command(name = "traceback", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "List the screened calls from a caller (and/or to a callee) in a time window, with the"
        + " upstream peer and address each came from, from the decision records.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen traceback --caller +12025550123 --from 2026-11-28T19:00Z --to 2026-11-28T20:00Z"
            + " --config /etc/sipscreen/sipscreen.yaml",
        "  sipscreen traceback --caller 2025550123 --callee +13125550100 --from 2026-11-28 --to 2026-11-29"
            + " --log-dir /var/lib/sipscreen/records --format jsonl",
        "  sipscreen traceback --fleet --caller +12025550123 --from 2026-11-28 --to 2026-11-29"
            + " --config /etc/sipscreen/sipscreen.yaml"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:records matched (listed on stdout, a summary on stderr)",
        "1:no record matched",
        "2:bad number, time, option or config",
        "3:with --fleet: the proxy, Redis or a member could not be reached (the records of the others are"
            + " listed)"})
final class TracebackCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--caller", paramLabel = "NUMBER", description = "calling number, e.g. +12025550123")
  String caller;

  @Option(names = "--callee", paramLabel = "NUMBER", description = "called number")
  String callee;

  @Option(names = "--from", paramLabel = "TIME",
      description = "window start, inclusive: ISO-8601 (2026-11-28T19:00:00Z; no zone means UTC)")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "window end, inclusive")
  String to;

  @Option(names = "--time", paramLabel = "TIME",
      description = "the call's time as the request gives it; the window is --time ± --window")
  String time;

  @Option(names = "--window", paramLabel = "DURATION", defaultValue = "5m",
      description = "with --time: how far either side to look (default ${DEFAULT-VALUE})")
  String window;

  @Option(names = "--answer",
      description = "answer a traceback request: per call the upstream peer (name, RMD record, contact),"
          + " received time, source, Call-ID, caller ID as received, attestation and signer, and the"
          + " decision; --format text (default) or json")
  boolean answer;

  @Option(names = "--peer", paramLabel = "NAME", description = "only calls from this source peer")
  String peer;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100000",
      description = "at most N records (default ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "table (default) or jsonl (one record per line, as written); with --answer text"
          + " (default) or json")
  String format;

  @Option(names = "--fleet", description = "ask every member of the proxy's fleet (their admin APIs, as"
      + " listed in Redis) and merge their records by time; needs --config or --admin-url")
  boolean fleet;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "with --fleet: a file whose first line is the admin APIs' bearer token")
  Path tokenFile;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--log-dir", paramLabel = "DIR", description = "the decision records directory")
    Path logDir;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "read the records directory (and default country code) from this config")
    Path config;

    @Option(names = "--admin-url", paramLabel = "URL",
        description = "with --fleet: the admin API of one member, e.g. http://127.0.0.1:8080")
    String adminUrl;
  }

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    if (format == null) {
      format = answer ? "text" : "table";
    }
    if (answer ? !format.equals("text") && !format.equals("json")
        : !format.equals("table") && !format.equals("jsonl")) {
      err.println("traceback: --format must be " + (answer ? "text or json with --answer" : "table or jsonl")
          + ", was '" + format + "'");
      return 2;
    }
    if (fleet) {
      return FleetTraceback.run(this, out, err);
    }
    if (source.adminUrl != null) {
      err.println("traceback: --admin-url is for --fleet; give --log-dir or --config");
      return 2;
    }
    Path dir = source.logDir;
    PhoneNumbers numbers = PhoneNumbers.NANP;
    SipscreenConfig config = null;
    if (source.config != null) {
      try {
        config = ConfigLoader.load(source.config);
      } catch (ConfigException e) {
        err.println(e.getMessage());
        return 2;
      }
      dir = config.records().directoryFor(source.config);
      numbers = new PhoneNumbers(config.screening().defaultCountryCode());
    }
    Traceback.Query query;
    try {
      String[] window = window();
      query = Traceback.Query.parse(caller, callee, window[0], window[1], peer, limit, numbers);
    } catch (IllegalArgumentException e) {
      err.println("traceback: " + e.getMessage());
      return 2;
    }
    long t0 = System.nanoTime();
    Traceback.Result result;
    try {
      result = Traceback.run(dir, query);
    } catch (IOException e) {
      err.println("traceback: cannot read " + dir + ": " + e.getMessage());
      return 2;
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    try {
      if (answer) {
        TracebackAnswer.write(out, format, query, result, config == null ? null
            : TracebackAnswer.peers(config, source.config, err));
      } else if (format.equals("jsonl")) {
        for (ObjectNode r : result.records()) {
          out.println(JSON.writeValueAsString(r));
        }
      } else {
        table(out, result);
      }
    } catch (IOException e) {
      err.println("traceback: " + e.getMessage());
      return 2;
    }
    err.printf("%d record%s%s; %d file%s, %.1f MB read in %d ms from %s (%d skipped by their index)%s%n",
        result.records().size(),
        result.records().size() == 1 ? "" : "s", result.truncated() ? " (limit reached)" : "",
        result.filesScanned(), result.filesScanned() == 1 ? "" : "s", result.bytesScanned() / 1e6, millis,
        dir, result.filesSkipped(),
        result.unreadableLines() > 0 ? "; " + result.unreadableLines() + " unreadable lines" : "");
    return result.records().isEmpty() ? 1 : 0;
  }

  /** The window as from and to: given, or --time ± --window. */
  private String[] window() {
    if (time != null) {
      if (from != null || to != null) {
        throw new IllegalArgumentException("give --time (with --window) or --from and --to, not both");
      }
      java.time.Instant at = Traceback.parseTime(time, "time");
      java.time.Duration w;
      try {
        w = org.sipscreen.screening.check.ConfigDurations.parse(window);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("window '" + window + "' is not a duration such as 5m or 300s");
      }
      return new String[] {at.minus(w).toString(), at.plus(w).toString()};
    }
    if (from == null || to == null) {
      throw new IllegalArgumentException("give --from and --to, or --time (with --window)");
    }
    return new String[] {from, to};
  }

  private static void table(PrintStream out, Traceback.Result result) {
    table(out, result.records());
  }

  /** The records as a table; with an {@code instance} field (a fleet traceback) it is the first column. */
  static void table(PrintStream out, java.util.List<ObjectNode> records) {
    boolean instances = records.stream().anyMatch(r -> r.has("instance"));
    String row = "%-24s %-12s %-40s %-4s %-16s %-16s %-18s %-24s %s%n";
    out.printf((instances ? "%-16s " : "%s") + row, instances ? "INSTANCE" : "", "TIME (UTC)", "PEER",
        "SOURCE", "VIA", "CALLER", "CALLEE", "RESULT", "RESPONSE", "CALL-ID");
    for (ObjectNode r : records) {
      if (instances) {
        out.printf("%-16s ", text(r, "instance"));
      }
      out.printf(row, text(r, "time"), text(r, "peer"), text(r, "source"), text(r, "transport"),
          text(r, "caller"), text(r, "callee"), text(r, "result"), response(r), text(r, "call_id"));
    }
  }

  private static String response(ObjectNode r) {
    JsonNode status = r.path("status");
    if (status.isNumber()) {
      return status.asInt() + " " + r.path("reason").asText("");
    }
    return r.path("delivery").asText("-");
  }

  private static String text(ObjectNode r, String field) {
    JsonNode n = r.path(field);
    return n.isMissingNode() || n.isNull() ? "-" : n.asText();
  }
}
