package org.sipscreen.dns;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.NextHopAnswers;
import org.sipscreen.proxy.NextHopName;
import org.sipscreen.proxy.NextHopSet;
import org.sipscreen.sip.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the next hops that name hosts (RFC 3263 §4, see {@link NextHopName}) and keeps each name's last
 * good answer for its TTL, clamped to {@code routing.dns.min_ttl}..{@code max_ttl}. Nothing here runs on an
 * event loop of the proxy: {@link #prime} blocks the start-up or reload thread, {@link #refresh} only starts
 * questions, and answers are taken on the resolver's own thread; the proxy reads the answers when it builds
 * the hop set it routes with ({@link NextHopSet#withAnswers}), never per request.
 *
 * <p>An answer that fails (no server answered, an error) or leaves no usable address (no records, or every
 * address outside {@code routing.next_hop_networks}) does not replace the last good one: the name keeps its
 * hops and is asked again after {@code min_ttl}. Failures are counted each time and logged once per change
 * between resolving and failing; refused addresses are counted each time and logged when they change.
 */
public final class NextHopResolver implements NextHopAnswers, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NextHopResolver.class);

  /** What a name resolved to: its hops (every address, before the network check) and until when. */
  private record State(List<NextHopSet.Member> hops, long expiresMillis, Optional<String> failing,
      Set<String> refused) {}

  /** One answer: the hops and the smallest TTL of the records that gave them, in seconds. */
  private record Resolution(List<NextHopSet.Member> hops, long ttl) {}

  private final ProxyMetrics metrics;
  private final LongSupplier millis;
  private final Map<NextHopName, State> states = new ConcurrentHashMap<>();
  /** The names being asked now, each with its question's outcome. */
  private final Map<NextHopName, CompletableFuture<Boolean>> asking = new ConcurrentHashMap<>();
  private volatile Settings settings;
  /** Made at the first question, so that a config without names opens no DNS socket. */
  private DnsLookup lookup;

  /** The {@code routing.dns} settings in the units used here. */
  public record Settings(List<InetSocketAddress> servers, long minTtlMillis, long maxTtlMillis,
      long timeoutMillis) {
    public Settings {
      servers = List.copyOf(servers);
    }

    /** The settings of a config's {@code routing.dns} (already checked by the loader). */
    public static Settings of(org.sipscreen.config.SipscreenConfig.Dns dns) {
      List<InetSocketAddress> servers = new ArrayList<>();
      for (String s : dns.servers()) {
        servers.add(org.sipscreen.config.Networks.requireHostPort(s, "dns.servers"));
      }
      return new Settings(servers, dns.minTtl().toMillis(), dns.maxTtl().toMillis(), dns.timeout().toMillis());
    }
  }

  /**
   * Resolves a config's names once, with a resolver of its own that is closed before returning: for
   * loading a config outside a running proxy ({@code check-config}, start-up before the proxy exists).
   */
  public static final org.sipscreen.config.NameResolution ONCE = (dns, plan) -> {
    try (NextHopResolver r = new NextHopResolver(Settings.of(dns),
        new ProxyMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry()),
        System::currentTimeMillis)) {
      r.prime(plan);
      Map<NextHopName, List<NextHopSet.Member>> hops = new HashMap<>();
      Map<NextHopName, Optional<String>> failing = new HashMap<>();
      for (NextHopName n : plan.names()) {
        hops.put(n, r.hops(n));
        failing.put(n, r.failing(n));
      }
      return new NextHopAnswers() {
        @Override
        public List<NextHopSet.Member> hops(NextHopName name) {
          return hops.getOrDefault(name, List.of());
        }

        @Override
        public Optional<String> failing(NextHopName name) {
          return failing.getOrDefault(name, Optional.of("not resolved"));
        }
      };
    }
  };

  /**
   * Resolves a config's names with this resolver (blocking; what it already knows is not asked again), after
   * taking the config's {@code routing.dns} settings: for reloads of a running proxy.
   */
  public org.sipscreen.config.NameResolution forReloads() {
    return (dns, plan) -> {
      apply(Settings.of(dns));
      return prime(plan);
    };
  }

  public NextHopResolver(Settings settings, ProxyMetrics metrics, LongSupplier millis) {
    this.settings = settings;
    this.metrics = metrics;
    this.millis = millis;
  }

  private synchronized DnsLookup lookup() {
    if (lookup == null) {
      lookup = new DnsLookup(settings.servers(), settings.timeoutMillis());
    }
    return lookup;
  }

  /** Takes other settings (after a reload); the name servers change for the next question. */
  public synchronized void apply(Settings next) {
    if (next.equals(settings)) {
      return;
    }
    DnsLookup old = lookup;
    lookup = null;
    settings = next;
    if (old != null) {
      old.close();
    }
  }

  @Override
  public List<NextHopSet.Member> hops(NextHopName name) {
    State s = states.get(name);
    return s == null ? List.of() : s.hops();
  }

  @Override
  public Optional<String> failing(NextHopName name) {
    State s = states.get(name);
    return s == null ? Optional.of("not resolved yet") : s.failing();
  }

  /**
   * Resolves each name of {@code plan} that has no answer yet, blocking the calling thread (start-up or a
   * reload, never an event loop) until every one is answered or has failed. Returns the answers.
   */
  public NextHopAnswers prime(NextHopSet plan) throws InterruptedException {
    List<CompletableFuture<Boolean>> pending = new ArrayList<>();
    for (NextHopName name : plan.names()) {
      if (!states.containsKey(name) || asking.containsKey(name)) {
        pending.add(asked(name, plan));
      }
    }
    // Each question tries every server in turn; a name asks at most SRV (two), then A and AAAA per target.
    long wait = settings.timeoutMillis() * Math.max(1, lookup().servers().size()) * 4 + 1_000;
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(wait, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Recorded by each name's own completion; a name still asking has no answer yet.
    }
    return this;
  }

  /**
   * Starts a question for each name of {@code plan} whose answer has expired (or that never had one);
   * {@code changed} runs, on the resolver's thread, when a name's hops changed. Called periodically from one
   * thread; it never waits. Answers of names a reload removed are kept (a few per config change): a reload
   * in progress may have just resolved names the running plan does not have yet.
   */
  public void refresh(NextHopSet plan, Runnable changed) {
    long now = millis.getAsLong();
    for (NextHopName name : plan.names()) {
      State s = states.get(name);
      if ((s == null || now >= s.expiresMillis()) && !asking.containsKey(name)) {
        asked(name, plan).thenAccept(c -> {
          if (c) {
            changed.run();
          }
        });
      }
    }
  }

  /** Whether {@code name}'s hops changed, once its question is answered or has failed. */
  private CompletableFuture<Boolean> ask(NextHopName name, NextHopSet plan) {
    CompletableFuture<Resolution> r;
    try {
      r = resolve(lookup(), name);
    } catch (RuntimeException e) {
      r = CompletableFuture.failedFuture(e);
    }
    return r.handle((resolution, error) -> record(name, plan, resolution, error));
  }

  /** The question about {@code name} being asked now, or a new one; it leaves {@link #asking} when done. */
  private CompletableFuture<Boolean> asked(NextHopName name, NextHopSet plan) {
    CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    CompletableFuture<Boolean> running = asking.putIfAbsent(name, outcome);
    if (running != null) {
      return running;
    }
    ask(name, plan).whenComplete((changed, error) -> {
      asking.remove(name, outcome); // before completing, so that whoever it wakes may ask again
      if (error != null) {
        outcome.completeExceptionally(error);
      } else {
        outcome.complete(changed);
      }
    });
    return outcome;
  }

  private synchronized boolean record(NextHopName name, NextHopSet plan, Resolution resolution,
      Throwable error) {
    long now = millis.getAsLong();
    Settings s = settings;
    State before = states.get(name);
    List<NextHopSet.Member> previous = before == null ? List.of() : before.hops();
    Set<String> refused = new java.util.TreeSet<>();
    String failure = null;
    if (error != null) {
      Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
          ? error.getCause() : error;
      failure = cause instanceof DnsLookup.LookupFailure ? cause.getMessage() : cause.toString();
    } else {
      int usable = 0;
      for (NextHopSet.Member m : resolution.hops()) {
        if (plan.mayResolveTo(m.hop().address().getAddress())) {
          usable++;
        } else {
          refused.add(m.uri());
        }
      }
      if (!refused.isEmpty()) {
        if (before == null || !refused.equals(before.refused())) {
          log.warn("next_hop_dns refused name={} addresses={}: outside routing.next_hop_networks, never"
              + " used", name.uri(), refused);
        }
      }
      if (resolution.hops().isEmpty()) {
        failure = "no SRV, A or AAAA record";
      } else if (usable == 0) {
        failure = "every address is outside routing.next_hop_networks";
      }
    }
    // The state first, then the counters: whoever sees a count sees the state that goes with it.
    if (failure != null) {
      states.put(name, new State(previous, now + s.minTtlMillis(), Optional.of(failure),
          refused.isEmpty() && before != null ? before.refused() : refused));
      metrics.nextHopResolution(name.uri(), "failed");
      countRefused(name, refused);
      if (before == null || before.failing().isEmpty()) {
        log.warn("next_hop_dns failing name={} error=\"{}\"; {}", name.uri(), failure,
            previous.isEmpty() ? "it has no hop" : "its last good answer stays (" + previous.size()
                + " addresses)");
      }
      return false;
    }
    long ttlMillis = Math.min(s.maxTtlMillis(), Math.max(s.minTtlMillis(), resolution.ttl() * 1000));
    List<NextHopSet.Member> hops = resolution.hops();
    states.put(name, new State(hops, now + ttlMillis, Optional.empty(), refused));
    metrics.nextHopResolution(name.uri(), "ok");
    countRefused(name, refused);
    boolean changed = !hops.equals(previous);
    if (before != null && before.failing().isPresent()) {
      log.info("next_hop_dns resolves again name={} hops={}", name.uri(), uris(hops));
    } else if (changed) {
      log.info("next_hop_dns name={} hops={} ttl={}s", name.uri(), uris(hops), ttlMillis / 1000);
    }
    return changed;
  }

  /** {@code sip:10.0.0.7:5070;transport=udp}, {@code sip:[2001:db8::7]:5070;transport=tcp} (RFC 5952). */
  static String uriOf(NextHop hop) {
    String host = io.netty.util.NetUtil.toAddressString(hop.address().getAddress());
    return "sip:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + hop.address().getPort()
        + ";transport=" + hop.transport().label();
  }

  private void countRefused(NextHopName name, Set<String> refused) {
    if (!refused.isEmpty()) {
      metrics.nextHopRefused(name.uri(), refused.size());
    }
  }

  private static List<String> uris(List<NextHopSet.Member> hops) {
    return hops.stream().map(m -> m.uri() + "/" + m.priority() + "/" + m.weight()).toList();
  }

  /** The hops {@code name} resolves to now (RFC 3263 §4.1-4.2), sorted so that equal answers compare equal. */
  private static CompletableFuture<Resolution> resolve(DnsLookup dns, NextHopName name) {
    List<NextHopName.SrvQuery> queries = name.srvQueries();
    CompletableFuture<Resolution> r = queries.isEmpty() ? hostAddresses(dns, name) : srv(dns, name, queries, 0);
    return r.thenApply(x -> new Resolution(x.hops().stream().sorted(ORDER).toList(), x.ttl()));
  }

  private static final Comparator<NextHopSet.Member> ORDER = Comparator
      .comparingInt(NextHopSet.Member::priority)
      .thenComparing(m -> m.hop().transport())
      .thenComparing(m -> m.hop().address().getAddress().getHostAddress())
      .thenComparingInt(m -> m.hop().address().getPort());

  /** The SRV records of {@code queries[i]}, or of the next query when it has none, else the host's. */
  private static CompletableFuture<Resolution> srv(DnsLookup dns, NextHopName name,
      List<NextHopName.SrvQuery> queries, int i) {
    if (i >= queries.size()) {
      return hostAddresses(dns, name);
    }
    NextHopName.SrvQuery q = queries.get(i);
    return dns.srv(q.owner()).thenCompose(records -> {
      if (records.isEmpty()) {
        return srv(dns, name, queries, i + 1);
      }
      return targets(dns, name, q.transport(), records);
    });
  }

  /** Each SRV target's addresses, with the target's port, priority and weight (0 counts as 1). */
  private static CompletableFuture<Resolution> targets(DnsLookup dns, NextHopName name, Transport transport,
      List<DnsLookup.SrvRecord> records) {
    List<CompletableFuture<Resolution>> parts = new ArrayList<>();
    long srvTtl = Long.MAX_VALUE;
    for (DnsLookup.SrvRecord srv : records) {
      srvTtl = Math.min(srvTtl, srv.ttl());
      if (srv.target().equals(".") || srv.target().isEmpty() || srv.port() == 0) {
        continue; // RFC 2782: "." means the service is decidedly not available at this name
      }
      parts.add(dns.addresses(srv.target()).thenApply(addresses -> members(name, addresses, srv.port(),
          transport, srv.priority(), Math.max(1, srv.weight()))));
    }
    long ttl = srvTtl;
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<NextHopSet.Member> hops = new ArrayList<>();
      long min = ttl;
      Set<NextHop> seen = new HashSet<>();
      for (CompletableFuture<Resolution> p : parts) {
        Resolution r = p.join();
        for (NextHopSet.Member m : r.hops()) {
          if (seen.add(m.hop())) {
            hops.add(m);
          }
        }
        min = Math.min(min, r.ttl());
      }
      return new Resolution(hops, min);
    });
  }

  /** The host's own A and AAAA records, on the URI's port (or 5060) and transport (or UDP). */
  private static CompletableFuture<Resolution> hostAddresses(DnsLookup dns, NextHopName name) {
    return dns.addresses(name.host()).thenApply(addresses -> members(name, addresses, name.addressPort(),
        name.addressTransport(), name.priority(), name.weight()));
  }

  private static Resolution members(NextHopName name, List<DnsLookup.AddressRecord> addresses, int port,
      Transport transport, int priority, int weight) {
    List<NextHopSet.Member> hops = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    Set<NextHop> seen = new HashSet<>();
    for (DnsLookup.AddressRecord a : addresses) {
      NextHop hop = name.hopAt(new InetSocketAddress(a.address(), port), transport);
      if (seen.add(hop)) {
        hops.add(new NextHopSet.Member(uriOf(hop), hop, priority, weight, name.uri()));
      }
      ttl = Math.min(ttl, a.ttl());
    }
    return new Resolution(hops, ttl);
  }

  /**
   * Takes the hops {@code hops} already holds for its names as their answers (the start-up resolution), to
   * be asked again after {@code min_ttl}; a name without a hop is asked again at once.
   */
  public synchronized void seed(NextHopSet hops) {
    long until = millis.getAsLong() + settings.minTtlMillis();
    Map<String, List<NextHopSet.Member>> bySource = new HashMap<>();
    for (NextHopSet.Member m : hops.members()) {
      if (m.resolved()) {
        bySource.computeIfAbsent(m.source(), k -> new ArrayList<>()).add(m);
      }
    }
    for (NextHopName name : hops.names()) {
      List<NextHopSet.Member> got = bySource.get(name.uri());
      // A name without a hop failed at start-up (and was logged then): asked again at once, logged again
      // only when it resolves.
      states.putIfAbsent(name, got != null
          ? new State(got.stream().sorted(ORDER).toList(), until, Optional.empty(), Set.of())
          : new State(List.of(), 0, Optional.of("no usable address at start-up"), Set.of()));
    }
  }

  @Override
  public synchronized void close() {
    if (lookup != null) {
      lookup.close();
      lookup = null;
    }
  }
}
