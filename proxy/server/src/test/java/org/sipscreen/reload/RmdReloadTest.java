package org.sipscreen.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.config.AdminAuth;
import org.sipscreen.config.CheckServices;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.ScreeningResult;

/**
 * A new RMD export is applied on reload unless it would unlist more than {@code max_drop_share} of the
 * peers: then it is refused as suspect and the running one stays.
 */
class RmdReloadTest {

  private static final String HEADER = "RMD Number,Business Name,FRN\n";

  @TempDir
  Path dir;
  Path rmd;
  StatelessProxy proxy;
  Reloader reloader;

  @AfterEach
  void stop() {
    if (reloader != null) {
      reloader.close();
    }
  }

  private static String rows(int... filers) {
    StringBuilder sb = new StringBuilder(HEADER);
    for (int f : filers) {
      sb.append("RMD000000").append(f).append(",\"Filer ").append(f).append(", Inc.\",000000000").append(f)
          .append('\n');
    }
    return sb.toString();
  }

  private void start() throws Exception {
    rmd = dir.resolve("rmd.csv");
    Files.writeString(rmd, rows(1, 2, 3, 4, 5));
    Path config = dir.resolve("sipscreen.yaml");
    StringBuilder peers = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      peers.append("  p").append(i).append(":\n    networks: [10.0.0.").append(i)
          .append("/32]\n    checks: {rmd: {record: RMD000000").append(i).append("}}\n");
    }
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: 25999}]
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:25998
        peers:
        %sscreening:
          rmd: {file: rmd.csv, action: reject_deterministic, max_drop_share: 0.2}
        """.formatted(peers));
    Sipscreen.Prepared prepared = Sipscreen.prepare(config);
    proxy = new StatelessProxy(prepared.settings(), prepared.chain(), new ProxyMetrics(new PrometheusRegistry()));
    reloader = new Reloader(config, prepared.config(), prepared.installed(), AdminAuth.OPEN, proxy,
        new ReloadMetrics(new PrometheusRegistry()), CheckServices.OFFLINE, chain -> { }, null,
        Clock.systemUTC(), prepared.buildMillis());
  }

  private ScreeningResult.Action callFrom(String source) throws Exception {
    return proxy.snapshot().chain().screen(new CallAttempt("c1", InetAddress.getByName(source),
        "sip:+13105550100@127.0.0.1;user=phone", "<sip:+13105550100@127.0.0.1;user=phone>",
        "<sip:+13125550123@127.0.0.1;user=phone>;tag=1", Optional.empty())).action();
  }

  private void reload() throws Exception {
    assertThat(reloader.reload("test").get(30, TimeUnit.SECONDS).error()).isEmpty();
  }

  @Test
  void aFileUnlistingMoreThanTheShareOfPeersIsRefusedAndTheRunningOneStays() throws Exception {
    start();
    Files.writeString(rmd, rows(1, 2, 3));
    reload();
    assertThat(callFrom("10.0.0.5")).as("2 of 5 peers unlisted: suspect, p5 still listed")
        .isEqualTo(new ScreeningResult.Action.Forward());
    assertThat(callFrom("10.0.0.4")).isEqualTo(new ScreeningResult.Action.Forward());
  }

  @Test
  void aFileUnlistingFewPeersIsApplied() throws Exception {
    start();
    Files.writeString(rmd, rows(1, 2, 3, 4, 6));
    reload();
    assertThat(callFrom("10.0.0.5")).as("1 of 5 is within max_drop_share 0.2")
        .isInstanceOf(ScreeningResult.Action.Reject.class);
    assertThat(callFrom("10.0.0.4")).isEqualTo(new ScreeningResult.Action.Forward());
  }
}
