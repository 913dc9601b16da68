package org.sipscreen.records.report;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.sipscreen.records.DecisionFiles;

/**
 * The report's counts of one finished decision file, kept in a sidecar {@code decisions-<hour>[.<n>].sum}
 * so that a later report reads them instead of the file's records. A summary holds every peer's counts of
 * the whole file (per day, over the file, and the top lists as the scan left them), the earliest and the
 * latest record time, the unreadable lines, and the size and modification time of the file it was made
 * from. It is used only while the file still has that size and time, and only when the report's window
 * holds every record of the file; otherwise the file is read. A summary that cannot be read is ignored.
 *
 * <p>Layout ({@link DataOutputStream}): the magic {@code SSSUM2}, the file's size and modification time
 * (epoch millis), the first and last record time (empty when none), the unreadable lines, then per peer
 * its name, its window tally, its days with their tallies and its three top lists.
 */
final class ReportSummary {

  private static final String MAGIC = "SSSUM2";

  /** The counts of one whole file, as a report with an unbounded window and every peer. */
  final PeerReport counts;
  /** The first and last record time in the file, as written ({@code 2026-11-28T19:04:00.123Z}); null when none. */
  final String firstTime;
  final String lastTime;

  /**
   * The top lists of a summary read from disk, per peer (blocked callers, blocked prefixes, signers), kept
   * as arrays until they are added to a report: {@link #counts} then has empty top lists.
   */
  private final Map<String, Top[]> tops;

  /** One top list as read: values, their counts, and the error of the counter they came from. */
  private record Top(String[] values, long[] counts, long error) {
    /**
     * Adds the list to {@code into}. While {@code into} is exact, every value is added, as reading the
     * file would. Once it is not (it was pruned), the values counted once in this file are left out and
     * its error grows by 1: a list that far beyond its capacity loses such values at the next pruning
     * anyway, and leaving them out keeps a month of high-cardinality lists from costing a prune per file.
     */
    void addTo(TopCounter into) {
      boolean exact = into.error() == 0;
      boolean left = false;
      for (int i = 0; i < values.length; i++) {
        if (exact || counts[i] > 1) {
          into.add(values[i], counts[i]);
        } else {
          left = true;
        }
      }
      into.addError(error + (left ? 1 : 0));
    }
  }

  ReportSummary(PeerReport counts, String firstTime, String lastTime) {
    this(counts, firstTime, lastTime, Map.of());
  }

  private ReportSummary(PeerReport counts, String firstTime, String lastTime, Map<String, Top[]> tops) {
    this.counts = counts;
    this.firstTime = firstTime;
    this.lastTime = lastTime;
    this.tops = tops;
  }

  /** Adds this file's counts to {@code report}, keeping the peer it asks for. */
  void addTo(PeerReport report, long fileBytes) {
    report.addFile(counts, fileBytes);
    tops.forEach((name, t) -> {
      if (report.query.peer() == null || report.query.peer().equals(name)) {
        PeerReport.Peer p = report.peer(name);
        t[0].addTo(p.blockedCallers);
        t[1].addTo(p.blockedPrefixes);
        t[2].addTo(p.signers);
      }
    });
  }

  /** The sidecar of a decision file. */
  static Path sidecar(Path decisionFile) {
    return DecisionFiles.summarySidecar(decisionFile);
  }

  /** Whether every record of the file lies in {@code [from, to]} (record time strings, inclusive). */
  boolean within(String from, String to) {
    return firstTime == null || (firstTime.compareTo(from) >= 0 && lastTime.compareTo(to) <= 0);
  }

  /**
   * Writes the summary of {@code decisionFile}, made from the file as it was at {@code size} and
   * {@code modifiedMillis}: to a temporary file, then moved into place.
   */
  void write(Path decisionFile, long size, long modifiedMillis) throws IOException {
    Path target = sidecar(decisionFile);
    Path tmp = target.resolveSibling(target.getFileName() + "." + Thread.currentThread().getId() + ".tmp");
    try {
      try (OutputStream file = Files.newOutputStream(tmp);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file, 1 << 16))) {
        out.writeUTF(MAGIC);
        out.writeLong(size);
        out.writeLong(modifiedMillis);
        out.writeUTF(firstTime == null ? "" : firstTime);
        out.writeUTF(lastTime == null ? "" : lastTime);
        out.writeLong(counts.unreadableLines);
        out.writeInt(counts.peers.size());
        for (PeerReport.Peer p : counts.peers.values()) {
          out.writeUTF(p.name);
          writeTally(out, p.total);
          out.writeInt(p.days.size());
          for (Map.Entry<String, Tally> d : p.days.entrySet()) {
            out.writeUTF(d.getKey());
            writeTally(out, d.getValue());
          }
          writeTop(out, p.blockedCallers);
          writeTop(out, p.blockedPrefixes);
          writeTop(out, p.signers);
        }
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The summary of {@code decisionFile} when one exists and was made from the file at {@code size} and
   * {@code modifiedMillis}; null when there is none, it is stale, or it cannot be read.
   */
  static ReportSummary read(Path decisionFile, long size, long modifiedMillis) {
    try (InputStream file = Files.newInputStream(sidecar(decisionFile));
        DataInputStream in = new DataInputStream(new BufferedInputStream(file, 1 << 16))) {
      if (!MAGIC.equals(in.readUTF()) || in.readLong() != size || in.readLong() != modifiedMillis) {
        return null;
      }
      String first = in.readUTF();
      String last = in.readUTF();
      PeerReport counts = new PeerReport(ALL);
      Map<String, Top[]> tops = new java.util.HashMap<>();
      counts.unreadableLines = in.readLong();
      int peers = in.readInt();
      for (int i = 0; i < peers; i++) {
        PeerReport.Peer p = counts.peer(in.readUTF());
        readTally(in, p.total);
        int days = in.readInt();
        for (int d = 0; d < days; d++) {
          readTally(in, p.day(in.readUTF()));
        }
        tops.put(p.name, new Top[] {readTop(in), readTop(in), readTop(in)});
        counts.records += p.total.calls;
      }
      if (in.read() != -1) {
        return null; // not what was written
      }
      return new ReportSummary(counts, first.isEmpty() ? null : first, last.isEmpty() ? null : last, tops);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      return null; // cut short or not a summary: the file is read instead
    }
  }

  /** The query of a whole-file summary: every record, every peer. */
  static final PeerReport.Query ALL = new PeerReport.Query(java.time.Instant.EPOCH,
      java.time.Instant.parse("9999-12-31T23:59:59.999Z"), null, 1);

  private static void writeTally(DataOutputStream out, Tally t) throws IOException {
    out.writeLong(t.calls);
    writeCounts(out, t.results);
    writeCounts(out, t.blockedBy);
    writeCounts(out, t.taggedBy);
    writeCounts(out, t.flagged);
    writeCounts(out, t.attestation);
    writeCounts(out, t.finals);
    out.writeLong(t.ended);
    out.writeLong(t.endedFromInvite);
    out.writeLong(t.durationMillis);
    out.writeInt(t.durationSeconds.length);
    for (long n : t.durationSeconds) {
      out.writeLong(n);
    }
  }

  private static void readTally(DataInputStream in, Tally t) throws IOException {
    t.calls += in.readLong();
    readCounts(in, t.results);
    readCounts(in, t.blockedBy);
    readCounts(in, t.taggedBy);
    readCounts(in, t.flagged);
    readCounts(in, t.attestation);
    readCounts(in, t.finals);
    t.ended += in.readLong();
    t.endedFromInvite += in.readLong();
    t.durationMillis += in.readLong();
    if (in.readInt() != t.durationSeconds.length) {
      throw new IOException("not this version's duration buckets");
    }
    for (int i = 0; i < t.durationSeconds.length; i++) {
      t.durationSeconds[i] += in.readLong();
    }
  }

  private static void writeCounts(DataOutputStream out, Map<String, long[]> counts) throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue()[0]);
    }
  }

  private static void readCounts(DataInputStream in, Map<String, long[]> into) throws IOException {
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      Tally.count(into, in.readUTF(), in.readLong());
    }
  }

  private static void writeTop(DataOutputStream out, TopCounter top) throws IOException {
    out.writeLong(top.error());
    out.writeInt(top.size());
    try {
      top.forEach((value, count) -> {
        try {
          out.writeUTF(value);
          out.writeLong(count);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static Top readTop(DataInputStream in) throws IOException {
    long error = in.readLong();
    int n = in.readInt();
    if (n < 0 || n > 2 * PeerReport.TOP_CAPACITY) {
      throw new IOException("bad count " + n);
    }
    String[] values = new String[n];
    long[] counts = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readUTF();
      counts[i] = in.readLong();
    }
    return new Top(values, counts, error);
  }
}
