package org.sipscreen.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.calling_number.CallingNumberCheck;
import org.sipscreen.screening.check.do_not_originate.DoNotOriginateCheck;
import org.sipscreen.screening.check.invalid_number.InvalidNumberCheck;
import org.sipscreen.screening.check.neighbor_spoofing.NeighborSpoofingCheck;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.screening.check.velocity.SequentialDialing;
import org.sipscreen.screening.check.velocity.VelocityCheck;
import org.sipscreen.screening.check.velocity.VelocityLimits;
import org.sipscreen.screening.numbering.CountryCodeLengths;
import org.sipscreen.screening.numbering.NanpDataReader;
import org.sipscreen.screening.numbering.NanpNumberingPlan;
import org.sipscreen.screening.numbering.NumberValidity;

/**
 * What the whole screening chain costs for one INVITE, without remote lookups (issue 3: at most 5 µs
 * median): {@link ScreeningChain#screen} with the checks, settings and policy of the shipped
 * config/sipscreen.yaml, built the way ScreeningFactory builds them (emergency, source_peer,
 * calling_number, invalid_number with config/data/nanp-npa.txt, do_not_originate, block_list, tag_list,
 * neighbor_spoofing, velocity with the shipped limits), the shipped allow, DNO and suspect lists, and a
 * block list of the shipped entries plus 1,000,000 generated numbers, loaded from a file.
 *
 * <p>Each invocation builds the call's {@link CallAttempt} (six header strings) from the caller and callee
 * digits, as the proxy builds it from a just-parsed INVITE, so the header text is as warm in the cache as
 * it is in the proxy; {@code buildCallOnly} measures that part alone. Per-caller state is not warm: the
 * cases with 100,000 distinct callers miss the cache in velocity's Caffeine map and in the 1,000,000-number
 * list as a carrier's traffic does.
 *
 * <p>Velocity keeps per-caller state, so repeating one call would turn a clean call into a velocity hit.
 * Its clock is therefore a virtual {@link Ticker} that every screened call advances by 1 ms: the chain
 * sees 1,000 calls/s (the SIPp rate) whatever the loop's real speed, and the clean, neighbor and
 * block-list cases cycle through 100,000 calls from distinct callers (one call per caller every 100
 * virtual seconds, far below the shipped 5/s, 60/min, 1000/h). {@code cleanSystemTicker} is the clean
 * case on the real {@code System.nanoTime} ticker, with every caller limit raised to 1,000,000 so no
 * caller can reach it at the benchmark's rate, to show what real clock reads add. The set-up checks that
 * every case gets the outcome it is named for and prints the mix's outcomes. Run from /work/main (it reads
 * config/): {@code java -jar loadtest/jmh/target/benchmarks.jar ScreeningChainBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ScreeningChainBenchmark {

  /** Distinct calls per case (and callers, where the case allows). */
  static final int CALLS = 100_000;
  static final int BLOCK_LIST_SIZE = 1_000_000;
  /** How far the virtual clock moves per screened call: 1,000 calls/s. */
  static final long NANOS_PER_CALL = 1_000_000L;

  private static final Path CONFIG = Path.of(System.getProperty("config.dir", "config"));
  private static final InetAddress PEER = address("127.0.0.1"); // the shipped peer "local"

  /** A clock that moves only when the benchmark says so; read by velocity and its Caffeine caches. */
  static final class VirtualClock implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
      return nanos.get();
    }

    void tick() {
      nanos.lazySet(nanos.get() + NANOS_PER_CALL); // single writer: the benchmark thread
    }
  }

  private final VirtualClock clock = new VirtualClock();
  private ScreeningChain chain;
  private ScreeningChain systemTickerChain;

  /** One case's calls as caller and callee digits, taken in turn. */
  static final class Calls {
    final long[] callers;
    final long[] callees;
    private int next;

    Calls(long[] callers, long[] callees) {
      this.callers = callers;
      this.callees = callees;
    }

    /** The next call's INVITE headers, built now as the proxy builds them from a just-parsed INVITE. */
    CallAttempt next() {
      int i = next;
      next = i + 1 == callers.length ? 0 : i + 1;
      return call(i, callers[i], callees[i]);
    }

    int size() {
      return callers.length;
    }

    CallAttempt get(int i) {
      return call(i, callers[i], callees[i]);
    }
  }

  private Calls clean;
  private Calls cleanOnSystemTicker;
  private Calls invalid;
  private Calls dno;
  private Calls blocked;
  private Calls neighbor;
  private Calls velocity;
  private Calls mix;

  // Shipped data, read once per trial.
  private BitSet assignedNpas;
  private NanpNumberingPlan plan;
  private CountryCodeLengths countryLengths;
  private NumberList allowList;
  private NumberList dnoList;
  private NumberList suspectList;
  private NumberList blockList;
  private InvalidNumberCheck validity;

  @Setup
  public void setUp() throws IOException {
    assignedNpas = NanpDataReader.readNpas(CONFIG.resolve("data/nanp-npa.txt"));
    plan = NanpNumberingPlan.load(CONFIG.resolve("data/nanp-npa.txt"), Optional.empty());
    countryLengths = CountryCodeLengths.libphonenumber();
    validity = new InvalidNumberCheck(plan, countryLengths, InvalidNumberCheck.defaultScores());
    allowList = NumberList.load(CONFIG.resolve("lists/allow.txt"));
    dnoList = NumberList.load(CONFIG.resolve("lists/dno.txt"));
    suspectList = NumberList.load(CONFIG.resolve("lists/suspect.txt"));
    SplittableRandom random = new SplittableRandom(20261128L);
    long[] blockedNumbers = new long[BLOCK_LIST_SIZE];
    blockList = generateBlockList(random, blockedNumbers);
    if (blockList.exactCount() < BLOCK_LIST_SIZE * 99 / 100) {
      throw new IllegalStateException("block list too small: " + blockList);
    }

    chain = shippedChain(clock, shippedLimits());
    VelocityLimits high = VelocityLimits.NONE.withCallerPerSecond(1_000_000)
        .withCallerPerMinute(1_000_000).withCallerPerHour(1_000_000)
        .withSequentialDialing(new SequentialDialing(10, Duration.ofSeconds(60), 1));
    systemTickerChain = shippedChain(Ticker.systemTicker(), high);

    long[][] c = {new long[CALLS], new long[CALLS]};
    long[][] n = {new long[CALLS], new long[CALLS]};
    long[][] b = {new long[CALLS], new long[CALLS]};
    for (int i = 0; i < CALLS; i++) {
      c[0][i] = cleanNumber(random);
      c[1][i] = calleeElsewhere(random, c[0][i]);
      n[0][i] = cleanNumber(random);
      n[1][i] = sameExchange(random, n[0][i]);
      b[0][i] = blockedNumbers[random.nextInt(BLOCK_LIST_SIZE)];
      b[1][i] = calleeElsewhere(random, b[0][i]);
    }
    clean = new Calls(c[0], c[1]);
    cleanOnSystemTicker = new Calls(c[0], c[1]);
    neighbor = new Calls(n[0], n[1]);
    blocked = new Calls(b[0], b[1]);
    // n11_nxx, fictional_555, unassigned_npa, bad_nxx, n11_npa, reserved_npa, too_long, +44 invalid_length
    invalid = new Calls(new long[] {
      12122111234L, 12025550123L, 12905551234L, 12121234567L, 14115551234L, 13755551234L,
      121255512345L, 4420794600L,
    }, new long[] {
      12125551000L, 12125551001L, 12125551002L, 12125551003L, 12125551004L, 12125551005L,
      12125551006L, 12125551007L,
    });
    dno = new Calls(new long[] {18008291040L, 18007721213L}, new long[] {12125551234L, 13125557890L});
    velocity = new Calls(new long[] {12125554321L}, new long[] {13125557890L});
    mix = buildMix(random);
    verify();
  }

  /** (a) A clean call: forwarded untouched after every check ran. */
  @Benchmark
  public ScreeningResult clean() {
    clock.tick();
    return chain.screen(clean.next());
  }

  /** (a) The clean calls on the real System.nanoTime ticker (caller limits raised, see class comment). */
  @Benchmark
  public ScreeningResult cleanSystemTicker() {
    return systemTickerChain.screen(cleanOnSystemTicker.next());
  }

  /**
   * (b) invalid_number: impossible caller IDs of eight categories (seven +1, one of a length +44 does not
   * have), 603 Decline at invalid_number.
   */
  @Benchmark
  public ScreeningResult invalidNumber() {
    clock.tick();
    return chain.screen(invalid.next());
  }

  /** (b) do_not_originate: the two shipped DNO numbers, 603 Decline. */
  @Benchmark
  public ScreeningResult doNotOriginate() {
    clock.tick();
    return chain.screen(dno.next());
  }

  /** (b) block_list: 100,000 callers drawn from the 1,000,000-number list, 603 Decline. */
  @Benchmark
  public ScreeningResult blockList() {
    clock.tick();
    return chain.screen(blocked.next());
  }

  /** (b) neighbor_spoofing: caller shares the callee's NPA-NXX; tagged "SPAM?" and forwarded. */
  @Benchmark
  public ScreeningResult neighborSpoofing() {
    clock.tick();
    return chain.screen(neighbor.next());
  }

  /** (b) velocity: one caller at 1,000 calls/s, over caller_per_second: 603+ at velocity. */
  @Benchmark
  public ScreeningResult velocityHit() {
    clock.tick();
    return chain.screen(velocity.next());
  }

  /** (c) 100,000 calls mixing every case (proportions in {@link #buildMix}). */
  @Benchmark
  public ScreeningResult mix() {
    clock.tick();
    return chain.screen(mix.next());
  }

  /** Baseline: building the CallAttempt alone, which every case above includes. */
  @Benchmark
  public CallAttempt buildCallOnly() {
    return mix.next();
  }

  // ---------------------------------------------------------------------------------------------------
  // The chain of config/sipscreen.yaml, as ScreeningFactory builds it.

  static VelocityLimits shippedLimits() {
    return VelocityLimits.NONE.withCallerPerSecond(5).withCallerPerMinute(60).withCallerPerHour(1000)
        .withSequentialDialing(new SequentialDialing(10, Duration.ofSeconds(60), 1));
  }

  private ScreeningChain shippedChain(Ticker ticker, VelocityLimits velocityLimits) {
    PhoneNumbers numbers = new PhoneNumbers("1");
    EmergencyCheck emergency = new EmergencyCheck(List.of("911", "933"), numbers);
    List<Check> checks = new ArrayList<>();
    checks.add(new SourcePeerCheck(PeerTable.of(Map.of("local", List.of("127.0.0.0/8", "::1/128"))),
        new Verdict.Reject(403, "Forbidden", List.of())));
    checks.add(new CallingNumberCheck());
    checks.add(new InvalidNumberCheck(plan, countryLengths, InvalidNumberCheck.defaultScores()));
    checks.add(new DoNotOriginateCheck(dnoList));
    checks.add(new NumberListCheck("block_list", blockList,
        NumberListCheck.reject(603, "Decline", Optional.empty())));
    checks.add(new NumberListCheck("tag_list", suspectList,
        NumberListCheck.tag(Optional.of("SPAM?"), Optional.empty())));
    checks.add(new NeighborSpoofingCheck(NeighborSpoofingCheck.Mode.NPA_NXX, NumberList.EMPTY, 40));
    checks.add(new VelocityCheck(velocityLimits, Map.of(), 60, 1_000_000, ticker));
    Map<String, Policy.CheckPolicy> checkPolicies = Map.of(
        "invalid_number", new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false),
        "do_not_originate", new Policy.CheckPolicy(PolicyAction.REJECT_DETERMINISTIC, false),
        "neighbor_spoofing", new Policy.CheckPolicy(PolicyAction.TAG, false),
        "velocity", new Policy.CheckPolicy(PolicyAction.REJECT_ANALYTICS, false));
    Policy policy = new Policy(false, 50, 90, List.of(new CallTag.DisplayLabel("SPAM?")),
        Policy.analytics603("https://redress.example.net/sipscreen", Optional.empty(), Optional.empty(),
            "TN"),
        new Verdict.Reject(603, "Decline", List.of()), new Verdict.Reject(403, "Forbidden", List.of()),
        checkPolicies, Map.of());
    return new ScreeningChain(numbers, emergency, allowList, checks, policy);
  }

  // ---------------------------------------------------------------------------------------------------
  // Calls and numbers.

  /** A carrier-style INVITE's headers: PAI and From with a display name, a user=phone Request-URI. */
  private static CallAttempt call(int n, String caller, String callee) {
    String callerUri = "<sip:" + caller + "@carrier.example.com;user=phone>";
    return new CallAttempt("7f3e9b1c-" + n + "@198.51.100.20", PEER,
        "sip:" + callee + "@gw.example.net;user=phone",
        "<sip:" + callee + "@gw.example.net;user=phone>",
        "\"Caller " + n + "\" " + callerUri + ";tag=a73k" + n,
        Optional.of("\"Caller " + n + "\" " + callerUri));
  }

  static CallAttempt call(int n, long caller, long callee) {
    return call(n, "+" + caller, "+" + callee);
  }

  /** Any structurally possible +1 number in an assigned area code (may be on a list). */
  private long anyNanp(SplittableRandom random) {
    while (true) {
      int npa = 200 + random.nextInt(800);
      int nxx = 200 + random.nextInt(800);
      long digits = 10_000_000_000L + npa * 10_000_000L + nxx * 10_000L + random.nextInt(10_000);
      if (assignedNpas.get(npa) && validity.classify(e164(digits)) == NumberValidity.VALID) {
        return digits;
      }
    }
  }

  /** A valid +1 number on no list. */
  private long cleanNumber(SplittableRandom random) {
    while (true) {
      long digits = anyNanp(random);
      PhoneNumber number = e164(digits);
      if (!blockList.contains(number) && !dnoList.contains(number) && !suspectList.contains(number)
          && !allowList.contains(number)) {
        return digits;
      }
    }
  }

  /** A valid callee outside the caller's NPA-NXX. */
  private long calleeElsewhere(SplittableRandom random, long caller) {
    while (true) {
      long callee = anyNanp(random);
      if (callee / 10_000 != caller / 10_000) {
        return callee;
      }
    }
  }

  /** Another line in the caller's NPA-NXX. */
  private static long sameExchange(SplittableRandom random, long caller) {
    while (true) {
      long callee = caller / 10_000 * 10_000 + random.nextInt(10_000);
      if (callee != caller) {
        return callee;
      }
    }
  }

  private static PhoneNumber.E164 e164(long digits) {
    return new PhoneNumber.E164("+" + digits);
  }

  /**
   * The shipped block list entries plus {@code numbers.length} random +1 numbers, written to a temporary
   * file and loaded with {@link NumberList#load}, as the proxy loads screening.block_list.file.
   */
  private NumberList generateBlockList(SplittableRandom random, long[] numbers) throws IOException {
    Path file = Files.createTempFile("sipscreen-block-", ".txt");
    try {
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
        for (String line : Files.readAllLines(CONFIG.resolve("lists/block.txt"),
            StandardCharsets.ISO_8859_1)) {
          out.write(line);
          out.write('\n');
        }
        for (int i = 0; i < numbers.length; i++) {
          numbers[i] = anyNanp(random);
          out.write('+');
          out.write(Long.toString(numbers[i]));
          out.write('\n');
        }
      }
      return NumberList.load(file);
    } finally {
      Files.delete(file);
    }
  }

  /**
   * 100,000 calls, shuffled: 75 % clean, 8 % neighbor-spoofed, 7 % blocklisted, 4 % invalid, 1 % DNO, 1 %
   * the shipped suspect number (tag_list), and 4 % from a campaign of 20 numbers, each calling about 2
   * times a virtual second, which velocity stops at caller_per_minute.
   */
  private Calls buildMix(SplittableRandom random) {
    List<long[]> calls = new ArrayList<>(CALLS);
    long[] campaign = new long[20];
    for (int i = 0; i < campaign.length; i++) {
      campaign[i] = cleanNumber(random);
    }
    for (int i = 0; i < CALLS; i++) {
      int pct = i % 100;
      long caller;
      long callee;
      if (pct < 75) {
        caller = cleanNumber(random);
        callee = calleeElsewhere(random, caller);
      } else if (pct < 83) {
        caller = cleanNumber(random);
        callee = sameExchange(random, caller);
      } else if (pct < 90) {
        int k = random.nextInt(blocked.size());
        caller = blocked.callers[k];
        callee = blocked.callees[k];
      } else if (pct < 94) {
        int k = random.nextInt(invalid.size());
        caller = invalid.callers[k];
        callee = invalid.callees[k];
      } else if (pct < 95) {
        int k = random.nextInt(dno.size());
        caller = dno.callers[k];
        callee = dno.callees[k];
      } else if (pct < 96) {
        caller = 14157630177L; // config/lists/suspect.txt
        callee = calleeElsewhere(random, caller);
      } else {
        caller = campaign[random.nextInt(campaign.length)];
        callee = calleeElsewhere(random, caller);
      }
      calls.add(new long[] {caller, callee});
    }
    Collections.shuffle(calls, new Random(random.nextLong()));
    long[] callers = new long[CALLS];
    long[] callees = new long[CALLS];
    for (int i = 0; i < CALLS; i++) {
      callers[i] = calls.get(i)[0];
      callees[i] = calls.get(i)[1];
    }
    return new Calls(callers, callees);
  }

  // ---------------------------------------------------------------------------------------------------
  // Every case does what it is named for, on a fresh chain with the benchmark's clock.

  private void verify() {
    if (!shippedChain(clock, shippedLimits()).checkNames().equals(List.of("emergency", "source_peer",
        "calling_number", "invalid_number", "do_not_originate", "block_list", "tag_list",
        "neighbor_spoofing", "velocity"))) {
      throw new IllegalStateException("not the shipped chain");
    }
    VirtualClock verifyClock = new VirtualClock();
    ScreeningChain fresh = shippedChain(verifyClock, shippedLimits());
    ScreeningChain freshSystem = shippedChain(Ticker.systemTicker(), shippedLimits());
    for (int lap = 0; lap < 2; lap++) {
      expectAll(fresh, verifyClock, clean, "clean", "forward", Optional.empty(), 0, 0);
      expectAll(fresh, verifyClock, neighbor, "neighbor", "forward", Optional.empty(), 1, 40);
      expectAll(fresh, verifyClock, blocked, "blocked", "reject 603 Decline", Optional.of("block_list"),
          0, 0);
      expectAll(fresh, verifyClock, invalid, "invalid", "reject 603 Decline",
          Optional.of("invalid_number"), 0, 0);
      expectAll(fresh, verifyClock, dno, "dno", "reject 603 Decline", Optional.of("do_not_originate"),
          0, 0);
    }
    for (int i = 0; i < 10; i++) {
      verifyClock.tick();
      fresh.screen(velocity.get(0));
    }
    verifyClock.tick();
    expect(fresh.screen(velocity.get(0)), "velocity", "reject 603 Network Blocked",
        Optional.of("velocity"), 0, 0);
    // The shipped limits on the real clock: repeating one clean call trips velocity.
    ScreeningResult r = null;
    for (int i = 0; i < 10; i++) {
      r = freshSystem.screen(clean.get(0));
    }
    if (!r.decidedBy().equals(Optional.of("velocity"))) {
      throw new IllegalStateException("expected velocity on the system ticker: " + r);
    }
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int lap = 0; lap < 2; lap++) {
      for (int i = 0; i < mix.size(); i++) {
        verifyClock.tick();
        ScreeningResult m = fresh.screen(mix.get(i));
        if (lap == 1) {
          outcomes.merge(describe(m) + " by " + m.decidedBy().orElse("-")
              + (m.tags().isEmpty() ? "" : " tagged"), 1, Integer::sum);
        }
      }
    }
    System.err.println("ScreeningChainBenchmark: " + blockList + "; mix outcomes (second lap): "
        + outcomes);
  }

  private static void expectAll(ScreeningChain chain, VirtualClock clock, Calls calls, String what,
      String action, Optional<String> decidedBy, int tags, int score) {
    for (int i = 0; i < calls.size(); i++) {
      clock.tick();
      expect(chain.screen(calls.get(i)), what, action, decidedBy, tags, score);
    }
  }

  private static void expect(ScreeningResult r, String what, String action, Optional<String> decidedBy,
      int tags, int score) {
    if (!describe(r).equals(action) || !r.decidedBy().equals(decidedBy) || r.tags().size() != tags
        || r.score() != score) {
      throw new IllegalStateException(what + ": unexpected result " + r);
    }
  }

  private static String describe(ScreeningResult r) {
    if (r.action() instanceof ScreeningResult.Action.Reject reject) {
      return "reject " + reject.status() + " " + reject.reasonPhrase();
    }
    return r.action() instanceof ScreeningResult.Action.Drop ? "drop" : "forward";
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
