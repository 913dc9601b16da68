package org.sipscreen.records.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Writes a large decision record set for measuring the report: {@code days} days from 2026-10-01 with
 * {@code perDay} records each, spread over the hours, from 10 peers, in a robocall mix (about 70% forwarded
 * with A, B or no attestation, 8% tagged, 20% blocked for five reasons, 1% emergency), callers drawn from
 * a million numbers. Usage: {@code ReportLoadGenerator DIR DAYS PER_DAY}.
 */
public final class ReportLoadGenerator {

  private ReportLoadGenerator() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int days = Integer.parseInt(args[1]);
    int perDay = Integer.parseInt(args[2]);
    long start = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
    SplittableRandom random = new SplittableRandom(17);
    ReportRecords.Kind[] mix = new ReportRecords.Kind[100];
    int i = 0;
    i = fill(mix, i, 25, ReportRecords.Kind.FORWARDED);
    i = fill(mix, i, 30, ReportRecords.Kind.FORWARDED_A);
    i = fill(mix, i, 12, ReportRecords.Kind.FORWARDED_B);
    i = fill(mix, i, 3, ReportRecords.Kind.SIGNATURE_FAILED);
    i = fill(mix, i, 8, ReportRecords.Kind.TAGGED_NEIGHBOR);
    i = fill(mix, i, 6, ReportRecords.Kind.REJECTED_N11);
    i = fill(mix, i, 3, ReportRecords.Kind.REJECTED_DNO);
    i = fill(mix, i, 8, ReportRecords.Kind.BLOCKED_VELOCITY);
    i = fill(mix, i, 4, ReportRecords.Kind.REJECTED_RMD);
    fill(mix, i, 1, ReportRecords.Kind.EMERGENCY);
    long t0 = System.nanoTime();
    try (ReportRecords out = new ReportRecords(dir)) {
      for (int d = 0; d < days; d++) {
        long dayStart = start + d * 86_400_000L;
        for (int n = 0; n < perDay; n++) {
          long t = dayStart + (long) n * 86_400_000L / perDay;
          String peer = "carrier_" + (char) ('a' + random.nextInt(10));
          String caller = "+1" + (201 + random.nextInt(700)) + "555" + String.format("%04d", random.nextInt(1500));
          out.write(t, peer, caller, mix[random.nextInt(100)]);
        }
      }
      System.out.printf("%,d records in %d s%n", out.count(), (System.nanoTime() - t0) / 1_000_000_000L);
    }
  }

  private static int fill(ReportRecords.Kind[] mix, int from, int n, ReportRecords.Kind kind) {
    for (int k = 0; k < n; k++) {
      mix[from + k] = kind;
    }
    return from + n;
  }
}
