package org.sipscreen.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Companion to {@link SignedInviteBenchmark} for a shared, oversubscribed machine: the same cases in thread
 * CPU time per operation (which excludes time the thread waits for a core), in the whole process's CPU time
 * per operation (mean over the batches: adds what the case costs on other threads, GC and finalizers, and some
 * JIT and background noise),
 * and heap allocated per operation, candidates alternating in batches so load changes hit them alike; the median batch is
 * reported, and the signed INVITE's extra over the unsigned one as a multiple of the ES256 verification.
 * Run: {@code java -cp loadtest/jmh/target/benchmarks.jar org.sipscreen.bench.SignedInviteCpuTime [rounds]}.
 */
public final class SignedInviteCpuTime {

  private static final int BATCH = 200;

  private SignedInviteCpuTime() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    SignedInviteBenchmark bench = new SignedInviteBenchmark();
    bench.setUp();
    Map<String, Callable<Object>> candidates = new LinkedHashMap<>();
    candidates.put("es256Only", bench::es256Only);
    candidates.put("checkSigned", bench::checkSigned);
    candidates.put("checkUnsigned", bench::checkUnsigned);
    candidates.put("parseOnly", bench::parseOnly);
    candidates.put("recordFieldsOnly", bench::recordFieldsOnly);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    Map<String, double[]> process = new LinkedHashMap<>();
    Map<String, double[]> bytes = new LinkedHashMap<>();
    candidates.keySet().forEach(name -> {
      cpu.put(name, new double[rounds]);
      process.put(name, new double[rounds]);
      bytes.put(name, new double[rounds]);
    });
    // Warm-up: about 2 s of calls per candidate so the JIT has compiled each path.
    for (Callable<Object> candidate : candidates.values()) {
      long end = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < end) {
        candidate.call();
      }
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Callable<Object>> candidate : candidates.entrySet()) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long processStart = os.getProcessCpuTime();
        long bytesStart = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < BATCH; i++) {
          if (candidate.getValue().call() == null) {
            throw new IllegalStateException(candidate.getKey() + " returned null");
          }
        }
        cpu.get(candidate.getKey())[round] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / BATCH;
        process.get(candidate.getKey())[round] = (os.getProcessCpuTime() - processStart) / 1e3 / BATCH;
        bytes.get(candidate.getKey())[round] =
            (threads.getThreadAllocatedBytes(self) - bytesStart) / (double) BATCH;
      }
    }
    System.out.printf("%-18s %14s %14s %15s %14s%n", "case", "cpu µs/op p50", "cpu µs/op min",
        "proc µs/op mean", "bytes/op p50");
    Map<String, Double> p50 = new LinkedHashMap<>();
    for (String name : candidates.keySet()) {
      double[] c = cpu.get(name).clone();
      double[] b = bytes.get(name).clone();
      double[] pr = process.get(name).clone();
      Arrays.sort(c);
      Arrays.sort(b);
      Arrays.sort(pr);
      p50.put(name, c[rounds / 2]);
      System.out.printf("%-18s %14.1f %14.1f %15.1f %14.0f%n", name, c[rounds / 2], c[0],
          Arrays.stream(pr).average().orElse(0), b[rounds / 2]);
    }
    double extra = p50.get("checkSigned") - p50.get("checkUnsigned");
    System.out.printf("RATIO (checkSigned - checkUnsigned) / es256Only = %.1f / %.1f = %.2f%n",
        extra, p50.get("es256Only"), extra / p50.get("es256Only"));
  }
}
