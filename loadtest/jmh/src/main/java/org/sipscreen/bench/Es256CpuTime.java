package org.sipscreen.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Companion to {@link Es256Benchmark} for a shared, oversubscribed machine: the same verification paths,
 * measured in thread CPU time per operation (which excludes time the thread waits for a core) as well as
 * wall time. Candidates alternate in batches so load changes hit them alike; the median batch is reported.
 * Run: {@code java -cp loadtest/jmh/target/benchmarks.jar org.sipscreen.bench.Es256CpuTime [rounds]}.
 */
public final class Es256CpuTime {

  private Es256CpuTime() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Es256Benchmark bench = new Es256Benchmark();
    bench.setUp();
    Map<String, Callable<Object>> candidates = new LinkedHashMap<>();
    candidates.put("bouncyCastleLightweight", bench::bouncyCastleLightweight);
    candidates.put("es256KeyBouncyCastle", bench::es256KeyBouncyCastle);
    candidates.put("es256KeyConscrypt", bench::es256KeyConscrypt);
    candidates.put("conscryptDer", bench::conscryptDer);
    candidates.put("jdkSunEcP1363", bench::jdkSunEcP1363);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, double[]> cpu = new LinkedHashMap<>();
    Map<String, double[]> wall = new LinkedHashMap<>();
    candidates.keySet().forEach(name -> {
      cpu.put(name, new double[rounds]);
      wall.put(name, new double[rounds]);
    });
    // Warm-up: about 2 s of calls per candidate so the JIT has compiled each path.
    for (Map.Entry<String, Callable<Object>> candidate : candidates.entrySet()) {
      long end = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < end) {
        check(candidate.getValue().call(), candidate.getKey());
      }
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Callable<Object>> candidate : candidates.entrySet()) {
        int batch = candidate.getKey().startsWith("jdk") ? 20 : 200;
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        for (int i = 0; i < batch; i++) {
          check(candidate.getValue().call(), candidate.getKey());
        }
        cpu.get(candidate.getKey())[round] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / batch;
        wall.get(candidate.getKey())[round] = (System.nanoTime() - wallStart) / 1e3 / batch;
      }
    }
    System.out.printf("%-26s %14s %14s %14s%n", "candidate", "cpu µs/op p50", "cpu µs/op min", "wall µs/op p50");
    for (String name : candidates.keySet()) {
      double[] c = cpu.get(name).clone();
      double[] w = wall.get(name).clone();
      Arrays.sort(c);
      Arrays.sort(w);
      System.out.printf("%-26s %14.1f %14.1f %14.1f%n", name, c[rounds / 2], c[0], w[rounds / 2]);
    }
  }

  private static void check(Object result, String name) {
    if (!Boolean.TRUE.equals(result)) {
      throw new IllegalStateException(name + " did not verify the signature");
    }
  }
}
