package org.sipscreen.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What a signed call adds to the proxy's whole path, against the ES256 verification alone (issue 16: at most
 * 1.3x): {@link ProxyPathBenchmark}'s call (INVITE, 180, 200, ACK, BYE, 200 through receive, proxy and
 * send, no sockets) unsigned and signed (the INVITE with a SHAKEN Identity header that the stir_shaken check
 * verifies: framing the longer message, the header's values, the PASSporT, the certificate cache, ES256,
 * the verstat tag), and {@link SignedInviteBenchmark#es256Only}, measured by {@link CpuTimeRounds}. The
 * kernel's part of a datagram and the SIPp peers' wake-ups that a load test bills to the proxy are not in it.
 * Run: {@code java -cp loadtest/jmh/target/benchmarks.jar org.sipscreen.bench.ProxyPathCpuTime [rounds]
 * [config]} (default 40 rounds, loadtest/config/foundation.yaml).
 */
public final class ProxyPathCpuTime {

  private static final int BATCH = 200;

  private ProxyPathCpuTime() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    String config = args.length > 1 ? args[1] : "loadtest/config/foundation.yaml";
    SignedInviteBenchmark es256 = new SignedInviteBenchmark();
    es256.setUp();
    ProxyPathBenchmark unsigned = path(config, false);
    ProxyPathBenchmark signed = path(config, true);
    try {
      Map<String, Callable<Object>> cases = new LinkedHashMap<>();
      cases.put("es256Only", es256::es256Only);
      cases.put("unsignedCall", unsigned::call);
      cases.put("signedCall", signed::call);
      Map<String, Double> p50 = CpuTimeRounds.run(cases, rounds, BATCH);
      CpuTimeRounds.printExtraRatio(p50, "signedCall", "unsignedCall", "es256Only");
    } finally {
      unsigned.tearDown();
      signed.tearDown();
    }
  }

  private static ProxyPathBenchmark path(String config, boolean signed) throws Exception {
    ProxyPathBenchmark bench = new ProxyPathBenchmark();
    bench.config = config;
    bench.stamped = false;
    bench.signed = signed;
    bench.setUp();
    return bench;
  }
}
