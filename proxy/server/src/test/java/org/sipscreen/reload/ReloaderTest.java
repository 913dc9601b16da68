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
import org.sipscreen.config.AdminAuth;
import org.sipscreen.config.CheckServices;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.records.DecisionRecorder;
import org.sipscreen.records.LiveRecorder;
import org.sipscreen.records.TestRecords;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.reputation.ReputationCheck;
import org.sipscreen.screening.check.reputation.ReputationFeed;
import org.sipscreen.screening.check.velocity.VelocityCheck;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.ManualTime;

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
    reloader = new Reloader(config, prepared.config(), prepared.installed(), AdminAuth.OPEN, proxy,
        new ReloadMetrics(registry), CheckServices.OFFLINE, chain -> { }, null, Clock.fixed(NOW, ZoneOffset.UTC),
        prepared.buildMillis());
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
    assertThat(gauge("sipscreen_reload_last_success", "file", "screening.block_list.file")).isEqualTo(1);
    assertThat(gauge("sipscreen_reload_last_timestamp_seconds", "file", "screening.block_list.file"))
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
    assertThat(gauge("sipscreen_reload_last_success", "file", "screening.block_list.file")).isEqualTo(0);
    assertThat(gauge("sipscreen_reload_last_success", "file", "config")).isEqualTo(1);
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
    assertThat(gauge("sipscreen_reload_last_success", "file", "config")).isEqualTo(0);

    // Fixed again: the next reload runs it.
    Files.writeString(config, yaml(""));
    assertThat(reload().applied()).isTrue();
    assertThat(gauge("sipscreen_reload_last_success", "file", "config")).isEqualTo(1);
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
    metrics.watch(reloader.chain());
    org.sipscreen.screening.chain.InstalledChain running = reloader.chain();
    reloader.close();
    reloader = new Reloader(config, reloader.config(), running, AdminAuth.OPEN, proxy,
        new ReloadMetrics(proxyRegistry), CheckServices.OFFLINE, metrics::watch, null,
        Clock.fixed(NOW, ZoneOffset.UTC), 0);
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
    org.sipscreen.screening.chain.InstalledChain started = reloader.chain();
    reloader.close();
    reloader = new Reloader(config, first, started, AdminAuth.OPEN, proxy,
        new ReloadMetrics(new PrometheusRegistry()), CheckServices.OFFLINE, c -> { }, records,
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
  void tcpLimitChangesWaitForARestart() throws Exception {
    start("");
    Files.writeString(config, yaml("").replace("  warmup_calls: 0\n", "  warmup_calls: 0\n"
        + "  tcp_max_connections: 100\n  tcp_reserved_files: 256\n  tcp_max_connections_per_source: 2\n"
        + "  tcp_max_connections_per_peer_source: 10\n  tcp_buffer_memory: 8MiB\n"));

    ReloadResult r = reload();

    assertThat(r.applied()).isTrue();
    assertThat(r.needsRestart()).containsExactly("sip.tcp_max_connections", "sip.tcp_reserved_files",
        "sip.tcp_max_connections_per_source", "sip.tcp_max_connections_per_peer_source",
        "sip.tcp_buffer_memory");
  }

  @Test
  void addingTlsOrChangingItsProviderWaitsForARestart() throws Exception {
    start("");
    String tls = "  tls: {certificate_file: p.crt, key_file: p.key, ca_file: ca.pem, provider: %s}\n";
    Files.writeString(config, yaml("").replace("  warmup_calls: 0\n", "  warmup_calls: 0\n"
        + tls.formatted("jdk")));
    assertThat(reload().needsRestart()).containsExactly("sip.tls");
  }

  @Test
  void writingAWatchedFileReloads() throws Exception {
    start("");
    Files.writeString(config, yaml("") + "reload: {settle_ms: 100}\n");
    assertThat(reload().applied()).isTrue();
    reloader.watchFiles(Duration.ofMillis(50));
    Files.writeString(block, CALLER + "\n");
    Await.until("reload after the file changed",
        () -> gauge("sipscreen_list_entries", "list", "block_list") == 1
            && screen(CALLER).action() != ScreeningResult.Action.FORWARD);
    assertThat(reloader.files().stream().filter(f -> f.name().equals("block_list")).findFirst()
        .orElseThrow().generation()).isGreaterThanOrEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------------
  // Lists are applied whole: complete files only, and no empty or sharply shrunken version.

  /** The sum of the counter's series that have these label values ({@code name} without _total). */
  double counter(String name, String... labels) {
    double sum = 0;
    for (MetricSnapshot m : registry.scrape(n -> n.equals(name.replaceFirst("_total$", "")))) {
      for (DataPointSnapshot dp : m.getDataPoints()) {
        boolean match = true;
        for (int i = 0; i < labels.length; i += 2) {
          match &= labels[i + 1].equals(dp.getLabels().get(labels[i]));
        }
        if (match) {
          sum += ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) dp)
              .getValue();
        }
      }
    }
    return sum;
  }

  NumberList blockList() {
    return check(proxy.snapshot().chain(), NumberListCheck.class).list();
  }

  /** Waits (without advancing the test's clock) until the watch has seen more than {@code seen} events. */
  void awaitWatchEvents(long seen) {
    Await.until("the watch saw the write", () -> reloader.fileWatch().events() > seen);
  }

  @Test
  void aListWrittenSlowlyInPiecesIsNeverAppliedHalfWritten() throws Exception {
    start("");
    String before = blockList().version();
    ManualTime time = new ManualTime();
    reloader.watchFiles(Duration.ofMillis(300), time, time::read); // settle: the default 5 s
    String full = "+12025550199\n" + CALLER + "\n" + OTHER + "\n";
    // Cut inside numbers: "+1312555" and "+13125550" read as numbers too, wrong ones.
    String[] pieces = {"+12025550199\n+1312555", "0123\n+13125550", "124\n"};
    try (java.io.OutputStream out = Files.newOutputStream(block,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
      for (String piece : pieces) {
        long seen = reloader.fileWatch().events();
        out.write(piece.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        awaitWatchEvents(seen);
        time.advance(Duration.ofSeconds(2)); // the writer pauses, longer than the debounce
        assertThat(blockList().version()).as("nothing applied while the file is written").isEqualTo(before);
        assertThat(counter("sipscreen_reloads_total", "trigger", "watch")).isZero();
      }
    }
    // Unwritten for the settle time: applied once, whole.
    for (int s = 0; s < 30 && counter("sipscreen_reloads_total", "trigger", "watch") == 0; s++) {
      time.advance(Duration.ofSeconds(1));
    }
    assertThat(counter("sipscreen_reloads_total", "trigger", "watch", "result", "applied")).isEqualTo(1);
    assertThat(blockList().version()).isEqualTo(NumberList.of("full", full.split("\n")).version());
    assertThat(screen(CALLER).action()).isInstanceOf(ScreeningResult.Action.Reject.class);
  }

  @Test
  void aListRenamedIntoPlaceIsAppliedWithoutWaitingToSettle() throws Exception {
    start("");
    ManualTime time = new ManualTime();
    reloader.watchFiles(Duration.ofMillis(300), time, time::read);
    Path next = dir.resolve("lists/block.txt.new");
    Files.writeString(next, "+12025550199\n" + CALLER + "\n");
    long seen = reloader.fileWatch().events();
    Files.move(next, block, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    awaitWatchEvents(seen);
    time.advance(Duration.ofMillis(300));
    assertThat(counter("sipscreen_reloads_total", "trigger", "watch", "result", "applied")).isEqualTo(1);
    assertThat(screen(CALLER).action()).isInstanceOf(ScreeningResult.Action.Reject.class);
  }

  @Test
  void theSettleTimeComesFromTheConfigAndReloadsWithIt() throws Exception {
    start("");
    Files.writeString(config, yaml("") + "reload: {settle_ms: 1000}\n");
    assertThat(reload().applied()).isTrue();
    ManualTime time = new ManualTime();
    reloader.watchFiles(Duration.ofMillis(300), time, time::read);
    long seen = reloader.fileWatch().events();
    Files.writeString(block, "+12025550199\n" + CALLER + "\n");
    awaitWatchEvents(seen);
    time.advance(Duration.ofMillis(900));
    assertThat(counter("sipscreen_reloads_total", "trigger", "watch")).isZero();
    for (int i = 0; i < 30 && counter("sipscreen_reloads_total", "trigger", "watch") == 0; i++) {
      time.advance(Duration.ofMillis(100));
    }
    assertThat(screen(CALLER).action()).isInstanceOf(ScreeningResult.Action.Reject.class);
  }

  @Test
  void anEmptyListFileIsRefusedCountedAndLoggedOnceAndTheRunningListStays() throws Exception {
    start("");
    NumberList running = blockList();
    Files.writeString(block, "# emptied by a failed export\n");

    ReloadResult r = reload();

    assertThat(r.applied()).isTrue();
    assertThat(r.refusedLists()).extracting(RefusedList::name, RefusedList::reason,
        RefusedList::runningEntries, RefusedList::refusedEntries)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("block_list", "empty", 1L, 0L));
    assertThat(blockList()).isSameAs(running);
    assertThat(screen("+12025550199").action()).isInstanceOf(ScreeningResult.Action.Reject.class);
    assertThat(gauge("sipscreen_reload_last_success", "file", "screening.block_list.file")).isEqualTo(0);
    assertThat(gauge("sipscreen_list_entries", "list", "block_list")).isEqualTo(1);
    assertThat(counter("sipscreen_list_refused_total", "list", "block_list", "reason", "empty")).isEqualTo(1);

    // Another reload finds the same file: still refused, not counted again.
    assertThat(reload().refusedLists()).hasSize(1);
    assertThat(counter("sipscreen_list_refused_total", "list", "block_list", "reason", "empty")).isEqualTo(1);

    // The operator allows it: the empty list applies.
    Files.writeString(config, yaml("") + "reload: {allow_empty_lists: true}\n");
    ReloadResult allowed = reload();
    assertThat(allowed.refusedLists()).isEmpty();
    assertThat(blockList().exactCount()).isZero();
    assertThat(screen("+12025550199").action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(gauge("sipscreen_reload_last_success", "file", "screening.block_list.file")).isEqualTo(1);
  }

  static String numbers(int from, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      sb.append("+1312555").append(String.format("%04d", i)).append('\n');
    }
    return sb.toString();
  }

  @Test
  void aListShrunkByMoreThanTheConfiguredShareIsRefusedWhileTheRestOfTheReloadApplies() throws Exception {
    start("");
    String guard = "reload: {max_shrink_percent: 50, shrink_check_min_entries: 10}\n";
    Files.writeString(config, yaml("") + guard);
    Files.writeString(block, numbers(100, 20));
    assertThat(reload().refusedLists()).isEmpty();
    NumberList running = blockList();
    assertThat(running.exactCount()).isEqualTo(20);

    // 9 of 20 left (55 % lost), and in the same reload a tag list appears.
    Files.writeString(block, numbers(100, 9));
    Files.writeString(dir.resolve("lists/suspect.txt"), OTHER + "\n");
    Files.writeString(config, yaml("  tag_list: {file: lists/suspect.txt}\n") + guard);
    ReloadResult r = reload();

    assertThat(r.applied()).isTrue();
    assertThat(r.refusedLists()).extracting(RefusedList::name, RefusedList::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("block_list", "shrink"));
    assertThat(r.refusedLists().get(0).message()).contains(block.toString()).contains("9 entries")
        .contains("running one 20");
    assertThat(blockList()).isSameAs(running);
    assertThat(screen("+13125550119").action()).as("an entry only the running version has")
        .isInstanceOf(ScreeningResult.Action.Reject.class);
    assertThat(screen(OTHER).tags()).as("the new tag list applies").isNotEmpty();
    assertThat(counter("sipscreen_list_refused_total", "list", "block_list", "reason", "shrink")).isEqualTo(1);
    assertThat(gauge("sipscreen_reload_last_success", "file", "screening.block_list.file")).isEqualTo(0);
    assertThat(file("block_list").entries()).isEqualTo(20);
  }

  @Test
  void aShrinkWithinTheConfiguredSharePasses() throws Exception {
    start("");
    String guard = "reload: {max_shrink_percent: 50, shrink_check_min_entries: 10}\n";
    Files.writeString(config, yaml("") + guard);
    Files.writeString(block, numbers(100, 20));
    assertThat(reload().refusedLists()).isEmpty();

    Files.writeString(block, numbers(100, 10)); // exactly half
    ReloadResult r = reload();

    assertThat(r.refusedLists()).isEmpty();
    assertThat(blockList().exactCount()).isEqualTo(10);
    assertThat(screen("+13125550119").action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(gauge("sipscreen_reload_last_success", "file", "screening.block_list.file")).isEqualTo(1);

    // A larger share, allowed by the config, passes too.
    Files.writeString(config, yaml("") + "reload: {max_shrink_percent: 90, shrink_check_min_entries: 10}\n");
    Files.writeString(block, numbers(100, 2));
    assertThat(reload().refusedLists()).isEmpty();
    assertThat(blockList().exactCount()).isEqualTo(2);
  }

  @Test
  void anEmptiedFeedAllowListOrDnoListIsRefusedToo() throws Exception {
    Files.createDirectories(dir.resolve("lists"));
    Files.writeString(dir.resolve("lists/allow.txt"), "+14155550199\n");
    Files.writeString(dir.resolve("lists/dno.txt"), "+18008291040\n");
    start("""
          allow_list: {file: lists/allow.txt}
          do_not_originate: {file: lists/dno.txt}
        """);
    Files.writeString(dir.resolve("lists/allow.txt"), "");
    Files.writeString(dir.resolve("lists/dno.txt"), "");
    Files.writeString(dir.resolve("lists/feed.csv"), "");

    ReloadResult r = reload();

    assertThat(r.refusedLists()).extracting(RefusedList::name)
        .containsExactly("allow_list", "do_not_originate", "reputation_feed");
    ScreeningChain chain = proxy.snapshot().chain();
    assertThat(chain.allowList().exactCount()).isEqualTo(1);
    assertThat(check(chain, org.sipscreen.screening.check.do_not_originate.DoNotOriginateCheck.class).dnoList().exactCount())
        .isEqualTo(1);
    assertThat(check(chain, ReputationCheck.class).feed().size()).isEqualTo(1);
  }
}
