package org.sipscreen.reload;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.sipscreen.config.AdminAuth;
import org.sipscreen.config.CheckServices;
import org.sipscreen.config.ConfigException;
import org.sipscreen.config.ConfigLoader;
import org.sipscreen.config.ProxySettingsFactory;
import org.sipscreen.config.ScreeningFactory;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.proxy.ProxySnapshot;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.records.LiveRecorder;
import org.sipscreen.screening.chain.InstalledChain;
import org.sipscreen.screening.check.LoadedList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config file and every file it names, on request (file watch, SIGHUP, admin API), on one
 * dedicated thread: loads and checks everything, carries stateful checks over (each check's module
 * decides, {@link InstalledChain#carryOver}),
 * then swaps the proxy's {@link ProxySnapshot} in one step. A bad file leaves the running snapshot in
 * place; the result names the file, key and line, and the per-file metrics show it. A changed
 * {@code records:} section switches the decision recorder after the swap ({@link LiveRecorder}). Changes
 * that need new sockets (SIP listeners, advertised address, message limits, HTTP address) are reported
 * and left for a restart; the running values stay.
 */
public final class Reloader implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Reloader.class);
  private static final Set<String> TRIGGERS = Set.of("watch", "sighup", "admin", "test");

  private final Path configFile;
  private final SipscreenConfig bound;
  private final StatelessProxy proxy;
  private final ReloadMetrics metrics;
  private final CheckServices services;
  private final Consumer<InstalledChain> onSwap;
  private final LiveRecorder records;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private volatile Running running;
  private volatile FileWatch watch;
  /** Told about every config that starts running (after the swap), see {@link #onApply}. */
  private final List<Consumer<SipscreenConfig>> configListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The content version of each list's last refused version, so a refusal is logged once; reload thread. */
  private final Map<String, String> refusedVersions = new java.util.HashMap<>();

  /** The config, chain and files the running snapshot was built from. */
  private record Running(SipscreenConfig config, InstalledChain chain, List<LoadedFile> files,
      AdminAuth auth) {}

  /**
   * @param config the config the proxy was started with (its sockets are bound)
   * @param chain the chain the proxy runs, built from {@code config}
   * @param proxy runs the snapshot built from {@code config}
   * @param services the network clients every rebuilt chain gets; they should hand out the live client
   *     again for unchanged settings, so its connections and the check's cache survive
   * @param onSwap told about every chain that starts running (after the swap), e.g. to export its metrics
   * @param records the proxy's decision recorder, switched when {@code records:} changes; null leaves
   *     records alone
   * @param buildMillis how long building the start-up snapshot took, for the inventory
   */
  public Reloader(Path configFile, SipscreenConfig config, InstalledChain chain, AdminAuth auth,
      StatelessProxy proxy, ReloadMetrics metrics, CheckServices services,
      Consumer<InstalledChain> onSwap, LiveRecorder records, Clock clock, long buildMillis) {
    this.records = records;
    this.services = services;
    this.onSwap = onSwap;
    this.configFile = configFile;
    this.bound = config;
    this.proxy = proxy;
    this.metrics = metrics;
    this.clock = clock;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sipscreen-reload");
      t.setDaemon(true);
      return t;
    });
    List<LoadedFile> files = inventory(config, chain, List.of(), buildMillis);
    this.running = new Running(config, chain, files, auth);
    publish(files, "start");
  }

  /**
   * Tells {@code listener} about every config a reload applies, after the proxy runs it, on the reload
   * thread (e.g. to apply its flood control settings). It must not fail: the config is running already.
   */
  public void onApply(Consumer<SipscreenConfig> listener) {
    configListeners.add(listener);
  }

  /** The chain that runs, with its checks' modules. */
  public InstalledChain chain() {
    return running.chain();
  }

  /** The file watch, once {@link #watchFiles} started it (for tests that wait for its events). */
  FileWatch fileWatch() {
    return watch;
  }

  /** The files of the running snapshot. */
  public List<LoadedFile> files() {
    return running.files();
  }

  /** Who may use the admin API, per the running config. */
  public AdminAuth auth() {
    return running.auth();
  }

  /**
   * Config keys changed in the running config that take a restart to apply (new sockets); empty when
   * the sockets match the config.
   */
  public List<String> restartPending() {
    return needsRestart(bound, running.config());
  }

  /** The running config. */
  public SipscreenConfig config() {
    return running.config();
  }

  /**
   * Reloads on the reload thread; the future completes when the new snapshot runs or was refused.
   *
   * @param trigger watch, sighup, admin or test (a metric label)
   */
  public CompletableFuture<ReloadResult> reload(String trigger) {
    if (!TRIGGERS.contains(trigger)) {
      throw new IllegalArgumentException("unknown reload trigger '" + trigger + "'");
    }
    CompletableFuture<ReloadResult> result = new CompletableFuture<>();
    thread.execute(() -> {
      try {
        result.complete(reloadNow(trigger));
      } catch (RuntimeException | Error e) {
        log.error("reload failed unexpectedly trigger={}", trigger, e);
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /**
   * Reloads when any file of the running config changes, once the change is complete: renamed into place
   * and quiet for {@code debounce}, or written in place and then unwritten for {@code reload.settle_ms}
   * ({@link FileWatch}).
   */
  public void watchFiles(Duration debounce) throws IOException {
    watchFiles(debounce, Scheduler.forScheduledExecutorService(thread), System::nanoTime);
  }

  /** {@link #watchFiles(Duration)} on a given clock and scheduler (tests advance a fake one). */
  void watchFiles(Duration debounce, Scheduler scheduler, java.util.function.LongSupplier nanoTime)
      throws IOException {
    FileWatch w = new FileWatch(scheduler, nanoTime, debounce, running.config().reload().settle(),
        () -> reloadNow("watch"));
    w.watch(paths(running.files()));
    watch = w;
  }

  /**
   * How a reload resolves next hops that name hosts (the running proxy's resolver); until set, a config
   * with such hops is refused.
   */
  public void resolveNamesWith(org.sipscreen.config.NameResolution names) {
    this.names = names;
  }

  private volatile org.sipscreen.config.NameResolution names = org.sipscreen.config.NameResolution.NONE;

  private ReloadResult reloadNow(String trigger) {
    long t0 = System.nanoTime();
    Running before = running;
    SipscreenConfig next;
    InstalledChain chain;
    ProxySettings settings;
    AdminAuth auth;
    LiveRecorder.Change recordsChange = null;
    List<RefusedList> refused;
    try {
      next = ConfigLoader.load(configFile);
      chain = ScreeningFactory.build(next, configFile, services).carryOver(before.chain());
      ListGuard.Result guarded = ListGuard.apply(before.chain(), before.files(), chain,
          ConfigFiles.of(next, chain, configFile), next.reload());
      chain = guarded.chain();
      refused = guarded.refused();
      settings = ProxySettingsFactory.settings(next, configFile, names);
      auth = AdminAuth.of(next.http().admin(), configFile);
      if (records != null) {
        recordsChange = records.prepare(next.records(), configFile); // last: nothing after it can fail
      }
    } catch (ConfigException | org.sipscreen.records.RecordsException | RuntimeException e) {
      Exception located = e instanceof ConfigException c ? ConfigLoader.located(c, configFile)
          : e instanceof org.sipscreen.records.RecordsException r
              ? ConfigLoader.located(new ConfigException(r.getMessage()), configFile) : e;
      String message = located.getMessage() == null ? e.toString() : located.getMessage();
      Map.Entry<String, Path> bad = culprit(message, before);
      metrics.loaded(ConfigFiles.key(bad.getKey(), before.chain()), false, clock.millis() / 1000.0);
      metrics.reload(trigger, false);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      log.error("reload rejected trigger={} file={} error=\"{}\"; the running version stays", trigger,
          bad.getValue(), message);
      return new ReloadResult(trigger, Optional.of(message), Optional.of(bad.getValue().toString()),
          List.of(), ms, List.of());
    }
    List<String> restart = needsRestart(bound, next);
    ProxySettings keepSockets = new ProxySettings(proxy.snapshot().settings().endpoints(),
        settings.defaultRoute(), settings.destinations(), settings.recordRoute(),
        settings.unknownSources(), settings.limits(), settings.hygiene(), settings.nextHops());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    List<LoadedFile> files = inventory(next, chain, before.files(), ms);
    // The inventory first: whoever sees the new chain also sees its files.
    running = new Running(next, chain, files, auth);
    proxy.replace(new ProxySnapshot(keepSockets, chain.chain()));
    onSwap.accept(chain);
    configListeners.forEach(l -> l.accept(next));
    if (recordsChange != null) {
      recordsChange.apply();
    }
    publish(files, trigger);
    refusals(refused);
    FileWatch w = watch;
    if (w != null) {
      w.watch(paths(files));
      w.settle(next.reload().settle());
    }
    if (!restart.isEmpty()) {
      log.warn("reload: {} changed in {}; that takes a restart, the running values stay", restart,
          configFile);
    }
    log.info("reload applied trigger={} took_ms={} checks={} lists={}", trigger, ms,
        chain.chain().checkNames(), summary(files));
    return new ReloadResult(trigger, Optional.empty(), Optional.empty(), restart, ms, refused);
  }

  /**
   * Marks each refused list's file as failed (its previous version runs), and counts and logs a refusal
   * once per refused version: a reload for another reason that finds the same file refuses it quietly.
   */
  private void refusals(List<RefusedList> refused) {
    double now = clock.millis() / 1000.0;
    Set<String> names = new HashSet<>();
    for (RefusedList r : refused) {
      names.add(r.name());
      metrics.loaded(ConfigFiles.key(r.name(), running.chain()), false, now);
      if (!r.refusedVersion().equals(refusedVersions.put(r.name(), r.refusedVersion()))) {
        metrics.refused(r.name(), r.reason());
        log.warn("reload kept list={} file={} reason={} running_entries={} new_entries={}: {}", r.name(),
            r.file(), r.reason(), r.runningEntries(), r.refusedEntries(), r.message());
      }
    }
    refusedVersions.keySet().retainAll(names);
  }

  private void publish(List<LoadedFile> files, String trigger) {
    double now = clock.millis() / 1000.0;
    for (LoadedFile f : files) {
      metrics.loaded(ConfigFiles.key(f.name(), running.chain()), true, now);
      if (f.isList()) {
        metrics.list(f.name(), f.entries(), f.contentVersion(), f.loadMillis());
      }
    }
    if (!trigger.equals("start")) {
      metrics.reload(trigger, true);
    }
  }

  /** The list or data file named in {@code message} (name and path); the config file when none is. */
  private Map.Entry<String, Path> culprit(String message, Running before) {
    Map<String, Path> named;
    named = ConfigFiles.of(before.config(), before.chain(), configFile);
    for (Map.Entry<String, Path> e : named.entrySet()) {
      if (!e.getKey().equals(ConfigFiles.CONFIG) && message.contains(e.getValue().toString())) {
        return e;
      }
    }
    for (Map.Entry<String, Path> e : named.entrySet()) {
      if (!e.getKey().equals(ConfigFiles.CONFIG)
          && message.contains(e.getValue().getFileName().toString() + ":")) {
        return e;
      }
    }
    return Map.entry(ConfigFiles.CONFIG, configFile.toAbsolutePath().normalize());
  }

  private static String callStampKeyFile(SipscreenConfig config) {
    return config.records() == null ? null : config.records().callStampKeyFile();
  }

  /** Config keys whose change needs new sockets (or, for the call stamp key, a new process). */
  static List<String> needsRestart(SipscreenConfig bound, SipscreenConfig next) {
    List<String> keys = new ArrayList<>();
    if (!bound.sip().listen().equals(next.sip().listen())) {
      keys.add("sip.listen");
    }
    if (!java.util.Objects.equals(bound.sip().advertiseAddress(), next.sip().advertiseAddress())) {
      keys.add("sip.advertise_address");
    }
    if (!bound.sip().maxMessageSize().equals(next.sip().maxMessageSize())) {
      keys.add("sip.max_message_size");
    }
    if (!bound.sip().tcpIdleTimeout().equals(next.sip().tcpIdleTimeout())) {
      keys.add("sip.tcp_idle_timeout");
    }
    if (!bound.sip().tcpMessageTimeout().equals(next.sip().tcpMessageTimeout())) {
      keys.add("sip.tcp_message_timeout");
    }
    SipscreenConfig.Sip was = bound.sip();
    SipscreenConfig.Sip now = next.sip();
    Map<String, Boolean> tcpLimits = new java.util.LinkedHashMap<>();
    tcpLimits.put("sip.tcp_max_connections", java.util.Objects.equals(was.tcpMaxConnections(),
        now.tcpMaxConnections()));
    tcpLimits.put("sip.tcp_reserved_files", was.tcpReservedFiles().equals(now.tcpReservedFiles()));
    tcpLimits.put("sip.tcp_max_connections_per_source",
        was.tcpMaxConnectionsPerSource().equals(now.tcpMaxConnectionsPerSource()));
    tcpLimits.put("sip.tcp_max_connections_per_peer_source",
        was.tcpMaxConnectionsPerPeerSource().equals(now.tcpMaxConnectionsPerPeerSource()));
    tcpLimits.put("sip.tcp_buffer_memory", was.tcpBufferMemory().equals(now.tcpBufferMemory()));
    tcpLimits.forEach((key, same) -> {
      if (!same) {
        keys.add(key);
      }
    });
    if (!bound.sip().transactionMemory().equals(next.sip().transactionMemory())) {
      keys.add("sip.transaction_memory");
    }
    if (!java.util.Objects.equals(callStampKeyFile(bound), callStampKeyFile(next))) {
      keys.add("records.call_stamp_key_file"); // read at start: calls already stamped keep their key
    }
    // The TLS files and handshake_timeout apply to new connections on reload; the library does not change.
    if ((was.tls() == null) != (now.tls() == null)) {
      keys.add("sip.tls");
    } else if (was.tls() != null && !was.tls().provider().equals(now.tls().provider())) {
      keys.add("sip.tls.provider");
    }
    if (!bound.http().address().equals(next.http().address())) {
      keys.add("http.address");
    }
    if (!bound.http().port().equals(next.http().port())) {
      keys.add("http.port");
    }
    SipscreenConfig.Http a = bound.http();
    SipscreenConfig.Http b = next.http();
    Map<String, Boolean> httpLimits = new java.util.LinkedHashMap<>();
    httpLimits.put("http.max_connections", a.maxConnections().equals(b.maxConnections()));
    httpLimits.put("http.idle_timeout", a.idleTimeout().equals(b.idleTimeout()));
    httpLimits.put("http.request_timeout", a.requestTimeout().equals(b.requestTimeout()));
    httpLimits.put("http.max_header_size", a.maxHeaderSize().equals(b.maxHeaderSize()));
    httpLimits.put("http.max_headers", a.maxHeaders().equals(b.maxHeaders()));
    httpLimits.forEach((key, same) -> {
      if (!same) {
        keys.add(key);
      }
    });
    if (!java.util.Objects.equals(bound.fleet(), next.fleet())) {
      keys.add("fleet");
    }
    return keys;
  }

  /**
   * Files of {@code config}, numbered on from {@code previous} where their content changed (for lists:
   * their content version; for other files: their modification time).
   */
  private List<LoadedFile> inventory(SipscreenConfig config, InstalledChain chain,
      List<LoadedFile> previous, long buildMillis) {
    Instant now = clock.instant();
    List<LoadedFile> files = new ArrayList<>();
    for (Map.Entry<String, Path> e : ConfigFiles.of(config, chain, configFile).entrySet()) {
      Instant modified = modified(e.getValue());
      LoadedList list = list(e.getKey(), chain);
      long generation = 1;
      LoadedFile same = null;
      for (LoadedFile p : previous) {
        if (p.name().equals(e.getKey()) && p.path().equals(e.getValue())) {
          boolean unchanged = list == null ? p.modified().equals(modified)
              : p.contentVersion().equals(list.version()) && p.entries() == list.entries();
          generation = unchanged ? p.generation() : p.generation() + 1;
          same = unchanged ? p : null;
        }
      }
      files.add(same != null ? same : list == null
          ? new LoadedFile(e.getKey(), e.getValue(), -1, "", generation, modified, now, buildMillis)
          : new LoadedFile(e.getKey(), e.getValue(), list.entries(), list.version(), generation, modified,
              now, list.loadTime().toMillis()));
    }
    return List.copyOf(files);
  }

  private static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }

  /** The named list of the chain, null for files that are not lists. */
  public static LoadedList list(String name, InstalledChain chain) {
    for (LoadedList l : chain.lists()) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    return null;
  }

  private static Set<Path> paths(List<LoadedFile> files) {
    Set<Path> paths = new HashSet<>();
    files.forEach(f -> paths.add(f.path()));
    return paths;
  }

  private static String summary(List<LoadedFile> files) {
    StringBuilder sb = new StringBuilder("[");
    for (LoadedFile f : files) {
      if (f.isList()) {
        sb.append(sb.length() > 1 ? ", " : "").append(f.name()).append('=').append(f.entries())
            .append(" version ").append(f.contentVersion()).append(" load_ms ").append(f.loadMillis());
      }
    }
    return sb.append(']').toString();
  }

  @Override
  public void close() {
    FileWatch w = watch;
    if (w != null) {
      w.close();
    }
    thread.shutdownNow();
  }
}
