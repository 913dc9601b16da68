package org.sipscreen.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sipscreen.config.ConfigException;
import org.sipscreen.config.ConfigLoader;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.records.Traceback;
import org.sipscreen.records.report.PeerReport;
import org.sipscreen.records.report.ReportFormats;
import org.sipscreen.records.report.ReportScanner;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sipscreen report --from T --to T [--peer NAME] [--format json|csv|html] (--log-dir DIR | --config
 * FILE)}: what each upstream peer sent, per day, from the decision records. Exit 0 with a report (possibly
 * of no records), 2 on bad input.
 */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Per upstream peer and day: calls, the share forwarded, tagged and blocked and why, the"
        + " STIR/SHAKEN attestation mix and signers, and the caller IDs and prefixes with the most blocked"
        + " calls, from the decision records.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen report --from 2026-11-01 --to 2026-11-30T23:59:59Z --config /etc/sipscreen/sipscreen.yaml",
        "  sipscreen report --from 2026-11-01 --to 2026-12-01 --peer carrier-b --format html"
            + " --log-dir /var/lib/sipscreen/records --output carrier-b-november.html"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the report was written (a summary on stderr)",
        "2:bad time, option or config, or the records could not be read"})
final class ReportCommand implements Callable<Integer> {

  @Option(names = "--from", required = true, paramLabel = "TIME",
      description = "window start, inclusive: ISO-8601 (2026-11-01, 2026-11-01T00:00:00Z; no zone means UTC)")
  String from;

  @Option(names = "--to", required = true, paramLabel = "TIME", description = "window end, inclusive")
  String to;

  @Option(names = "--peer", paramLabel = "NAME", description = "only this upstream peer")
  String peer;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
      description = "json (default), csv (one row per count) or html (one page with charts)")
  String format;

  @Option(names = "--top", paramLabel = "N", defaultValue = "20",
      description = "callers, prefixes and signers listed per peer (default ${DEFAULT-VALUE})")
  int top;

  @Option(names = "--short-call", paramLabel = "SECONDS", defaultValue = "6s",
      description = "an answered call that ends sooner is short (whole seconds, 1-60; default ${DEFAULT-VALUE})")
  String shortCall;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
      description = "files read in parallel (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--no-summaries",
      description = "read every record: neither use nor write the summaries of finished files")
  boolean noSummaries;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of stdout")
  Path output;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--log-dir", paramLabel = "DIR", description = "the decision records directory")
    Path logDir;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "read the records directory from this config")
    Path config;
  }

  @Override
  public Integer call() {
    PrintStream err = System.err;
    if (!ReportFormats.NAMES.contains(format)) {
      err.println("report: --format must be json, csv or html, was '" + format + "'");
      return 2;
    }
    if (threads < 1 || threads > 64) {
      err.println("report: --threads must be 1-64, was " + threads);
      return 2;
    }
    Path dir = source.logDir;
    java.util.Map<String, java.util.Map<String, String>> facts = java.util.Map.of();
    if (source.config != null) {
      try {
        SipscreenConfig config = ConfigLoader.load(source.config);
        dir = config.records().directoryFor(source.config);
        facts = TracebackAnswer.peers(config, source.config, err);
      } catch (ConfigException e) {
        err.println(e.getMessage());
        return 2;
      }
    }
    PeerReport.Query query;
    try {
      query = new PeerReport.Query(Traceback.parseTime(from, "from"), Traceback.parseTime(to, "to"),
          peer == null || peer.isBlank() ? null : peer, top, PeerReport.Query.shortCallSeconds(shortCall));
    } catch (IllegalArgumentException e) {
      err.println("report: " + e.getMessage());
      return 2;
    }
    PeerReport report;
    try {
      report = ReportScanner.run(dir, query, threads,
          noSummaries ? ReportScanner.Summaries.OFF : ReportScanner.Summaries.USE, System.currentTimeMillis());
    } catch (IOException e) {
      err.println("report: cannot read " + dir + ": " + e.getMessage());
      return 2;
    }
    String text = ReportFormats.write(report, format, facts);
    try {
      if (output != null) {
        Files.writeString(output, text, StandardCharsets.UTF_8);
      } else {
        System.out.print(text);
        System.out.flush();
      }
    } catch (IOException e) {
      err.println("report: cannot write " + output + ": " + e.getMessage());
      return 2;
    }
    err.printf("%,d records of %d peer%s; %d file%s (%d from summaries), %.1f MB of records in %d ms from %s%s%s%n",
        report.records(), report.peerNames().size(), report.peerNames().size() == 1 ? "" : "s",
        report.files(), report.files() == 1 ? "" : "s", report.filesFromSummaries(), report.bytes() / 1e6,
        report.millis(), dir,
        report.unreadableLines() > 0 ? "; " + report.unreadableLines() + " unreadable lines" : "",
        report.summariesNotWritten() > 0
            ? "; " + report.summariesNotWritten() + " summaries not written (directory not writable?)" : "");
    return 0;
  }
}
