package org.sipscreen.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.sipscreen.screening.check.reputation.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's membership in a fleet: on one thread of its own, every {@code staleness} it exchanges
 * the velocity counts ({@link SharedCounts}) with Redis in one pipelined batch, and every few seconds it
 * reports itself into the member table and reads the others. A circuit breaker guards Redis: after
 * {@value #FAILURES} failed or late exchanges in a row (or a failed connect) it opens, the instance
 * screens on its own counts (fail open), and every {@link #RETRY} one exchange probes Redis until one
 * succeeds. Each change of state is logged once and counted. Calls never wait on any of this.
 */
public final class FleetState implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FleetState.class);

  static final int FAILURES = 3;
  static final Duration RETRY = Duration.ofSeconds(1);
  /** With nothing to send, Redis is asked (PING) this often, so the breaker notices an outage anyway. */
  static final Duration HEARTBEAT = Duration.ofSeconds(1);
  /** How often the instance reports itself; a member not heard from for {@link #MEMBER_TTL} is gone. */
  static final Duration REPORT_EVERY = Duration.ofSeconds(2);
  static final Duration MEMBER_TTL = Duration.ofSeconds(15);
  /** Script calls per pipelined batch. */
  private static final int BATCH = 256;
  /**
   * Keys per script call: Redis runs one script at a time, so a call is kept short (about 5 ms at the
   * ~80 µs a key costs Redis).
   */
  private static final int KEYS_PER_CALL = 64;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FleetConfig config;
  private final String instanceId;
  private final String password;
  private final SharedCounts counts;
  private final CountScript script;
  private final CircuitBreaker breaker;
  private final Supplier<FleetMember> self;
  private final String membersKey;
  private final ScheduledExecutorService thread;
  private final SharedReputation reputation; // null unless share_reputation
  private final String bansKey;
  private final String bansVersionKey;
  private volatile FleetBans bans; // null unless share_bans and flood control's store is given

  private final Counter transitions;
  private final Counter errors;
  private final Counter exchanges;
  private final Counter commands;

  // Touched by the fleet thread only.
  private RedisLink link;
  private CircuitBreaker.State lastState = CircuitBreaker.State.CLOSED;
  private boolean everUp;
  private long lastReport = Long.MIN_VALUE;
  private volatile FleetView view = new FleetView(List.of());

  /**
   * @param config the section
   * @param configFile the config file (a relative {@code password_file} resolves against its folder)
   * @param self what this instance reports about itself, asked at every report
   */
  public FleetState(FleetConfig config, Path configFile, PrometheusRegistry registry,
      Supplier<FleetMember> self) throws IOException {
    this.config = Objects.requireNonNull(config, "config");
    this.instanceId = instanceId(config);
    this.password = password(config, configFile);
    this.counts = new SharedCounts(config.staleness(), Ticker.systemTicker());
    this.script = new CountScript(config.keyPrefix(), instanceId);
    this.breaker = new CircuitBreaker(FAILURES, RETRY, Ticker.systemTicker());
    this.self = Objects.requireNonNull(self, "self");
    this.membersKey = config.keyPrefix() + "members";
    this.bansKey = config.keyPrefix() + "bans";
    this.bansVersionKey = config.keyPrefix() + "bans:version";
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sipscreen-fleet");
      t.setDaemon(true);
      return t;
    });
    this.transitions = Counter.builder().name("sipscreen_fleet_breaker_transitions_total")
        .help("Changes of the fleet's Redis circuit breaker, by the state entered (open: screening on"
            + " this instance's counts; closed: counts shared again)")
        .labelNames("to").register(registry);
    this.errors = Counter.builder().name("sipscreen_fleet_errors_total")
        .help("Failed or late Redis operations of the fleet, by operation (connect, exchange, report)")
        .labelNames("operation").register(registry);
    this.exchanges = Counter.builder().name("sipscreen_fleet_exchanges_total")
        .help("Completed exchanges of velocity counts with Redis").register(registry);
    this.commands = Counter.builder().name("sipscreen_fleet_redis_commands_total")
        .help("Commands sent to Redis (one script call per counted key and exchange, three per report)")
        .register(registry);
    GaugeWithCallback.builder().name("sipscreen_fleet_up")
        .help("1 while the other instances' counts are used, 0 while this instance screens on its own")
        .callback(cb -> cb.call(counts.usable() ? 1 : 0)).register(registry);
    GaugeWithCallback.builder().name("sipscreen_fleet_breaker_state")
        .help("The fleet's Redis circuit breaker: 0 closed, 1 open, 2 half-open (probing)")
        .callback(cb -> cb.call(breaker.state().ordinal())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_fleet_followed_keys")
        .help("Callers, peers and peers' anonymous calls whose fleet counts this instance follows")
        .callback(cb -> cb.call(counts.followed())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_fleet_members")
        .help("Instances in the fleet's member table, this one included, as last read")
        .callback(cb -> cb.call(view.members().size())).register(registry);
    GaugeWithCallback.builder().name("sipscreen_fleet_drifting_members")
        .help("Members whose config hash or list versions differ from most members'")
        .callback(cb -> cb.call(view.drifting())).register(registry);
    this.reputation = config.shareReputation()
        ? new SharedReputation(config.keyPrefix(), config.deadline(), counts::usable, registry) : null;
    for (String to : List.of("open", "closed")) {
      transitions.labelValues(to);
    }
    for (String op : List.of("connect", "exchange", "report", "bans")) {
      errors.labelValues(op);
    }
  }

  /** Starts exchanging; returns at once (Redis may be down: the breaker starts closed and finds out). */
  public void start() {
    long every = config.staleness().toNanos();
    thread.scheduleWithFixedDelay(this::cycle, 0, every, TimeUnit.NANOSECONDS);
  }

  /** The counts the velocity check shares. */
  public SharedCounts counts() {
    return counts;
  }

  /**
   * Flood control's ban store: with {@code share_bans}, one that answers from {@code local} and shares its
   * bans with the fleet at every exchange; otherwise {@code local} itself. Call once, before {@link #start}.
   */
  public org.sipscreen.flood.BanStore shareBans(org.sipscreen.flood.MemoryBanStore local) {
    if (!config.shareBans()) {
      return local;
    }
    FleetBans shared = new FleetBans(local, java.time.Clock.systemUTC());
    bans = shared;
    return shared;
  }

  /** The reputation answers the fleet shares; empty unless {@code share_reputation} is on. */
  public java.util.Optional<org.sipscreen.screening.check.reputation.SharedAnswers> reputation() {
    return java.util.Optional.ofNullable(reputation);
  }

  public String instanceId() {
    return instanceId;
  }

  /** Whether the other instances' counts are in use now. */
  public boolean up() {
    return counts.usable();
  }

  /** The member table as last read (every {@link #REPORT_EVERY}); empty before the first read. */
  public FleetView view() {
    return view;
  }

  /** The member table read now, on the fleet thread; fails when Redis does not answer in time. */
  public CompletableFuture<FleetView> readView() {
    CompletableFuture<FleetView> result = new CompletableFuture<>();
    thread.execute(() -> {
      try {
        if (link == null || breaker.state() != CircuitBreaker.State.CLOSED) {
          throw new IllegalStateException("Redis is unreachable (breaker " + lastState + ")");
        }
        RedisFuture<Map<String, String>> all = link.commands().hgetall(membersKey);
        link.flush();
        view = FleetView.of(members(all.get(config.deadline().toNanos(), TimeUnit.NANOSECONDS)));
        result.complete(view);
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  // ------------------------------------------------------------------ the fleet thread

  private void cycle() {
    try {
      CircuitBreaker.Permit permit = breaker.tryAcquire();
      if (permit == CircuitBreaker.Permit.DENIED) {
        counts.dropPending();
      } else {
        switch (exchange(permit)) {
          case ANSWERED -> {
            breaker.onSuccess();
            if (permit == CircuitBreaker.Permit.PROBE) {
              lastReport = Long.MIN_VALUE; // back: report at once (a restarted Redis has no member table)
            }
            report();
          }
          case FAILED -> breaker.onFailure();
          case NOTHING_SENT -> { }
        }
        if (breaker.state() == CircuitBreaker.State.CLOSED && link != null && script.isLoaded()) {
          syncBans();
        }
      }
    } catch (RuntimeException | Error e) {
      breaker.onFailure();
      errors.labelValues("exchange").inc();
      lastError = e.toString();
    }
    observe();
  }

  private String lastError = "";
  private long lastAnswer = System.nanoTime();

  /** How an exchange went, for the breaker. */
  private enum Exchange {
    ANSWERED,
    FAILED,
    /** Nothing to send and Redis answered lately: no news for the breaker. */
    NOTHING_SENT
  }

  /**
   * One exchange: connect if needed, send every entry, apply every answer. With nothing to send, a PING
   * once a second (and for a probe of the half-open breaker) keeps the breaker's view of Redis current.
   */
  private Exchange exchange(CircuitBreaker.Permit permit) {
    if (link == null) {
      try {
        link = RedisLink.connect(config, password);
        if (reputation != null) {
          reputation.connected(link.lookups());
        }
      } catch (RuntimeException e) {
        errors.labelValues("connect").inc();
        lastError = describe(e);
        return Exchange.FAILED;
      }
    }
    long deadline = System.nanoTime() + config.deadline().toNanos();
    if (permit == CircuitBreaker.Permit.PROBE) {
      script.unload(); // after an outage Redis may have restarted without the script
    }
    try {
      if (!script.isLoaded()) {
        CompletableFuture<String> sha = link.load(script);
        link.flush();
        commands.inc();
        script.loaded(sha.get(config.deadline().toNanos(), TimeUnit.NANOSECONDS));
      }
      SharedCounts.Batch batch = counts.take();
      if (batch.entries().isEmpty()) {
        if (permit != CircuitBreaker.Permit.PROBE && System.nanoTime() - lastAnswer < HEARTBEAT.toNanos()) {
          return Exchange.NOTHING_SENT;
        }
        RedisFuture<String> pong = link.commands().ping();
        link.flush();
        commands.inc();
        pong.get(config.deadline().toNanos(), TimeUnit.NANOSECONDS);
      }
      List<List<SharedCounts.Entry>> calls = scriptCalls(batch.entries());
      for (int from = 0; from < calls.size(); from += BATCH) {
        List<List<SharedCounts.Entry>> chunk = calls.subList(from, Math.min(calls.size(), from + BATCH));
        List<RedisFuture<List<Long>>> sent = new ArrayList<>(chunk.size());
        for (List<SharedCounts.Entry> entries : chunk) {
          sent.add(script.send(link.commands(), entries));
        }
        link.flush();
        commands.inc(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
          List<Long> others = sent.get(i).get(Math.max(0, deadline - System.nanoTime()),
              TimeUnit.NANOSECONDS);
          int at = 0;
          for (SharedCounts.Entry e : chunk.get(i)) {
            int windows = e.kind().windows().size();
            long[] values = new long[windows];
            for (int w = 0; w < windows; w++) {
              values[w] = others.get(at++);
            }
            counts.answered(e, values, batch.takenAt());
          }
        }
      }
      exchanges.inc();
      lastAnswer = System.nanoTime();
      return Exchange.ANSWERED;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RedisNoScriptException) {
        script.unload(); // Redis restarted: load the script again next time
      }
      errors.labelValues("exchange").inc();
      lastError = describe(e.getCause());
      return Exchange.FAILED;
    } catch (TimeoutException e) {
      errors.labelValues("exchange").inc();
      lastError = "no answer within the deadline of " + config.deadline().toMillis() + " ms";
      return Exchange.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Exchange.FAILED;
    } catch (RuntimeException e) {
      errors.labelValues("exchange").inc();
      lastError = describe(e);
      return Exchange.FAILED;
    }
  }

  /**
   * The entries grouped into script calls: in a cluster, each call's keys in one hash slot; elsewhere, up
   * to {@link #KEYS_PER_CALL} keys each.
   */
  private List<List<SharedCounts.Entry>> scriptCalls(List<SharedCounts.Entry> entries) {
    Map<Integer, List<SharedCounts.Entry>> bySlot = new java.util.LinkedHashMap<>();
    boolean cluster = config.modeValue() == FleetConfig.Mode.CLUSTER;
    for (SharedCounts.Entry e : entries) {
      bySlot.computeIfAbsent(cluster ? script.slot(e) : 0, s -> new ArrayList<>()).add(e);
    }
    List<List<SharedCounts.Entry>> calls = new ArrayList<>();
    for (List<SharedCounts.Entry> group : bySlot.values()) {
      for (int from = 0; from < group.size(); from += KEYS_PER_CALL) {
        calls.add(group.subList(from, Math.min(group.size(), from + KEYS_PER_CALL)));
      }
    }
    return calls;
  }

  /**
   * Sends this instance's ban changes and, when the fleet's change counter moved, reads the ban table:
   * one pipelined round trip, a second one only after a change.
   */
  private void syncBans() {
    FleetBans shared = bans;
    if (shared == null) {
      return;
    }
    List<FleetBans.Change> changes = shared.take();
    try {
      for (FleetBans.Change c : changes) {
        if (c.ban() == null) {
          link.commands().hdel(bansKey, Long.toString(c.source()));
        } else {
          link.commands().hset(bansKey, Long.toString(c.source()), FleetBans.format(c.ban()));
        }
      }
      RedisFuture<Long> counter = changes.isEmpty() ? null : link.commands().incr(bansVersionKey);
      RedisFuture<String> current = counter == null ? link.commands().get(bansVersionKey) : null;
      link.flush();
      commands.inc(changes.size() + 1);
      long timeout = config.deadline().toNanos();
      long version;
      if (counter != null) {
        version = counter.get(timeout, TimeUnit.NANOSECONDS);
        changes = List.of(); // sent
      } else {
        String v = current.get(timeout, TimeUnit.NANOSECONDS);
        version = v == null ? 0 : Long.parseLong(v);
      }
      if (version < shared.version() || (version == 0 && shared.version() > 0)) {
        shared.redisReset(); // Redis lost the table: send every ban in force again next time
        return;
      }
      if (version == shared.version()) {
        return;
      }
      RedisFuture<Map<String, String>> table = link.commands().hgetall(bansKey);
      link.flush();
      commands.inc();
      List<String> ended = shared.apply(table.get(timeout, TimeUnit.NANOSECONDS), version);
      if (!ended.isEmpty()) {
        link.commands().hdel(bansKey, ended.toArray(String[]::new));
        link.flush();
        commands.inc();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shared.putBack(changes);
    } catch (Exception e) {
      errors.labelValues("bans").inc();
      shared.putBack(changes);
    }
  }

  /** Reports this instance and reads the member table, every {@link #REPORT_EVERY}. */
  private void report() {
    long now = System.nanoTime();
    if (lastReport != Long.MIN_VALUE && now - lastReport < REPORT_EVERY.toNanos()) {
      return;
    }
    lastReport = now;
    try {
      FleetMember me = self.get();
      link.commands().hset(membersKey, instanceId, JSON.writeValueAsString(me));
      link.commands().pexpire(membersKey, MEMBER_TTL.toMillis() * 4);
      RedisFuture<Map<String, String>> all = link.commands().hgetall(membersKey);
      link.flush();
      commands.inc(3);
      List<FleetMember> members = members(all.get(config.deadline().toNanos(), TimeUnit.NANOSECONDS));
      view = FleetView.of(members);
      for (String gone : stale(all.get())) {
        link.commands().hdel(membersKey, gone);
        commands.inc();
      }
      link.flush();
    } catch (Exception e) {
      errors.labelValues("report").inc();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static List<FleetMember> members(Map<String, String> table) {
    long now = System.currentTimeMillis();
    List<FleetMember> out = new ArrayList<>();
    for (String json : table.values()) {
      try {
        FleetMember m = JSON.readValue(json, FleetMember.class);
        if (now - m.updatedMs() < MEMBER_TTL.toMillis()) {
          out.add(m);
        }
      } catch (IOException e) {
        // a member of another version, or garbage: not shown
      }
    }
    return out;
  }

  private static List<String> stale(Map<String, String> table) {
    long now = System.currentTimeMillis();
    List<String> out = new ArrayList<>();
    table.forEach((id, json) -> {
      try {
        if (now - JSON.readValue(json, FleetMember.class).updatedMs() >= MEMBER_TTL.toMillis()) {
          out.add(id);
        }
      } catch (IOException e) {
        out.add(id);
      }
    });
    return out;
  }

  /** Logs and counts a change of the breaker's state, and uses the fleet's counts only while closed. */
  private void observe() {
    CircuitBreaker.State state = breaker.state();
    boolean shared = state == CircuitBreaker.State.CLOSED && link != null && script.isLoaded();
    if (shared && !everUp) {
      everUp = true;
      log.info("fleet: instance {} joined through Redis {} (staleness {} ms)", instanceId, config.nodes(),
          config.staleness().toMillis());
    }
    counts.usable(shared);
    if (state == lastState) {
      return;
    }
    if (state == CircuitBreaker.State.OPEN && lastState == CircuitBreaker.State.CLOSED) {
      transitions.labelValues("open").inc();
      log.warn("fleet: Redis {} unreachable ({}); screening on this instance's counts, retrying every {}"
          + " ms", config.nodes(), lastError, RETRY.toMillis());
    } else if (state == CircuitBreaker.State.CLOSED) {
      transitions.labelValues("closed").inc();
      log.info("fleet: Redis {} answers again; counts shared with the fleet", config.nodes());
    }
    if (state != CircuitBreaker.State.HALF_OPEN) {
      lastState = state;
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static String instanceId(FleetConfig config) {
    if (config.instanceId() != null) {
      return config.instanceId();
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  private static String password(FleetConfig config, Path configFile) throws IOException {
    if (config.password() != null) {
      return config.password();
    }
    if (config.passwordFile() == null) {
      return null;
    }
    Path parent = configFile.toAbsolutePath().getParent();
    Path file = parent == null ? Path.of(config.passwordFile()) : parent.resolve(config.passwordFile());
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new IOException("fleet.password_file " + file + " is empty");
    }
    return lines.get(0).strip();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (link != null) {
      try {
        link.close();
      } catch (RuntimeException e) {
        log.debug("fleet: closing the Redis connection: {}", e.toString());
      }
    }
  }
}
