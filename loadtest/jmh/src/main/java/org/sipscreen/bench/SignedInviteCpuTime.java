package org.sipscreen.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Companion to {@link SignedInviteBenchmark} for a shared, oversubscribed machine: the same cases measured
 * by {@link CpuTimeRounds} (thread and process CPU time, heap allocated, alternating batches), and the signed
 * INVITE's extra over the unsigned one as a multiple of the ES256 verification.
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
    Map<String, Double> p50 = CpuTimeRounds.run(candidates, rounds, BATCH);
    CpuTimeRounds.printExtraRatio(p50, "checkSigned", "checkUnsigned", "es256Only");
  }
}
