package org.sipscreen.records.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.records.report.ReportRecords.Kind.BLOCKED_VELOCITY;
import static org.sipscreen.records.report.ReportRecords.Kind.FORWARDED_A;
import static org.sipscreen.records.report.ReportRecords.Kind.REJECTED_N11;
import static org.sipscreen.records.report.ReportRecords.Kind.TAGGED_NEIGHBOR;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.records.DecisionFiles;
import org.sipscreen.records.report.ReportScanner.Summaries;

/** The summaries of finished files: a report from them is the report from the records. */
class ReportSummaryTest {

  private static final Instant DAY1 = Instant.parse("2026-11-02T00:00:00Z");
  private static final Instant DAY2 = Instant.parse("2026-11-03T00:00:00Z");
  private static final Instant END = Instant.parse("2026-11-03T23:59:59.999Z");
  /** Long after the records: every file is finished. */
  private static final long LATER = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

  @TempDir
  Path dir;

  @BeforeEach
  void records() throws Exception {
    try (ReportRecords out = new ReportRecords(dir)) {
      for (int i = 0; i < 300; i++) {
        long t = (i % 2 == 0 ? DAY1 : DAY2).toEpochMilli() + (i * 7919L % 86_000) * 1000;
        String peer = "carrier_" + (char) ('a' + i % 3);
        String caller = "+1212555" + String.format("%04d", i % 37);
        ReportRecords.Kind kind = switch (i % 5) {
          case 0 -> REJECTED_N11;
          case 1 -> BLOCKED_VELOCITY;
          case 2 -> TAGGED_NEIGHBOR;
          default -> FORWARDED_A;
        };
        out.write(t, peer, caller, kind);
      }
    }
  }

  private PeerReport run(Instant from, Instant to, String peer, Summaries summaries, long now)
      throws Exception {
    return ReportScanner.run(dir, new PeerReport.Query(from, to, peer, 50), 2, summaries, now);
  }

  /** The report's JSON without what says how it was read. */
  private static String counts(PeerReport r) throws Exception {
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(ReportFormats.write(r, "json"));
    json.remove(List.of("millis", "files_from_summaries"));
    return json.toString();
  }

  private List<Path> summaries() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".sum")).sorted().toList();
    }
  }

  private List<Path> recordFiles() throws Exception {
    return DecisionFiles.list(dir).stream().map(DecisionFiles.Segment::path).toList();
  }

  @Test
  void aReportFromSummariesIsTheReportFromTheRecords() throws Exception {
    PeerReport scanned = run(DAY1, END, null, Summaries.OFF, LATER);
    assertThat(summaries()).as("OFF writes none").isEmpty();

    PeerReport first = run(DAY1, END, null, Summaries.USE, LATER);
    assertThat(first.filesFromSummaries()).isZero();
    assertThat(summaries()).hasSize(recordFiles().size());

    PeerReport second = run(DAY1, END, null, Summaries.USE, LATER);
    assertThat(second.filesFromSummaries()).isEqualTo(recordFiles().size());
    assertThat(scanned.records()).isEqualTo(300);
    assertThat(counts(first)).isEqualTo(counts(scanned));
    assertThat(counts(second)).isEqualTo(counts(scanned));

    PeerReport onePeer = run(DAY1, END, "carrier_b", Summaries.USE, LATER);
    assertThat(onePeer.filesFromSummaries()).isEqualTo(recordFiles().size());
    assertThat(counts(onePeer)).isEqualTo(counts(run(DAY1, END, "carrier_b", Summaries.OFF, LATER)));
    assertThat(onePeer.records()).isEqualTo(100);
  }

  @Test
  void filesAtTheEdgesOfTheWindowAreReadNotSummarized() throws Exception {
    run(DAY1, END, null, Summaries.USE, LATER); // summarizes every file
    // From the middle of an hour to the middle of another: the two edge files are read.
    Instant from = DAY1.plusSeconds(5 * 3600 + 1800);
    Instant to = DAY2.plusSeconds(20 * 3600 + 1200);
    PeerReport r = run(from, to, null, Summaries.USE, LATER);
    assertThat(counts(r)).isEqualTo(counts(run(from, to, null, Summaries.OFF, LATER)));
    long inside = DecisionFiles.overlapping(dir, from.toEpochMilli(), to.toEpochMilli()).stream()
        .filter(f -> f.hourStart() >= from.toEpochMilli()
            && f.hourStart() + DecisionFiles.HOUR_MILLIS <= to.toEpochMilli())
        .count();
    assertThat(inside).isPositive();
    assertThat(r.filesFromSummaries()).isEqualTo(inside);
    assertThat(r.records()).isLessThan(300);
  }

  @Test
  void aFileThatChangedIsReadAgainAndItsSummaryReplaced() throws Exception {
    run(DAY1, END, null, Summaries.USE, LATER);
    Path file = recordFiles().get(0);
    String line = Files.readAllLines(file).get(0);
    Files.writeString(file, line + "\n", StandardOpenOption.APPEND); // one more record, same hour

    PeerReport r = run(DAY1, END, null, Summaries.USE, LATER);
    assertThat(r.records()).isEqualTo(301);
    assertThat(r.filesFromSummaries()).isEqualTo(recordFiles().size() - 1);
    assertThat(counts(r)).isEqualTo(counts(run(DAY1, END, null, Summaries.OFF, LATER)));
    PeerReport again = run(DAY1, END, null, Summaries.USE, LATER);
    assertThat(again.filesFromSummaries()).as("rewritten").isEqualTo(recordFiles().size());
    assertThat(again.records()).isEqualTo(301);
  }

  @Test
  void filesOfRecentHoursGetNoSummary() throws Exception {
    // Two hours and a minute after the last hour of DAY2 began: every file but that hour's is finished.
    long now = Instant.parse("2026-11-03T23:00:00Z").toEpochMilli() + 2 * 3_600_000L + 60_000;
    run(DAY1, END, null, Summaries.USE, now);
    List<Path> files = recordFiles();
    assertThat(summaries()).hasSize(files.size() - 1);
    assertThat(DecisionFiles.summarySidecar(files.get(files.size() - 1))).doesNotExist();
  }

  @Test
  void aSummaryThatCannotBeReadIsIgnored() throws Exception {
    run(DAY1, END, null, Summaries.USE, LATER);
    List<Path> sums = summaries();
    Files.write(sums.get(0), new byte[] {1, 2, 3});
    byte[] whole = Files.readAllBytes(sums.get(1));
    Files.write(sums.get(1), java.util.Arrays.copyOf(whole, whole.length / 2)); // cut short

    PeerReport r = run(DAY1, END, null, Summaries.USE, LATER);
    assertThat(r.filesFromSummaries()).isEqualTo(recordFiles().size() - 2);
    assertThat(counts(r)).isEqualTo(counts(run(DAY1, END, null, Summaries.OFF, LATER)));
  }

  @Test
  void aDirectoryTheReportCannotWriteToGivesTheSameReport() throws Exception {
    PeerReport scanned = run(DAY1, END, null, Summaries.OFF, LATER);
    assertThat(dir.toFile().setWritable(false)).isTrue();
    try {
      PeerReport r = run(DAY1, END, null, Summaries.USE, LATER);
      assertThat(counts(r)).isEqualTo(counts(scanned));
      if (!Files.isWritable(dir)) { // root writes anyway
        assertThat(r.summariesNotWritten()).isEqualTo(recordFiles().size());
      }
    } finally {
      dir.toFile().setWritable(true);
    }
  }

  @Test
  void theRecordsLogHasTheFilesItClosesSummarized(@TempDir Path logDir) throws Exception {
    SummaryWriter writer = new SummaryWriter();
    try (org.sipscreen.records.DecisionLog log = new org.sipscreen.records.DecisionLog(logDir, 1L << 30, 24 * 400,
        1L << 40, java.time.Clock.fixed(END, java.time.ZoneOffset.UTC))) {
      log.onFileClosed(writer);
      for (Path file : recordFiles()) { // the same records, written by the proxy's log
        long hour = DecisionFiles.parse(file).hourStart();
        for (String line : Files.readAllLines(file)) {
          byte[] b = (line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
          log.append(hour + 1, b, b.length);
        }
      }
    }
    writer.close(30_000);
    int files = DecisionFiles.list(logDir).size();
    assertThat(writer.written()).isEqualTo(files);
    // Now is the first hour: no file is old enough for a report to summarize it, yet all have summaries.
    long now = DAY1.toEpochMilli();
    PeerReport r = ReportScanner.run(logDir, new PeerReport.Query(DAY1, END, null, 50), 2, Summaries.USE, now);
    assertThat(r.filesFromSummaries()).isEqualTo(files);
    assertThat(counts(r)).isEqualTo(counts(run(DAY1, END, null, Summaries.OFF, LATER)));
  }

  @Test
  void aLineTooLongToBeARecordIsSkippedNotHeld() throws Exception {
    Path file = recordFiles().get(0);
    String record = Files.readAllLines(file).get(0);
    long before = run(DAY1, END, null, Summaries.OFF, LATER).records();
    // What a crash can leave: a run of zero bytes, longer than any record, then the log's next line.
    try (var out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < ReportScanner.MAX_LINE / zeros.length + 3; i++) {
        out.write(zeros);
      }
      out.write(("\n" + record + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    PeerReport r = run(DAY1, END, null, Summaries.OFF, LATER);
    assertThat(r.records()).isEqualTo(before + 1);
    assertThat(r.unreadableLines()).isEqualTo(1);
  }

  @Test
  void newlineFindsTheFirstNewlineAsAByteLoopWould() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int round = 0; round < 2000; round++) {
      byte[] b = new byte[random.nextInt(1, 40)];
      for (int i = 0; i < b.length; i++) {
        int pick = random.nextInt(6);
        b[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x0b : pick == 2 ? 0x8a : pick == 3 ? 0 : random.nextInt(256));
      }
      int from = random.nextInt(b.length);
      int to = random.nextInt(from, b.length + 1);
      int expected = -1;
      for (int i = from; i < to && expected < 0; i++) {
        expected = b[i] == '\n' ? i : -1;
      }
      assertThat(ReportScanner.newline(b, from, to)).as("round %d", round).isEqualTo(expected);
    }
  }

  @Test
  void mergedTopListsAddTheirErrors() {
    TopCounter a = new TopCounter(1);
    a.add("x", 5);
    a.add("y", 1);
    a.add("z", 1); // prunes y (1)
    TopCounter b = new TopCounter(1);
    b.add("x", 5);
    b.add("w", 1);
    b.add("v", 1); // prunes v (1)
    assertThat(a.error()).isEqualTo(1);
    assertThat(b.error()).isEqualTo(1);
    a.addAll(b);
    assertThat(a.error()).as("a value pruned from both may miss 1 + 1").isGreaterThanOrEqualTo(2);
    assertThat(a.top(1)).containsExactly(new TopCounter.Entry("x", 10));
  }
}
