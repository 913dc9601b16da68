package org.sipscreen.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Cases measured for a shared, oversubscribed machine: in thread CPU time per operation (which excludes
 * time the thread waits for a core), in the whole process's CPU time per operation (mean over the batches:
 * adds what the case costs on other threads, GC and finalizers, and some JIT and background noise), and in
 * heap allocated per operation, the cases alternating in batches so that load changes hit them alike; the
 * median batch is reported. {@link SignedInviteCpuTime} and {@link ProxyPathCpuTime} use it.
 */
final class CpuTimeRounds {

  private CpuTimeRounds() {}

  /**
   * Warms each case up for about 2 s, runs {@code rounds} rounds of one batch of {@code batch} operations per
   * case, prints the table and returns each case's median thread CPU µs per operation.
   */
  static Map<String, Double> run(Map<String, Callable<Object>> cases, int rounds, int batch) throws Exception {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    Map<String, double[]> process = new LinkedHashMap<>();
    Map<String, double[]> bytes = new LinkedHashMap<>();
    cases.keySet().forEach(name -> {
      cpu.put(name, new double[rounds]);
      process.put(name, new double[rounds]);
      bytes.put(name, new double[rounds]);
    });
    // Warm-up: about 2 s of calls per case so the JIT has compiled each path.
    for (Callable<Object> c : cases.values()) {
      long end = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < end) {
        c.call();
      }
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Callable<Object>> c : cases.entrySet()) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long processStart = os.getProcessCpuTime();
        long bytesStart = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < batch; i++) {
          if (c.getValue().call() == null) {
            throw new IllegalStateException(c.getKey() + " returned null");
          }
        }
        cpu.get(c.getKey())[round] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / batch;
        process.get(c.getKey())[round] = (os.getProcessCpuTime() - processStart) / 1e3 / batch;
        bytes.get(c.getKey())[round] = (threads.getThreadAllocatedBytes(self) - bytesStart) / (double) batch;
      }
    }
    System.out.printf("%-18s %14s %14s %15s %14s%n", "case", "cpu µs/op p50", "cpu µs/op min",
        "proc µs/op mean", "bytes/op p50");
    Map<String, Double> p50 = new LinkedHashMap<>();
    for (String name : cases.keySet()) {
      double[] c = cpu.get(name).clone();
      double[] b = bytes.get(name).clone();
      double[] pr = process.get(name);
      Arrays.sort(c);
      Arrays.sort(b);
      p50.put(name, c[rounds / 2]);
      System.out.printf("%-18s %14.1f %14.1f %15.1f %14.0f%n", name, c[rounds / 2], c[0],
          Arrays.stream(pr).average().orElse(0), b[rounds / 2]);
    }
    return p50;
  }

  /** Prints and returns {@code (with - without) / per}, each case's median thread CPU time per operation. */
  static double printExtraRatio(Map<String, Double> p50, String with, String without, String per) {
    double extra = p50.get(with) - p50.get(without);
    double ratio = extra / p50.get(per);
    System.out.printf("RATIO (%s - %s) / %s = %.1f / %.1f = %.2f%n", with, without, per, extra, p50.get(per),
        ratio);
    return ratio;
  }
}
