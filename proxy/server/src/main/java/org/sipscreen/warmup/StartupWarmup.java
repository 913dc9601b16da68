package org.sipscreen.warmup;

import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.records.DecisionLog;
import org.sipscreen.records.DecisionRecorder;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.chain.InstalledChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up warm-up: calls over loopback sockets through a throwaway listener on the proxy's event
 * loops ({@link SocketWarmup}), then what each check warms up outside calls (ES256 verification, say), all
 * before the listeners open, with throwaway state that the running proxy never sees. On a small machine at
 * 1,000 calls/s, the first seconds of an interpreted JVM are slow enough for peers to retransmit and calls
 * to fail; after the warm-up the JIT has compiled the path a call takes, from the socket to the decision
 * record.
 */
public final class StartupWarmup {

  private static final Logger log = LoggerFactory.getLogger(StartupWarmup.class);

  /** How long the calls may take at most (a starved host plays fewer). */
  private static final long MAX_MILLIS = 10_000;
  /** Calls a check's own warm-up plays at most (ES256 verifications, say). */
  private static final int CHECK_WARMUP_CALLS = 3000;

  private StartupWarmup() {}

  /**
   * Plays {@code sip.warmup_calls} calls over loopback sockets through a throwaway proxy: the prepared
   * chain's lists with its own check state, its own metrics, its own listener on 127.0.0.1.
   */
  public static void run(InstalledChain installed, ProxySettings settings, SipscreenConfig config,
      EventLoopGroup group) {
    int calls = config.sip().warmupCalls();
    if (calls == 0) {
      return;
    }
    // With decision records on, the warm-up records too (into a temporary directory, deleted after), so
    // that building and writing records is compiled before the first real call.
    Path recordsDir = null;
    DecisionRecorder recorder = null;
    if (config.recordsOn()) {
      try {
        recordsDir = java.nio.file.Files.createTempDirectory("sipscreen-warmup-records");
        recorder = new DecisionRecorder(new DecisionLog(recordsDir, 1L << 30, 1, 1L << 30,
            java.time.Clock.systemUTC()), calls + 1, 1000, java.time.Clock.systemUTC());
      } catch (java.io.IOException e) {
        log.warn("warm-up: decision records not warmed up: {}", e.toString());
      }
    }
    // The prepared chain's lists, with fresh state: the lists are not read again for the warm-up.
    ScreeningChain throwawayChain = installed.forWarmup().chain();
    long t0 = System.nanoTime();
    int played = 0;
    try {
      played = SocketWarmup.run(group, settings, throwawayChain, new ProxyMetrics(new PrometheusRegistry()),
          recorder, config.sip().maxMessageBytes(), calls, MAX_MILLIS);
    } catch (java.io.IOException | RuntimeException e) {
      log.warn("warm-up: the loopback socket warm-up failed, first calls may be slow: {}",
          e.getMessage() != null ? e.getMessage() : e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("warm-up: {} calls over loopback sockets in {} ms", played, (System.nanoTime() - t0) / 1_000_000);
    if (recorder != null) {
      recorder.close();
      deleteQuietly(recordsDir);
    }
    for (String line : installed.warmUp(Math.min(calls, CHECK_WARMUP_CALLS))) {
      log.info("warm-up: {}", line);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = java.nio.file.Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException | RuntimeException e) {
      log.warn("warm-up: could not delete {}: {}", dir, e.toString());
    }
  }
}
