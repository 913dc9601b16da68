package org.sipscreen.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.sipscreen.records.DecisionFiles;
import org.sipscreen.records.DecisionLog;
import org.sipscreen.records.DecisionRecord;
import org.sipscreen.records.DecisionRecorder;
import org.sipscreen.records.Traceback;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.PolicyDecision;
import org.sipscreen.screening.ScreeningResult;

/**
 * Decision records at traceback scale, not a JMH benchmark (it writes gigabytes once): generates N records
 * (default 10 million) spread over 24 simulated hours through the real {@link DecisionRecorder} (queue,
 * writer thread, hourly files) into a temporary directory, reports records/s and bytes/record, then times
 * traceback queries over them with the per-file indexes and again without them, and deletes the files.
 *
 * <pre>java -cp loadtest/jmh/target/benchmarks.jar org.sipscreen.bench.DecisionRecordsBench [N] [DIR]</pre>
 */
public final class DecisionRecordsBench {

  private static final int CALLERS = 1_000_000;
  private static final int ROBOCALLER = CALLERS + 1;
  private static final long START = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
  private static final long SPAN = 24 * DecisionFiles.HOUR_MILLIS;

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("sipscreen-records-bench");
    try {
      write(n, dir);
      System.out.println("-- with the per-file index (RecordIndex sidecars written as files closed)");
      query(n, dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".idx")).toList()) {
          Files.delete(f);
        }
      }
      System.out.println("-- without the index (sidecars deleted: every file in the window is read)");
      query(n, dir);
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  static String caller(int i) {
    return "+1" + (2020000000L + (i * 7919L) % 7_000_000_000L);
  }

  static void write(long n, Path dir) throws IOException, InterruptedException {
    Clock end = Clock.fixed(Instant.ofEpochMilli(START + SPAN), ZoneOffset.UTC);
    DecisionLog files = new DecisionLog(dir, 256L * 1024 * 1024, 24 * 365, Long.MAX_VALUE, end);
    int queueSize = 65_536;
    DecisionRecorder recorder = new DecisionRecorder(files, queueSize, 1000, end);
    InetSocketAddress[] peers = {new InetSocketAddress("198.51.100.7", 5060),
        new InetSocketAddress("203.0.113.20", 5060), new InetSocketAddress("2001:db8::15", 5061)};
    String[] peerNames = {"carrier-a", "carrier-b", "carrier-c"};
    InetSocketAddress next = new InetSocketAddress("10.0.0.5", 5060);
    SplittableRandom random = new SplittableRandom(42);
    long waits = 0;
    long t0 = System.nanoTime();
    for (long i = 0; i < n; i++) {
      // One caller in 10,000 calls is the robocaller the traceback benchmark looks for.
      int c = i % 10_000 == 0 ? ROBOCALLER : random.nextInt(CALLERS);
      String caller = caller(c);
      String callee = i % 20_000 == 0 ? "+13125550042" : "+131255" + (50_000 + random.nextInt(10_000));
      int p = Math.floorMod(c, 3);
      long time = START + i * SPAN / n;
      DecisionRecord r = record(time, i, caller, callee, peers[p], peerNames[p], next, random.nextInt(10));
      // Back off instead of dropping: this measures how fast the writer can go.
      while (recorder.queued() >= queueSize - 1) {
        Thread.onSpinWait();
        waits++;
      }
      recorder.record(r);
    }
    long writerCpu = threadCpu("sipscreen-decision-records");
    recorder.close();
    double seconds = (System.nanoTime() - t0) / 1e9;
    long processCpu = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    long bytes = 0;
    List<DecisionFiles.Segment> list = DecisionFiles.list(dir);
    for (DecisionFiles.Segment s : list) {
      bytes += Files.size(s.path());
    }
    System.out.printf("write: %d records in %.1f s wall = %.0f records/s; %d files, %.2f GB, %.0f bytes/record;"
            + " written %d, dropped %d%n", n, seconds, n / seconds, list.size(), bytes / 1e9,
        (double) bytes / n, recorder.written(), recorder.droppedQueueFull() + recorder.droppedIoError());
    System.out.printf("write: writer thread CPU %.1f s = %.2f us/record = %.0f records per CPU-second"
            + " (serialize + write; the last flush/close not included); whole process CPU %.1f s%n",
        writerCpu / 1e9, writerCpu / 1e3 / n, n / (writerCpu / 1e9), processCpu / 1e9);
  }

  static DecisionRecord record(long time, long i, String caller, String callee, InetSocketAddress peer,
      String peerName, InetSocketAddress next, int kind) {
    String callId = Long.toHexString(i * 0x9E3779B97F4A7C15L) + "@" + peer.getAddress().getHostAddress();
    String fromRaw = "\"Caller " + (i % 1000) + "\" <sip:" + caller + "@" + peer.getAddress().getHostAddress()
        + ";user=phone>;tag=" + Long.toHexString(i);
    String ruri = "sip:" + callee + "@sbc.example.net;user=phone";
    List<CheckOutcome> outcomes = List.of(new CheckOutcome("emergency", "continue"),
        new CheckOutcome("source_peer", "continue"), new CheckOutcome("calling_number", "e164"));
    ScreeningResult s;
    if (kind == 0) {
      s = new ScreeningResult(new ScreeningResult.Action.Reject(603, "Decline", List.of()), List.of(),
          Optional.of("block_list"), Optional.of(peerName), PhoneNumbers.NANP.fromNumber(caller),
          PhoneNumbers.NANP.fromNumber(callee), append(outcomes, new CheckOutcome("block_list", "reject")),
          0, List.of(), Optional.empty());
      return new DecisionRecord(time, callId, callId + " 1 z9hG4bK" + i, peer, "udp", fromRaw, ruri, s,
          null, null, null, DecisionRecord.Delivery.ANSWERED, 603, "Decline", null, null);
    }
    if (kind == 1) {
      s = new ScreeningResult(ScreeningResult.Action.FORWARD, List.of(new CallTag.DisplayLabel("SPAM?")),
          Optional.empty(), Optional.of(peerName), PhoneNumbers.NANP.fromNumber(caller),
          PhoneNumbers.NANP.fromNumber(callee),
          append(outcomes, new CheckOutcome("neighbor_spoofing", "neighbor_spoofing")), 40,
          List.of(new PolicyDecision("neighbor_spoofing", "neighbor_spoofing", 40, PolicyAction.TAG, false)),
          Optional.empty());
    } else {
      s = new ScreeningResult(ScreeningResult.Action.FORWARD, List.of(), Optional.empty(),
          Optional.of(peerName), PhoneNumbers.NANP.fromNumber(caller), PhoneNumbers.NANP.fromNumber(callee),
          outcomes, 0, List.of(), Optional.empty());
    }
    return new DecisionRecord(time, callId, callId + " 1 z9hG4bK" + i, peer, "udp", fromRaw, ruri, s, null,
        null, null, DecisionRecord.Delivery.FORWARDED, 0, null, next, "udp");
  }

  private static List<CheckOutcome> append(List<CheckOutcome> list, CheckOutcome o) {
    List<CheckOutcome> out = new ArrayList<>(list);
    out.add(o);
    return out;
  }

  static void query(long n, Path dir) throws IOException {
    // A caller of the generator: about n / CALLERS calls over the day.
    String caller = caller(ROBOCALLER);
    String callee = "+13125550042";
    Instant from = Instant.ofEpochMilli(START);
    Instant hourStart = Instant.ofEpochMilli(START + 13 * DecisionFiles.HOUR_MILLIS);
    Instant dayEnd = Instant.ofEpochMilli(START + SPAN - 1);
    time("caller, 1 hour", new Traceback.Query(caller, null, hourStart, hourStart.plusSeconds(3599), null,
        100_000), dir);
    time("caller, 24 hours (all " + n + " records)", new Traceback.Query(caller, null, from, dayEnd, null,
        100_000), dir);
    time("caller + callee, 24 hours", new Traceback.Query(caller, callee, from, dayEnd, null, 100_000), dir);
    time("callee only, 1 hour", new Traceback.Query(null, callee, hourStart, hourStart.plusSeconds(3599),
        null, 100_000), dir);
    // An ordinary caller of the generator (about n / CALLERS calls, in a few of the hours), and a number
    // that never called: what the index is for.
    time("ordinary caller, 24 hours", new Traceback.Query(caller(123_457), null, from, dayEnd, null,
        100_000), dir);
    time("unseen caller, 24 hours", new Traceback.Query("+19995550100", null, from, dayEnd, null, 100_000),
        dir);
  }

  static void time(String what, Traceback.Query q, Path dir) throws IOException {
    long[] ms = new long[5];
    long[] cpu = new long[5];
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    Traceback.Result r = null;
    for (int i = 0; i < ms.length; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      r = Traceback.run(dir, q);
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
      cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1_000_000;
    }
    long[] sorted = ms.clone();
    Arrays.sort(sorted);
    long[] sortedCpu = cpu.clone();
    Arrays.sort(sortedCpu);
    System.out.printf("traceback %-40s %6d matches, %3d files read, %3d skipped, %6.2f GB read: wall median"
            + " %d ms (runs %s), CPU median %d ms (runs %s)%n", what, r.records().size(), r.filesScanned(),
        r.filesSkipped(), r.bytesScanned() / 1e9, sorted[ms.length / 2], Arrays.toString(ms), sortedCpu[ms.length / 2],
        Arrays.toString(cpu));
  }

  private static long threadCpu(String name) {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        return threads.getThreadCpuTime(t.getId());
      }
    }
    return -1;
  }
}
