package org.sipscreen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.check.reputation.ReputationFeed;

/**
 * Lists at carrier scale (issue 5): how long a block list and a reputation feed of 1, 10 and 20 million
 * numbers take to load from a file ({@link NumberList#load}, {@link ReputationFeed#load}, one shot each),
 * and what one lookup costs in them: an exact lookup ({@code containsExact}, half hits, half misses, in
 * random order, so that most lookups miss the CPU caches as a carrier's traffic does), a reputation
 * lookup ({@code indexOf}), and a longest-prefix match in a list of 100,000 prefixes of 4-11 digits. The
 * files are generated into a temporary folder by {@link ListFiles} at set-up and deleted at tear-down.
 * Heap per number is measured by {@link ListFootprint}. Run:
 * {@code java -jar loadtest/jmh/target/benchmarks.jar ListBenchmark}.
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class ListBenchmark {

  static final int PROBES = 1 << 16;
  static final int PREFIXES = 100_000;

  /** The generated files of one size. */
  @State(Scope.Benchmark)
  public static class GeneratedFiles {
    @Param({"1000000", "10000000", "20000000"})
    public int entries;

    Path dir;
    Path numberList;
    Path reputationFeed;
    long[] numbers;

    @Setup(Level.Trial)
    public void write() throws IOException {
      dir = Files.createTempDirectory("sipscreen-lists-");
      numberList = dir.resolve("block.txt");
      reputationFeed = dir.resolve("feed.csv");
      numbers = ListFiles.writeNumberList(numberList, entries, 20261128L);
      ListFiles.writeReputationFeed(reputationFeed, entries, 20261129L);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
      Files.deleteIfExists(numberList);
      Files.deleteIfExists(reputationFeed);
      Files.deleteIfExists(dir);
    }
  }

  /** Loaded lists and random probes: half listed numbers, half random (almost all unlisted). */
  @State(Scope.Benchmark)
  public static class Loaded {
    NumberList blockList;
    NumberList prefixList;
    ReputationFeed feed;
    PhoneNumber[] exactProbes;
    PhoneNumber[] prefixProbes;
    PhoneNumber[] feedProbes;

    @Setup(Level.Trial)
    public void load(GeneratedFiles files) throws IOException {
      blockList = NumberList.load(files.numberList);
      feed = ReputationFeed.load(files.reputationFeed);
      Path prefixFile = files.dir.resolve("prefixes.txt");
      long[][] prefixes = ListFiles.writePrefixList(prefixFile, PREFIXES, 20261130L);
      prefixList = NumberList.load(prefixFile);
      Files.delete(prefixFile);

      SplittableRandom random = new SplittableRandom(42);
      exactProbes = new PhoneNumber[PROBES];
      prefixProbes = new PhoneNumber[PROBES];
      feedProbes = new PhoneNumber[PROBES];
      int exactHits = 0;
      int prefixHits = 0;
      for (int i = 0; i < PROBES; i++) {
        boolean hit = (i & 1) == 0;
        long exact = hit ? files.numbers[random.nextInt(files.numbers.length)]
            : ListFiles.number(random);
        exactProbes[i] = e164(exact);
        exactHits += blockList.containsExact(exactProbes[i]) ? 1 : 0;
        long[] p = prefixes[random.nextInt(prefixes.length)];
        long n = ListFiles.number(random);
        if (hit) { // extend a listed prefix to a full number of 11-15 digits
          int length = Math.max(11, (int) p[1] + 1);
          n = p[0] * ListFiles.pow10(length - (int) p[1]) + random.nextLong(ListFiles.pow10(length
              - (int) p[1]));
        }
        prefixProbes[i] = e164(n);
        prefixHits += prefixList.longestPrefixMatch(prefixProbes[i]) > 0 ? 1 : 0;
      }
      for (int i = 0; i < PROBES; i++) {
        feedProbes[i] = exactProbes[(int) ((i * 40503L) & (PROBES - 1))];
      }
      System.out.println("\n" + blockList + " (" + exactHits + " of " + PROBES + " probes listed), "
          + feed + ", " + prefixList + " (" + prefixHits + " of " + PROBES + " probes match)");
    }
  }

  /** Which probe the next invocation uses. */
  @State(Scope.Thread)
  public static class Cursor {
    int i;
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public NumberList loadNumberList(GeneratedFiles files) throws IOException {
    return NumberList.load(files.numberList);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public ReputationFeed loadReputationFeed(GeneratedFiles files) throws IOException {
    return ReputationFeed.load(files.reputationFeed);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 2, time = 1)
  @Measurement(iterations = 3, time = 2)
  public boolean exactLookup(Loaded lists, Cursor cursor) {
    return lists.blockList.containsExact(lists.exactProbes[cursor.i++ & (PROBES - 1)]);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 2, time = 1)
  @Measurement(iterations = 3, time = 2)
  public int reputationLookup(Loaded lists, Cursor cursor) {
    return lists.feed.indexOf(lists.feedProbes[cursor.i++ & (PROBES - 1)]);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 2, time = 1)
  @Measurement(iterations = 3, time = 2)
  public int longestPrefixMatch(Loaded lists, Cursor cursor) {
    return lists.prefixList.longestPrefixMatch(lists.prefixProbes[cursor.i++ & (PROBES - 1)]);
  }

  static PhoneNumber.E164 e164(long digits) {
    return new PhoneNumber.E164("+" + digits);
  }
}
