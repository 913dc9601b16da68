package org.sipscreen.records.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.sipscreen.records.DecisionFiles;

/**
 * Builds a {@link PeerReport} by streaming the decision records of the window: the hourly files that
 * overlap it ({@link DecisionFiles}), line by line through a streaming JSON parser that reads only the
 * fields the report needs. Memory depends on peers, days and the bounded top lists, not on the number of
 * records. Files are read in parallel, one per thread, and the counts merged. Files are never locked or
 * changed: a report runs while the proxy writes.
 */
public final class ReportScanner {

  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter RECORD_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final int CHUNK = 1 << 20;
  /** A longer line is no record: the proxy's records are far shorter. */
  static final int MAX_LINE = 16 << 20;

  /**
   * How a signer known by the SPC of its certificate (the record's {@code spc}) is counted in the signers'
   * top list, beside those known only by their certificate URL.
   */
  static final String SPC_PREFIX = "spc:";

  private ReportScanner() {}

  /** Whether a report reads and writes the summaries of finished files ({@link ReportSummary}). */
  public enum Summaries {
    /** Read a file's summary when it is current; write one after reading a finished file whole. */
    USE,
    /** Read every record; neither read nor write summaries. */
    OFF
  }

  /**
   * How long after its hour ends a file is taken as finished, and gets a summary: the log keeps the
   * previous hour's file open while the next hour runs, for calls decided just before the hour turned.
   */
  static final long FINISHED_AFTER_MILLIS = 2 * DecisionFiles.HOUR_MILLIS + 5 * 60_000L;

  /** The report of the records in {@code dir}, read by {@code threads} threads, using summaries. */
  public static PeerReport run(Path dir, PeerReport.Query query, int threads) throws IOException {
    return run(dir, query, threads, Summaries.USE, System.currentTimeMillis());
  }

  /**
   * The report of the records in {@code dir}, read by {@code threads} threads.
   *
   * @param summaries whether to use and write the summaries of finished files
   * @param nowMillis the time now: files whose hour ended long enough before are finished
   */
  public static PeerReport run(Path dir, PeerReport.Query query, int threads, Summaries summaries,
      long nowMillis) throws IOException {
    long t0 = System.nanoTime();
    List<DecisionFiles.Segment> files = DecisionFiles.overlapping(dir, query.from().toEpochMilli(),
        query.to().toEpochMilli());
    Window window = new Window(query, RECORD_TIME.format(query.from()), RECORD_TIME.format(query.to()),
        summaries, nowMillis);
    PeerReport report = new PeerReport(query);
    if (threads <= 1 || files.size() < 2) {
      for (DecisionFiles.Segment f : files) {
        window.read(report, f);
      }
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, files.size()), r -> {
        Thread t = new Thread(r, "sipscreen-report");
        t.setDaemon(true);
        return t;
      });
      try {
        // One report per thread, each taking the next file until none is left: memory is that of
        // `threads` reports, whatever the number of files.
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Future<PeerReport>> parts = new ArrayList<>();
        for (int t = 0; t < Math.min(threads, files.size()); t++) {
          parts.add(pool.submit(() -> {
            PeerReport part = new PeerReport(query);
            for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
              window.read(part, files.get(i));
            }
            return part;
          }));
        }
        for (Future<PeerReport> p : parts) {
          report.addAll(p.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("report interrupted", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    report.millis = (System.nanoTime() - t0) / 1_000_000;
    return report;
  }

  /** A report's window and how it reads one file. */
  private record Window(PeerReport.Query query, String from, String to, Summaries summaries,
      long nowMillis) {

    /** Counts one file into {@code part}: from its summary, or by reading it (and then summarizing it). */
    void read(PeerReport part, DecisionFiles.Segment file) throws IOException {
      Path path = file.path();
      boolean inside = file.hourStart() >= query.from().toEpochMilli()
          && file.hourStart() + DecisionFiles.HOUR_MILLIS - 1 <= query.to().toEpochMilli();
      if (summaries == Summaries.USE && inside) {
        long size;
        long modified;
        try {
          size = Files.size(path);
          modified = Files.getLastModifiedTime(path).toMillis();
        } catch (NoSuchFileException e) {
          return; // deleted by retention since it was listed
        }
        ReportSummary summary = ReportSummary.read(path, size, modified);
        if (summary != null && summary.within(from, to)) {
          summary.addTo(part, size);
          part.filesFromSummaries++;
          return;
        }
        Whole whole = Whole.read(path);
        if (whole == null) {
          return;
        }
        if (whole.summary.within(from, to)) {
          part.addFile(whole.summary.counts, whole.summary.counts.bytes);
          if (file.hourStart() + FINISHED_AFTER_MILLIS <= nowMillis && whole.unchanged(size, modified)) {
            try {
              whole.summary.write(path, size, modified);
            } catch (IOException e) {
              part.summariesNotWritten++; // a read-only records directory: the report is the same
            }
          }
          return;
        }
        // Records outside their file's hour: read it again, counting only the window's.
      }
      new FileScan(part, from, to).scan(path);
    }

  }

  /** The counts of a whole file as read, with the file's size and time read before and after. */
  private record Whole(Path path, ReportSummary summary) {

    /** Reads the whole file; null when it no longer exists. */
    static Whole read(Path path) throws IOException {
      PeerReport counts = new PeerReport(ReportSummary.ALL);
      FileScan scan = new FileScan(counts, "", "\uffff");
      if (!scan.scan(path)) {
        return null;
      }
      return new Whole(path, new ReportSummary(counts, scan.first, scan.last));
    }

    /** Whether what was read is the file at {@code size} and {@code modified}, and it still is. */
    boolean unchanged(long size, long modified) {
      try {
        return summary.counts.bytes == size && Files.size(path) == size
            && Files.getLastModifiedTime(path).toMillis() == modified;
      } catch (IOException e) {
        return false;
      }
    }
  }

  /**
   * Writes the summary of a records file that is finished (its writer closed it), so that reports read the
   * summary instead of its records. Does nothing when the file changes while it is read.
   *
   * @return whether the summary was written
   */
  public static boolean summarize(Path file) throws IOException {
    long size;
    long modified;
    try {
      size = Files.size(file);
      modified = Files.getLastModifiedTime(file).toMillis();
    } catch (NoSuchFileException e) {
      return false;
    }
    Whole whole = Whole.read(file);
    if (whole == null || !whole.unchanged(size, modified)) {
      return false;
    }
    whole.summary.write(file, size, modified);
    return true;
  }

  /** The report of one record line, for tests: counts it into {@code report} when it matches. */
  static void countLine(PeerReport report, String line) throws IOException {
    byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    new FileScan(report, RECORD_TIME.format(report.query.from()), RECORD_TIME.format(report.query.to()))
        .line(b, 0, b.length);
  }

  /** Reads one file into a report. */
  private static final class FileScan {
    private final PeerReport report;
    private final String from;
    private final String to;
    private final List<String[]> fired = new ArrayList<>();
    /**
     * When each call answered in this file so far was answered (its 2xx), by Call-ID, until its BYE: a
     * BYE is timed from its answer when both are in the file, else from its INVITE (the stamp's time).
     */
    private final java.util.Map<String, Long> answeredAt = new java.util.HashMap<>();
    /** The first and last time of the file's readable records; null when none. */
    String first;
    String last;

    FileScan(PeerReport report, String from, String to) {
      this.report = report;
      this.from = from;
      this.to = to;
    }

    /** Reads the file; false when it no longer exists. */
    boolean scan(Path path) throws IOException {
      InputStream in;
      try {
        in = Files.newInputStream(path);
      } catch (NoSuchFileException e) {
        return false; // deleted by retention since it was listed
      }
      report.files++;
      byte[] buf = new byte[CHUNK];
      int kept = 0;
      boolean skipping = false; // in a line too long to be a record, until its newline
      try (in) {
        while (true) {
          if (kept == buf.length) {
            if (buf.length >= MAX_LINE) {
              // Not a record (zeros a crash left, or another file): skipped, not held in memory.
              report.unreadableLines++;
              skipping = true;
              kept = 0;
            } else {
              buf = java.util.Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
            }
          }
          int n = in.read(buf, kept, buf.length - kept);
          if (n < 0) {
            if (kept > 0 && !skipping) {
              line(buf, 0, kept); // the last line, cut short by a crash or being written
            }
            return true;
          }
          report.bytes += n;
          int filled = kept + n;
          int start = 0;
          for (int i = newline(buf, kept, filled); i >= 0; i = newline(buf, i + 1, filled)) {
            if (skipping) {
              skipping = false;
            } else if (i > start) {
              line(buf, start, i - start);
            }
            start = i + 1;
          }
          if (skipping) {
            kept = 0; // the rest of the long line
          } else {
            kept = filled - start;
            System.arraycopy(buf, start, buf, 0, kept);
          }
        }
      }
    }

    void line(byte[] buf, int offset, int length) {
      String time = null;
      String peer = null;
      String caller = null;
      String result = null;
      String decidedBy = null;
      String attestation = null;
      String x5u = null;
      String spc = null;
      String event = null;
      String callId = null;
      String invited = null;
      int status = 0;
      fired.clear();
      try (JsonParser p = JSON.createParser(buf, offset, length)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          report.unreadableLines++;
          return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          switch (name) {
            case "time" -> time = text(p, v);
            case "peer" -> peer = text(p, v);
            case "caller" -> caller = text(p, v);
            case "result" -> result = text(p, v);
            case "decided_by" -> decidedBy = text(p, v);
            case "attestation" -> attestation = text(p, v);
            case "x5u" -> x5u = text(p, v);
            case "spc" -> spc = text(p, v);
            case "event" -> event = text(p, v);
            case "call_id" -> callId = text(p, v);
            case "invited" -> invited = text(p, v);
            case "status" -> status = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
            case "fired" -> readFired(p, v);
            default -> p.skipChildren();
          }
        }
      } catch (IOException e) {
        report.unreadableLines++;
        return;
      }
      if (event != null && time != null) {
        outcome(time, peer, event, callId, invited, status);
        return;
      }
      if (time == null || result == null) {
        report.unreadableLines++;
        return;
      }
      if (first == null || time.compareTo(first) < 0) {
        first = time;
      }
      if (last == null || time.compareTo(last) > 0) {
        last = time;
      }
      if (time.compareTo(from) < 0 || time.compareTo(to) > 0) {
        return;
      }
      String peerName = peer == null ? PeerReport.NO_PEER : peer;
      if (report.query.peer() != null && !report.query.peer().equals(peerName)) {
        return;
      }
      report.records++;
      PeerReport.Peer pr = report.peer(peerName);
      Tally d = pr.dayOf(time);
      count(d, result, decidedBy, attestation, x5u);
      count(pr.total, result, decidedBy, attestation, x5u);
      boolean blocked = result.equals("rejected") || result.equals("rejected_analytics")
          || result.equals("dropped");
      if (blocked && caller != null) {
        pr.blockedCallers.add(caller);
        pr.blockedPrefixes.add(prefix(caller));
      }
      if (spc != null) {
        pr.signers.add(SPC_PREFIX + spc);
      } else if (x5u != null) {
        pr.signers.add(x5u);
      }
    }

    /** A call outcome line: a final response ({@code final}) or a BYE ({@code bye}). */
    private void outcome(String time, String peer, String event, String callId, String invited, int status) {
      long at = millisOf(time);
      boolean isFinal = event.equals("final") && status >= 200 && status <= 699;
      boolean isBye = event.equals("bye") && invited != null;
      if (at < 0 || callId == null || !(isFinal || isBye)) {
        report.unreadableLines++;
        return;
      }
      long invitedMillis = isBye ? millisOf(invited) : 0;
      if (invitedMillis < 0) {
        report.unreadableLines++;
        return;
      }
      if (first == null || time.compareTo(first) < 0) {
        first = time;
      }
      if (last == null || time.compareTo(last) > 0) {
        last = time;
      }
      Long answered = null;
      if (isFinal && status < 300) {
        answeredAt.putIfAbsent(callId, at);
      } else if (isBye) {
        answered = answeredAt.remove(callId);
      }
      if (time.compareTo(from) < 0 || time.compareTo(to) > 0) {
        return;
      }
      String peerName = peer == null ? PeerReport.NO_PEER : peer;
      if (report.query.peer() != null && !report.query.peer().equals(peerName)) {
        return;
      }
      PeerReport.Peer pr = report.peer(peerName);
      Tally d = pr.dayOf(time);
      if (isFinal) {
        String statusClass = (status / 100) + "xx";
        Tally.count(d.finals, statusClass);
        Tally.count(pr.total.finals, statusClass);
      } else {
        long millis = answered != null ? at - answered : at - invitedMillis;
        d.ended(millis, answered == null);
        pr.total.ended(millis, answered == null);
      }
    }

    /** A record time ({@code 2026-11-28T19:04:05.123Z}) in epoch milliseconds; -1 when it is none. */
    private static long millisOf(String time) {
      try {
        return java.time.Instant.parse(time).toEpochMilli();
      } catch (java.time.format.DateTimeParseException e) {
        return -1;
      }
    }

    private void count(Tally t, String result, String decidedBy, String attestation, String x5u) {
      t.calls++;
      Tally.count(t.results, result);
      for (String[] f : fired) {
        Tally.count(t.flagged, f[3]);
      }
      switch (result) {
        case "rejected", "rejected_analytics", "dropped" -> Tally.count(t.blockedBy, blockReason(decidedBy));
        case "tagged" -> tagReasons(t);
        default -> { }
      }
      Tally.count(t.attestation, attestation != null ? attestation : x5u != null ? "failed" : "unsigned");
    }

    /** The deciding check with the category it flagged, e.g. {@code invalid_number:n11_nxx}. */
    private String blockReason(String decidedBy) {
      if (decidedBy == null) {
        return "unknown";
      }
      for (String[] f : fired) {
        if (f[0].equals(decidedBy)) {
          return f[3];
        }
      }
      return decidedBy;
    }

    /** Each flag whose action tagged the call; the score threshold when none did. */
    private void tagReasons(Tally t) {
      boolean any = false;
      for (String[] f : fired) {
        if ("tag".equals(f[2])) {
          Tally.count(t.taggedBy, f[3]);
          any = true;
        }
      }
      if (!any) {
        Tally.count(t.taggedBy, "tag_score");
      }
    }

    private void readFired(JsonParser p, JsonToken v) throws IOException {
      if (v != JsonToken.START_ARRAY) {
        p.skipChildren();
        return;
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String check = null;
        String category = null;
        String action = null;
        boolean shadow = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          switch (name) {
            case "check" -> check = text(p, t);
            case "category" -> category = text(p, t);
            case "action" -> action = text(p, t);
            case "shadow" -> shadow = t == JsonToken.VALUE_TRUE;
            default -> p.skipChildren();
          }
        }
        if (check != null && category != null && !shadow) {
          fired.add(new String[] {check, category, action, check + ":" + category});
        }
      }
    }

    private static String text(JsonParser p, JsonToken v) throws IOException {
      if (v == JsonToken.VALUE_NULL) {
        return null;
      }
      if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
        p.skipChildren();
        return null;
      }
      return p.getText();
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long LOW_BITS = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** The index of the first {@code '\n'} in {@code b[from, to)}, or -1; eight bytes at a time. */
  static int newline(byte[] b, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(b, i) ^ NEWLINES; // a zero byte where b held a newline
      long zeros = (x - LOW_BITS) & ~x & HIGH_BITS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** A caller's prefix: NPA-NXX for a NANP number ({@code +1212555}), else the first 6 characters. */
  static String prefix(String caller) {
    if (caller.startsWith("+1") && caller.length() >= 8) {
      return caller.substring(0, 8);
    }
    return caller.length() > 6 ? caller.substring(0, 6) : caller;
  }
}
