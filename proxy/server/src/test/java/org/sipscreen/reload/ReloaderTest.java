package org.sipscreen.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.admin.AdminAuth;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.records.DecisionRecorder;
import org.sipscreen.records.LiveRecorder;
import org.sipscreen.records.TestRecords;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.NumberListCheck;
import org.sipscreen.screening.ReputationCheck;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.VelocityCheck;
import org.sipscreen.screening.reputation.ReputationFeed;
import org.sipscreen.testkit.Await;

/**
 * Reloads without sockets: a config and its lists in a temporary folder, a proxy core, and the reloader
 * swapping its snapshot. Clock fixed, so the timestamp metric is exact.
 */
class ReloaderTest {

  static final String CALLER = "+13125550123";
  static final String OTHER = "+13125550124";
  static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  @TempDir
  Path dir;
  Path config;
  Path block;
  final PrometheusRegistry registry = new PrometheusRegistry();
  StatelessProxy proxy;
  Reloader reloader;

  static String yaml(String extraScreening) {
    return """
        sip:
          listen: [{address: 127.0.0.1, port: 25999}]
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:25998
        screening:
          source_peer:
            peers:
              local: {networks: [127.0.0.0/8]}
          block_list: {file: lists/block.txt}
          reputation: {feed_file: lists/feed.csv}
        """ + extraScreening;
  }

  void start(String extraScreening) throws Exception {
    Files.createDirectories(dir.resolve("lists"));
    block = dir.resolve("lists/block.txt");
    Files.writeString(block, "# blocked callers\n+12025550199\n");
    Files.writeString(dir.resolve("lists/feed.csv"), "+14155550100,80,robocall\n");
    config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, yaml(extraScreening));
    Sipscreen.Prepared prepared = Sipscreen.prepare(config);
    proxy = new StatelessProxy(prepared.settings(), prepared.chain(),
        new ProxyMetrics(new PrometheusRegistry()));
    reloader = new Reloader(config, prepared.config(), AdminAuth.OPEN, proxy, new ReloadMetrics(registry),
        s -> Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC), prepared.buildMillis());
  }

  @AfterEach
  void stop() {
    if (reloader != null) {
      reloader.close();
    }
  }

  ScreeningResult screen(String caller) {
    return proxy.snapshot().chain().screen(new CallAttempt("c1", InetAddress.getLoopbackAddress(),
        "sip:+13105550100@127.0.0.1;user=phone", "<sip:+13105550100@127.0.0.1;user=phone>",
        "<sip:" + caller + "@127.0.0.1;user=phone>;tag=1", Optional.empty()));
  }

  ReloadResult reload() throws Exception {
    return reloader.reload("test").get(30, TimeUnit.SECONDS);
  }

  double gauge(String name, String labelName, String labelValue) {
    for (MetricSnapshot m : registry.scrape(n -> n.equals(name))) {
      for (DataPointSnapshot dp : m.getDataPoints()) {
        if (labelValue.equals(dp.getLabels().get(labelName))) {
          return ((GaugeSnapshot.GaugeDataPointSnapshot) dp).getValue();
        }
      }
    }
    return Double.NaN;
  }

  static <T extends Check> T check(ScreeningChain chain, Class<T> type) {
    return chain.checks().stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  @Test
  void changedListIsSwappedInAndCounted() throws Exception {
    start("");
    assertThat(screen(CALLER).action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(gauge("sipscreen_list_entries", "list", "block_list")).isEqualTo(1);

    Files.writeString(block, "+12025550199\n" + CALLER + "\n");
    ReloadResult r = reload();

    assertThat(r.applied()).as(r.toString()).isTrue();
    assertThat(screen(CALLER).action()).isInstanceOf(ScreeningResult.Action.Reject.class);
    assertThat(gauge("sipscreen_list_entries", "list", "block_list")).isEqualTo(2);
    assertThat(gauge("sipscreen_reload_last_success", "file", block.toString())).isEqualTo(1);
    assertThat(gauge("sipscreen_reload_last_timestamp_seconds", "file", block.toString()))
        .isEqualTo(NOW.getEpochSecond());
    LoadedFile list = reloader.files().stream().filter(f -> f.name().equals("block_list"))
        .findFirst().orElseThrow();
    assertThat(list.entries()).isEqualTo(2);
    assertThat(list.path()).isEqualTo(block.toAbsolutePath().normalize());
  }

  LoadedFile file(String name) {
    return reloader.files().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  int versionInfo(String list, String version) {
    for (MetricSnapshot m : registry.scrape(n -> n.equals("sipscreen_list_version"))) {
      for (DataPointSnapshot dp : m.getDataPoints()) {
        if (list.equals(dp.getLabels().get("list")) && version.equals(dp.getLabels().get("version"))) {
          return 1;
        }
      }
    }
    return 0;
  }

  @Test
  void eachListShowsItsOwnContentVersionAndLoadTime() throws Exception {
    start("");
    NumberList running = check(proxy.snapshot().chain(), NumberListCheck.class).list();
    LoadedFile block = file("block_list");
    assertThat(block.contentVersion()).isEqualTo(running.version())
        .isEqualTo(NumberList.of("same", "+12025550199").version());
    assertThat(block.loadMillis()).isEqualTo(running.loadDuration().toMillis());
    assertThat(block.generation()).isEqualTo(1);
    ReputationFeed feed = check(proxy.snapshot().chain(), ReputationCheck.class).feed();
    assertThat(file("reputation_feed").contentVersion()).isEqualTo(feed.version());
    assertThat(file("reputation_feed").loadMillis()).isEqualTo(feed.loadDuration().toMillis());
    assertThat(file("config").isList()).isFalse();
    assertThat(file("config").contentVersion()).isEmpty();
    assertThat(gauge("sipscreen_list_load_seconds", "list", "block_list"))
        .isEqualTo(running.loadDuration().toMillis() / 1000.0);
    assertThat(versionInfo("block_list", running.version())).isEqualTo(1);

    // The same entries in another order (a new modification time): same version, same generation.
    Files.writeString(block.path(), "+12025550199\n# reordered\n");
    assertThat(reload().applied()).isTrue();
    assertThat(file("block_list").contentVersion()).isEqualTo(running.version());
    assertThat(file("block_list").generation()).isEqualTo(1);

    Files.writeString(block.path(), "+12025550199\n" + CALLER + "\n");
    assertThat(reload().applied()).isTrue();
    NumberList changed = check(proxy.snapshot().chain(), NumberListCheck.class).list();
    assertThat(file("block_list").contentVersion()).isEqualTo(changed.version())
        .isNotEqualTo(running.version());
    assertThat(file("block_list").generation()).isEqualTo(2);
    assertThat(file("block_list").loadMillis()).isEqualTo(changed.loadDuration().toMillis());
    assertThat(versionInfo("block_list", changed.version())).isEqualTo(1);
    assertThat(versionInfo("block_list", running.version())).as("the replaced version's series").isZero();
  }

  @Test
  void badListLineKeepsTheRunningChainAndNamesFileAndLine() throws Exception {
    start("");
    ScreeningChain running = proxy.snapshot().chain();
    Files.writeString(block, CALLER + "\nnot-a-number\n");

    ReloadResult r = reload();

    assertThat(r.applied()).isFalse();
    assertThat(r.error().orElseThrow()).contains(block.toString() + ":2").contains("not-a-number");
    assertThat(r.file()).contains(block.toString());
    assertThat(proxy.snapshot().chain()).isSameAs(running);
    assertThat(screen(CALLER).action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(gauge("sipscreen_reload_last_success", "file", block.toString())).isEqualTo(0);
    assertThat(gauge("sipscreen_reload_last_success", "file", config.toString())).isEqualTo(1);
    assertThat(gauge("sipscreen_list_entries", "list", "block_list")).isEqualTo(1);
  }

  @Test
  void badConfigKeepsTheRunningChainAndNamesKeyAndLine() throws Exception {
    start("");
    ScreeningChain running = proxy.snapshot().chain();
    Files.writeString(config, yaml("  block_lists: {file: lists/block.txt}\n"));

    ReloadResult r = reload();

    assertThat(r.applied()).isFalse();
    assertThat(r.error().orElseThrow()).startsWith(config.toString())
        .contains("unknown key 'block_lists'").contains("(line 12)");
    assertThat(r.file()).contains(config.toString());
    assertThat(proxy.snapshot().chain()).isSameAs(running);
    assertThat(gauge("sipscreen_reload_last_success", "file", config.toString())).isEqualTo(0);

    // Fixed again: the next reload runs it.
    Files.writeString(config, yaml(""));
    assertThat(reload().applied()).isTrue();
    assertThat(gauge("sipscreen_reload_last_success", "file", config.toString())).isEqualTo(1);
  }

  @Test
  void velocityWindowsSurviveAReloadThatLeavesVelocityAlone() throws Exception {
    start("""
          velocity: {caller_per_hour: 2, action: reject_analytics}
          policy: {redress_url: "https://redress.example.net/"}
        """);
    assertThat(screen(CALLER).action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(screen(CALLER).action()).isEqualTo(ScreeningResult.Action.FORWARD);
    VelocityCheck before = check(proxy.snapshot().chain(), VelocityCheck.class);

    Files.writeString(block, "+12025550199\n" + OTHER + "\n");
    assertThat(reload().applied()).isTrue();

    assertThat(check(proxy.snapshot().chain(), VelocityCheck.class)).isSameAs(before);
    // The third call of the hour is over the limit: the two counted before the reload still count.
    assertThat(screen(CALLER).decidedBy()).contains("velocity");
    assertThat(screen(OTHER).decidedBy()).contains("block_list");
  }

  @Test
  void changedVelocitySettingsStartNewWindows() throws Exception {
    start("""
          velocity: {caller_per_hour: 2, action: reject_analytics}
          policy: {redress_url: "https://redress.example.net/"}
        """);
    screen(CALLER);
    screen(CALLER);
    Files.writeString(config, yaml("""
          velocity: {caller_per_hour: 3, action: reject_analytics}
          policy: {redress_url: "https://redress.example.net/"}
        """));
    assertThat(reload().applied()).isTrue();
    assertThat(check(proxy.snapshot().chain(), VelocityCheck.class)
        .callerCalls(new org.sipscreen.screening.PhoneNumber.E164(CALLER), VelocityCheck.Window.PER_HOUR))
        .isZero();
  }

  @Test
  void reputationKeepsItsStateAndTakesTheNewFeed() throws Exception {
    start("");
    ReputationCheck before = check(proxy.snapshot().chain(), ReputationCheck.class);
    Files.writeString(dir.resolve("lists/feed.csv"), "+14155550100,80,robocall\n+14155550101,90,scam\n");
    assertThat(reload().applied()).isTrue();
    ReputationCheck after = check(proxy.snapshot().chain(), ReputationCheck.class);
    assertThat(after.stats()).isSameAs(before.stats());
    assertThat(after.feed().size()).isEqualTo(2);
    assertThat(gauge("sipscreen_list_entries", "list", "reputation_feed")).isEqualTo(2);
  }

  @Test
  void reputationSeriesReadTheCheckOfTheReloadedChain() throws Exception {
    start("");
    PrometheusRegistry proxyRegistry = new PrometheusRegistry();
    ProxyMetrics metrics = new ProxyMetrics(proxyRegistry);
    proxy = new StatelessProxy(proxy.settings(), proxy.snapshot().chain(), metrics);
    metrics.watch(proxy.snapshot().chain());
    reloader.close();
    reloader = new Reloader(config, reloader.config(), AdminAuth.OPEN, proxy,
        new ReloadMetrics(proxyRegistry), s -> Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC), 0);
    String listed = "+14155550100";
    screen(listed);
    ReputationCheck before = check(proxy.snapshot().chain(), ReputationCheck.class);
    assertThat(metrics.counterValue("sipscreen_reputation_feed_hits")).isEqualTo(1);

    // Other bands: a new check with its own counters, which the series now read.
    Files.writeString(config, yaml("").replace("reputation: {feed_file: lists/feed.csv}",
        "reputation: {feed_file: lists/feed.csv, bands: {medium: 30, high: 60, very_high: 85}}"));
    assertThat(reload().applied()).isTrue();
    ReputationCheck after = check(proxy.snapshot().chain(), ReputationCheck.class);
    assertThat(after.stats()).isNotSameAs(before.stats());
    screen(listed);
    screen(listed);
    screen(listed);

    assertThat(after.stats().feedHits()).isEqualTo(3);
    assertThat(metrics.counterValue("sipscreen_reputation_feed_hits")).isEqualTo(3);
  }

  @Test
  void changedRecordsSectionSwitchesTheRecorderOnReload() throws Exception {
    start("");
    Files.writeString(config, yaml("") + "records: {directory: rec-a}\n");
    SipscreenConfig first = org.sipscreen.config.ConfigLoader.load(config);
    LiveRecorder records = new LiveRecorder(new PrometheusRegistry());
    records.prepare(first.records(), config).apply();
    reloader.close();
    reloader = new Reloader(config, first, AdminAuth.OPEN, proxy, new ReloadMetrics(new PrometheusRegistry()),
        s -> Optional.empty(), org.sipscreen.config.StirWiring.OFFLINE, records,
        Clock.fixed(NOW, ZoneOffset.UTC), 0);
    DecisionRecorder before = records.current();

    Files.writeString(config, yaml("") + "records: {directory: rec-b, flush_interval_ms: 100}\n");
    assertThat(reload().applied()).isTrue();
    assertThat(records.directory()).isEqualTo(dir.resolve("rec-b"));
    assertThat(records.current()).isNotSameAs(before).isNotNull();
    assertThat(before.record(TestRecords.forwarded(NOW.toEpochMilli(), "late", CALLER, OTHER, "local")))
        .as("a record offered to the retired recorder goes to the new one").isTrue();

    // A records directory that cannot be made: the reload is refused, the running recorder stays.
    DecisionRecorder running = records.current();
    Files.writeString(dir.resolve("blocker"), "a file, not a folder");
    Files.writeString(config, yaml("") + "records: {directory: blocker/records}\n");
    ReloadResult bad = reload();
    assertThat(bad.applied()).isFalse();
    assertThat(bad.error().orElseThrow()).contains("records.directory");
    assertThat(records.current()).isSameAs(running);
    assertThat(records.directory()).isEqualTo(dir.resolve("rec-b"));

    // Records off: no recorder, what was queued is written.
    Files.writeString(config, yaml("") + "records: {enabled: false}\n");
    assertThat(reload().applied()).isTrue();
    assertThat(records.current()).isNull();
    assertThat(TestRecords.readAll(dir.resolve("rec-b"))).extracting(n -> n.get("call_id").asText())
        .containsExactly("late");
  }

  @Test
  void listenerChangeWaitsForARestartWhileTheRestApplies() throws Exception {
    start("");
    var endpoints = proxy.settings().endpoints();
    Files.writeString(config, yaml("").replace("port: 25999", "port: 25997"));
    Files.writeString(block, CALLER + "\n");

    ReloadResult r = reload();

    assertThat(r.applied()).isTrue();
    assertThat(r.needsRestart()).containsExactly("sip.listen");
    assertThat(proxy.settings().endpoints()).isEqualTo(endpoints);
    assertThat(screen(CALLER).action()).isInstanceOf(ScreeningResult.Action.Reject.class);
  }

  @Test
  void writingAWatchedFileReloads() throws Exception {
    start("");
    reloader.watchFiles(Duration.ofMillis(50));
    Files.writeString(block, CALLER + "\n");
    Await.until("reload after the file changed",
        () -> gauge("sipscreen_list_entries", "list", "block_list") == 1
            && screen(CALLER).action() != ScreeningResult.Action.FORWARD);
    assertThat(reloader.files().stream().filter(f -> f.name().equals("block_list")).findFirst()
        .orElseThrow().generation()).isGreaterThanOrEqualTo(2);
  }
}
