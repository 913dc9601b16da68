package org.sipscreen.warmup;

import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.recording.RecordingSink;
import org.sipscreen.records.DecisionLog;
import org.sipscreen.records.DecisionRecorder;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.chain.InstalledChain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up warm-up: synthetic calls through the message path ({@link Warmup}), then over loopback
 * sockets ({@link SocketWarmup}), then what each check warms up outside calls (ES256 verification, say),
 * all before the listeners open, with throwaway state that the running proxy never sees.
 */
public final class StartupWarmup {

  private static final Logger log = LoggerFactory.getLogger(StartupWarmup.class);

  /** Calls of the socket warm-up: enough for the JIT to compile the socket path (a call is 6 datagrams). */
  private static final int SOCKET_WARMUP_CALLS = 3000;
  /** Calls a check's own warm-up plays at most (ES256 verifications, say). */
  private static final int CHECK_WARMUP_CALLS = 3000;

  private StartupWarmup() {}

  /**
   * Plays {@code sip.warmup_calls} synthetic calls through a throwaway proxy (the prepared chain's lists
   * with its own check state, its own metrics) so that the first real calls do not meet an interpreted JVM:
   * first straight into the proxy (from a configured peer's address, so the whole chain runs), then over
   * loopback sockets through a throwaway listener on the proxy's event loops (so the socket path runs too).
   */
  public static void run(InstalledChain installed, ProxySettings settings, SipscreenConfig config,
      EventLoopGroup group) {
    int calls = config.sip().warmupCalls();
    if (calls == 0) {
      return;
    }
    long t0 = System.nanoTime();
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
    StatelessProxy throwaway = new StatelessProxy(settings, throwawayChain,
        new ProxyMetrics(new PrometheusRegistry()), RecordingSink.of(recorder));
    InetAddress peer = config.peers().values().stream()
        .flatMap(p -> p.networks().stream())
        .map(n -> NextHop.ipLiteral(n.contains("/") ? n.substring(0, n.indexOf('/')) : n))
        .filter(a -> a != null && a.getAddress().length == settings.endpoints().get(0).bind()
            .getAddress().getAddress().length)
        .findFirst().orElse(InetAddress.getLoopbackAddress());
    int played = Warmup.run(throwaway, peer, calls, 10_000);
    log.info("warm-up: {} synthetic calls through the message path in {} ms", played,
        (System.nanoTime() - t0) / 1_000_000);
    long socketsStart = System.nanoTime();
    int overSockets = 0;
    try {
      overSockets = SocketWarmup.run(group, settings, throwawayChain,
          new ProxyMetrics(new PrometheusRegistry()), recorder, config.sip().maxMessageBytes(),
          Math.min(calls, SOCKET_WARMUP_CALLS), 5_000);
    } catch (java.io.IOException | RuntimeException e) {
      log.warn("warm-up: the loopback socket warm-up failed, first calls may be slow: {}",
          e.getMessage() != null ? e.getMessage() : e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("warm-up: {} calls over loopback sockets in {} ms", overSockets,
        (System.nanoTime() - socketsStart) / 1_000_000);
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
