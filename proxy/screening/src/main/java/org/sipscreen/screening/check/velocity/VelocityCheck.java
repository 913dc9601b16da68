package org.sipscreen.screening.check.velocity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;

/**
 * Counts every call it sees per calling number (sliding 1 s, 1 min and 1 h windows, plus runs of
 * ascending called numbers) and per source peer (1 s), and flags the call that exceeds a limit of the
 * peer's {@link VelocityLimits}; categories are checked in the order caller_per_second,
 * caller_per_minute, caller_per_hour, sequential_dialing, anonymous_per_second, peer_per_second, and the
 * first exceeded wins. Callers without an E.164 number are counted per peer only; anonymous ones also in
 * their peer's anonymous window (1 s), the only rate an anonymous caller can be held to. Per caller, state
 * lives in a compact {@link CallerTable} (a few dozen bytes per number, bounded by {@code
 * maxTrackedNumbers}); per peer in size-bounded Caffeine caches of lock-free {@link SlidingWindowCounter}s;
 * all on the injected {@link Ticker}. In a fleet, each count is this instance's own plus what the other
 * instances counted, as last seen through {@link FleetCounts} (never waited for).
 */
public final class VelocityCheck implements Check {

  public static final String NAME = "velocity";
  public static final String CALLER_PER_SECOND = "caller_per_second";
  public static final String CALLER_PER_MINUTE = "caller_per_minute";
  public static final String CALLER_PER_HOUR = "caller_per_hour";
  public static final String SEQUENTIAL_DIALING = "sequential_dialing";
  public static final String PEER_PER_SECOND = "peer_per_second";
  public static final String ANONYMOUS_PER_SECOND = "anonymous_per_second";

  /** Peers come from config, so this bound only guards against misuse. */
  public static final int MAX_TRACKED_PEERS = 10_000;

  /** The caller windows, for {@link #callerCalls}. */
  public enum Window {
    PER_SECOND(Duration.ofSeconds(1)),
    PER_MINUTE(Duration.ofMinutes(1)),
    PER_HOUR(Duration.ofHours(1));

    private final Duration length;

    Window(Duration length) {
      this.length = length;
    }

    public Duration length() {
      return length;
    }
  }

  private static final Duration PEER_WINDOW = Duration.ofSeconds(1);

  private final VelocityLimits defaults;
  private final Map<String, VelocityLimits> peerLimits;
  private final Ticker ticker;
  private final long origin;
  private final int score;
  private final long maxTrackedNumbers;
  private final FleetCounts fleet;

  /** Index of each {@link Window} among the caller table's windows, or -1 when no limit uses it. */
  private final int[] windowIndex = new int[Window.values().length];
  private final CallerTable callers; // null when nothing is tracked per caller
  /** Per peer with an override, and for the defaults: the limit of each caller window, 0 for none. */
  private final Map<String, int[]> peerWindowLimits;
  private final int[] defaultWindowLimits;
  private final SlidingWindows peerWindows; // null when no peer_per_second limit is configured
  private final Cache<String, SlidingWindowCounter> peers;
  private final Function<String, SlidingWindowCounter> newPeerCounter;
  /** Anonymous calls per peer (1 s); null when no anonymous_per_second limit is configured. */
  private final Cache<String, SlidingWindowCounter> anonymousPeers;

  private final Verdict.Flag callerPerSecond;
  private final Verdict.Flag callerPerMinute;
  private final Verdict.Flag callerPerHour;
  private final Verdict.Flag sequentialDialing;
  private final Verdict.Flag peerPerSecond;
  private final Verdict.Flag anonymousPerSecond;

  /**
   * @param defaults the limits for calls from peers without an override and from an unknown peer
   * @param peerLimits per source peer name, limits that replace {@code defaults} as a whole (stricter for
   *     a peer under traceback scrutiny, or looser for a known high-volume one); may be empty
   * @param score the score of every velocity flag, 0-100
   * @param maxTrackedNumbers the most calling numbers whose counts are kept at once, at least 1; beyond it
   *     the number idle longest among the few a new number competes with is forgotten, so a flood of
   *     distinct numbers costs at most this many entries of {@link #bytesPerTrackedNumber()} each (56
   *     bytes with the shipped limits)
   * @param ticker the clock in nanoseconds, also used by the caches' expiry
   */
  public VelocityCheck(VelocityLimits defaults, Map<String, VelocityLimits> peerLimits, int score,
      long maxTrackedNumbers, Ticker ticker) {
    this(defaults, peerLimits, score, maxTrackedNumbers, ticker, FleetCounts.LOCAL);
  }

  private VelocityCheck(VelocityLimits defaults, Map<String, VelocityLimits> peerLimits, int score,
      long maxTrackedNumbers, Ticker ticker, FleetCounts fleet) {
    this.fleet = Objects.requireNonNull(fleet, "fleet");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    Objects.requireNonNull(peerLimits, "peerLimits");
    peerLimits.forEach((peer, limits) -> {
      Objects.requireNonNull(peer, "peer name");
      Objects.requireNonNull(limits, "limits of peer '" + peer + "'");
    });
    this.peerLimits = Map.copyOf(peerLimits);
    if (score < 0 || score > 100) {
      throw new IllegalArgumentException("velocity score must be 0-100, was " + score);
    }
    if (maxTrackedNumbers < 1) {
      throw new IllegalArgumentException(
          "velocity max tracked numbers must be at least 1, was " + maxTrackedNumbers);
    }
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.origin = ticker.read();
    this.score = score;
    this.maxTrackedNumbers = maxTrackedNumbers;

    List<VelocityLimits> all = new ArrayList<>(this.peerLimits.values());
    all.add(defaults);
    List<Duration> windows = new ArrayList<>();
    for (Window window : Window.values()) {
      boolean used = all.stream().anyMatch(limits -> callerLimit(limits, window).isPresent());
      windowIndex[window.ordinal()] = used ? windows.size() : -1;
      if (used) {
        windows.add(window.length());
      }
    }
    int[] saturation = new int[windows.size()];
    for (Window window : Window.values()) {
      int index = windowIndex[window.ordinal()];
      if (index >= 0) {
        saturation[index] = all.stream().map(limits -> callerLimit(limits, window))
            .filter(OptionalInt::isPresent).mapToInt(OptionalInt::getAsInt).max().orElseThrow();
      }
    }
    int runCapacity = all.stream()
        .flatMap(limits -> limits.sequentialDialing().stream())
        .mapToInt(SequentialDialing::count)
        .max().orElse(0);
    List<Duration> runWindows = all.stream()
        .flatMap(limits -> limits.sequentialDialing().stream())
        .map(SequentialDialing::window)
        .distinct().sorted().toList();
    if (windows.isEmpty() && runCapacity == 0) {
      this.callers = null;
    } else {
      Duration longest = java.util.stream.Stream.concat(windows.stream(), runWindows.stream())
          .max(Duration::compareTo).orElseThrow();
      this.callers = new CallerTable(windows, saturation, runWindows, runCapacity, maxTrackedNumbers,
          longest);
    }
    this.defaultWindowLimits = windowLimits(defaults);
    Map<String, int[]> byPeer = new java.util.HashMap<>();
    this.peerLimits.forEach((peer, limits) -> byPeer.put(peer, windowLimits(limits)));
    this.peerWindowLimits = Map.copyOf(byPeer);

    if (all.stream().anyMatch(limits -> limits.peerPerSecond().isPresent())) {
      this.peerWindows = new SlidingWindows(List.of(PEER_WINDOW));
      this.peers = Caffeine.newBuilder()
          .maximumSize(MAX_TRACKED_PEERS)
          .expireAfterAccess(PEER_WINDOW)
          .ticker(ticker)
          .executor(Runnable::run)
          .build();
    } else {
      this.peerWindows = null;
      this.peers = null;
    }
    if (all.stream().anyMatch(limits -> limits.anonymousPerSecond().isPresent())) {
      this.anonymousPeers = Caffeine.newBuilder()
          .maximumSize(MAX_TRACKED_PEERS)
          .expireAfterAccess(PEER_WINDOW)
          .ticker(ticker)
          .executor(Runnable::run)
          .build();
    } else {
      this.anonymousPeers = null;
    }
    SlidingWindows perSecond = peerWindows != null ? peerWindows : new SlidingWindows(List.of(PEER_WINDOW));
    this.newPeerCounter = peer -> perSecond.newCounter();

    this.callerPerSecond = new Verdict.Flag(CALLER_PER_SECOND, score);
    this.callerPerMinute = new Verdict.Flag(CALLER_PER_MINUTE, score);
    this.callerPerHour = new Verdict.Flag(CALLER_PER_HOUR, score);
    this.sequentialDialing = new Verdict.Flag(SEQUENTIAL_DIALING, score);
    this.peerPerSecond = new Verdict.Flag(PEER_PER_SECOND, score);
    this.anonymousPerSecond = new Verdict.Flag(ANONYMOUS_PER_SECOND, score);
  }

  /** The same check on the system clock. */
  public VelocityCheck(VelocityLimits defaults, Map<String, VelocityLimits> peerLimits, int score,
      long maxTrackedNumbers) {
    this(defaults, peerLimits, score, maxTrackedNumbers, Ticker.systemTicker());
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Counts the call (once per invocation, whatever the verdict), then compares the counts to the limits
   * of the call's peer. The caller's dialing run advances only on calls whose limits have a
   * sequential_dialing rule (its {@code max_step} decides what extends the run).
   */
  @Override
  public Verdict check(ScreenedCall call) {
    long now = ticker.read() - origin;
    Optional<String> peer = call.peerName();
    VelocityLimits limits = peer.isPresent() ? peerLimits.getOrDefault(peer.get(), defaults) : defaults;

    int exceeded = 0;
    if (callers != null && call.callerNumber() instanceof PhoneNumber.E164 number) {
      SequentialDialing rule = limits.sequentialDialing().orElse(null);
      long called = rule != null && call.calledNumber() instanceof PhoneNumber.E164 c
          ? c.digitsAsLong() : -1;
      int[] windowLimits = peer.isPresent()
          ? peerWindowLimits.getOrDefault(peer.get(), defaultWindowLimits) : defaultWindowLimits;
      long digits = number.digitsAsLong();
      FleetCounts.Others others = fleet.callerCall(digits);
      int[] judged = windowLimits;
      if (others != FleetCounts.Others.NONE) {
        judged = windowLimits.clone();
        exceeded = subtractOthers(judged, others);
      }
      exceeded |= callers.record(digits, now, called, judged, rule);
    }
    SlidingWindowCounter peerCounter = null;
    long peerOthers = 0;
    if (peers != null && peer.isPresent()) {
      peerCounter = peers.get(peer.get(), newPeerCounter);
      peerCounter.record(now);
      peerOthers = fleet.peerCall(peer.get());
    }
    SlidingWindowCounter anonymousCounter = null;
    long anonymousOthers = 0;
    if (anonymousPeers != null && peer.isPresent() && call.callerNumber() instanceof PhoneNumber.Anonymous) {
      anonymousCounter = anonymousPeers.get(peer.get(), newPeerCounter);
      anonymousCounter.record(now);
      anonymousOthers = fleet.anonymousCall(peer.get());
    }

    if (exceeded != 0) {
      if (exceeded(exceeded, Window.PER_SECOND)) {
        return callerPerSecond;
      }
      if (exceeded(exceeded, Window.PER_MINUTE)) {
        return callerPerMinute;
      }
      if (exceeded(exceeded, Window.PER_HOUR)) {
        return callerPerHour;
      }
    }
    if ((exceeded & CallerTable.SEQUENTIAL_BIT) != 0) {
      return sequentialDialing;
    }
    if (anonymousCounter != null && limits.anonymousPerSecond().isPresent()
        && anonymousCounter.count(0, now) + anonymousOthers > limits.anonymousPerSecond().getAsInt()) {
      return anonymousPerSecond;
    }
    if (peerCounter != null && limits.peerPerSecond().isPresent()
        && peerCounter.count(0, now) + peerOthers > limits.peerPerSecond().getAsInt()) {
      return peerPerSecond;
    }
    return Verdict.CONTINUE;
  }

  /**
   * The verdict {@link #check} would give this call, without counting it: the counts as they are plus this
   * call. Sequential dialing is not judged (a run cannot be advanced without recording it).
   */
  @Override
  public Verdict dryRun(ScreenedCall call) {
    long now = ticker.read() - origin;
    Optional<String> peer = call.peerName();
    VelocityLimits limits = peer.isPresent() ? peerLimits.getOrDefault(peer.get(), defaults) : defaults;
    if (callers != null && call.callerNumber() instanceof PhoneNumber.E164 number) {
      long digits = number.digitsAsLong();
      FleetCounts.Others others = fleet.callerOthers(digits);
      if (exceedsWithOne(digits, Window.PER_SECOND, limits.callerPerSecond(), others, now)) {
        return callerPerSecond;
      }
      if (exceedsWithOne(digits, Window.PER_MINUTE, limits.callerPerMinute(), others, now)) {
        return callerPerMinute;
      }
      if (exceedsWithOne(digits, Window.PER_HOUR, limits.callerPerHour(), others, now)) {
        return callerPerHour;
      }
    }
    if (anonymousPeers != null && peer.isPresent() && limits.anonymousPerSecond().isPresent()
        && call.callerNumber() instanceof PhoneNumber.Anonymous) {
      SlidingWindowCounter counter = anonymousPeers.policy().getIfPresentQuietly(peer.get());
      long count = counter == null ? 0 : counter.count(0, now);
      if (count + 1 > limits.anonymousPerSecond().getAsInt()) {
        return anonymousPerSecond;
      }
    }
    if (peers != null && peer.isPresent() && limits.peerPerSecond().isPresent()) {
      SlidingWindowCounter counter = peers.policy().getIfPresentQuietly(peer.get());
      long count = counter == null ? 0 : counter.count(0, now);
      if (count + 1 > limits.peerPerSecond().getAsInt()) {
        return peerPerSecond;
      }
    }
    return Verdict.CONTINUE;
  }

  private boolean exceedsWithOne(long caller, Window window, OptionalInt limit, FleetCounts.Others others,
      long now) {
    if (limit.isEmpty()) {
      return false;
    }
    return callers.count(caller, windowIndex[window.ordinal()], now) + others.in(window) + 1
        > limit.getAsInt();
  }

  /**
   * Lowers each caller window's limit in {@code limits} by what the other instances counted, so that the
   * table's own count is judged against what is left; returns the windows whose limit the others alone
   * have used up (those are then not judged again).
   */
  private int subtractOthers(int[] limits, FleetCounts.Others others) {
    int exceeded = 0;
    for (Window window : Window.values()) {
      int index = windowIndex[window.ordinal()];
      long seen = others.in(window);
      if (index < 0 || limits[index] == 0 || seen == 0) {
        continue;
      }
      long left = limits[index] - seen;
      if (left < 1) {
        exceeded |= 1 << index; // this call is at least one more
        limits[index] = 0;
      } else {
        limits[index] = (int) left;
      }
    }
    return exceeded;
  }

  /**
   * The same check with its counts shared through {@code fleet}: each limit then applies to the whole
   * fleet's calls. Nothing counted so far is kept (for a check just built).
   */
  public VelocityCheck withFleet(FleetCounts fleet) {
    return new VelocityCheck(defaults, peerLimits, score, maxTrackedNumbers, ticker, fleet);
  }

  /**
   * The same limits, score, size bound and clock with nothing counted yet and nothing shared with a fleet
   * (for a throwaway chain).
   */
  public VelocityCheck withFreshState() {
    return new VelocityCheck(defaults, peerLimits, score, maxTrackedNumbers, ticker);
  }

  /**
   * The same limits, score and clock with nothing counted yet, nothing shared with a fleet, and room for
   * at most {@code maxTrackedNumbers} callers (at most this check's own bound): for a throwaway chain that sees few
   * callers, whose table should not take the heap of a full-size one.
   */
  public VelocityCheck withFreshState(long maxTrackedNumbers) {
    return new VelocityCheck(defaults, peerLimits, score, Math.min(maxTrackedNumbers, this.maxTrackedNumbers),
        ticker);
  }

  /** Whether {@code other} has the same limits and score (its size bound may differ). */
  public boolean sameLimits(VelocityCheck other) {
    return other != null && defaults.equals(other.defaults) && peerLimits.equals(other.peerLimits)
        && score == other.score;
  }

  /**
   * Whether {@code other} was built with the same limits, score, size bound and fleet: then a reload can
   * keep this check, and with it every window counted so far.
   */
  public boolean sameSettings(VelocityCheck other) {
    return other != null && defaults.equals(other.defaults) && peerLimits.equals(other.peerLimits)
        && score == other.score && maxTrackedNumbers == other.maxTrackedNumbers && fleet == other.fleet;
  }

  /**
   * Calls counted for {@code caller} in {@code window} now (0 for a number not tracked, e.g. never seen,
   * evicted or not E.164), exact up to the largest limit of the window plus one. Does not count as an
   * access for expiry.
   *
   * @throws IllegalArgumentException when no limit uses {@code window}, so it is not counted
   */
  public long callerCalls(PhoneNumber caller, Window window) {
    Objects.requireNonNull(caller, "caller");
    int index = windowIndex[Objects.requireNonNull(window, "window").ordinal()];
    if (index < 0) {
      throw new IllegalArgumentException(
          "velocity window " + window + " is not counted: no limit uses it");
    }
    if (!(caller instanceof PhoneNumber.E164 number)) {
      return 0;
    }
    return callers.count(number.digitsAsLong(), index, ticker.read() - origin);
  }

  /**
   * Anonymous calls counted for source peer {@code peer} in the last second (0 when no
   * anonymous_per_second limit is configured).
   */
  public long anonymousCalls(String peer) {
    Objects.requireNonNull(peer, "peer");
    if (anonymousPeers == null) {
      return 0;
    }
    SlidingWindowCounter counter = anonymousPeers.policy().getIfPresentQuietly(peer);
    return counter == null ? 0 : counter.count(0, ticker.read() - origin);
  }

  /** Calls counted for source peer {@code peer} in the last second (0 when peers are not counted). */
  public long peerCalls(String peer) {
    Objects.requireNonNull(peer, "peer");
    if (peers == null) {
      return 0;
    }
    SlidingWindowCounter counter = peers.policy().getIfPresentQuietly(peer);
    return counter == null ? 0 : counter.count(0, ticker.read() - origin);
  }

  /** How many calling numbers are tracked, after running pending evictions and expiries. */
  public long trackedCallers() {
    if (callers == null) {
      return 0;
    }
    return callers.size(ticker.read() - origin);
  }

  /** Heap bytes per tracked calling number (0 when nothing is tracked per caller). */
  public int bytesPerTrackedNumber() {
    return callers == null ? 0 : callers.bytesPerNumber();
  }

  @Override
  public long heapBytes() {
    return bytesAtCapacity();
  }

  /** The most heap the per-caller state takes: every one of {@code maxTrackedNumbers} in use. */
  public long bytesAtCapacity() {
    return callers == null ? 0 : callers.bytesAtCapacity();
  }

  /** The limits that apply to calls from {@code peer}. */
  public VelocityLimits limitsFor(Optional<String> peer) {
    return peer.map(p -> peerLimits.getOrDefault(p, defaults)).orElse(defaults);
  }

  private boolean exceeded(int mask, Window window) {
    int index = windowIndex[window.ordinal()];
    return index >= 0 && (mask & 1 << index) != 0;
  }

  /** Per caller window index, the limit {@code limits} sets, or 0 for none. */
  private int[] windowLimits(VelocityLimits limits) {
    int[] result = new int[Window.values().length];
    for (Window window : Window.values()) {
      int index = windowIndex[window.ordinal()];
      if (index >= 0) {
        result[index] = callerLimit(limits, window).orElse(0);
      }
    }
    return result;
  }

  private static OptionalInt callerLimit(VelocityLimits limits, Window window) {
    return switch (window) {
      case PER_SECOND -> limits.callerPerSecond();
      case PER_MINUTE -> limits.callerPerMinute();
      case PER_HOUR -> limits.callerPerHour();
    };
  }
}
