package org.sipscreen.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.check.reputation.ReputationFeed;

/**
 * Lookup cost in CPU time of the calling thread, for a machine shared with other work, where
 * {@link ListBenchmark}'s wall-clock averages mostly measure time spent waiting for a CPU: the same lists
 * and probes as ListBenchmark (half listed, half random numbers, random order), 4 million lookups per
 * round, 7 rounds; prints the best and the median round in ns per lookup, the same lookups of listed
 * numbers only (hits) and of unlisted numbers only (misses, what most of a blocklist's lookups are), the
 * exact lookup and one read with each probe chosen by the previous result (no overlapping misses), and
 * two baselines: reading the probe's digits alone, and the digits plus one random read of an int array as
 * large as the list's keys (one cache miss to memory). Run:
 * {@code java -Xmx4g -cp loadtest/jmh/target/benchmarks.jar org.sipscreen.bench.ListLookupTime 1000000
 * 10000000 20000000}.
 */
public final class ListLookupTime {

  private static final int ROUNDS = 7;
  private static final int LOOKUPS = 4_000_000;
  private static final int PROBES = 1 << 16;
  private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

  private ListLookupTime() {}

  interface Lookup {
    int run(PhoneNumber number);
  }

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("sipscreen-lookup-");
    try {
      Path prefixFile = dir.resolve("prefixes.txt");
      long[][] prefixes = ListFiles.writePrefixList(prefixFile, ListBenchmark.PREFIXES, 20261130L);
      NumberList prefixList = NumberList.load(prefixFile);
      Files.delete(prefixFile);
      SplittableRandom random = new SplittableRandom(43);
      PhoneNumber[] prefixProbes = new PhoneNumber[PROBES];
      for (int i = 0; i < PROBES; i++) {
        long[] p = prefixes[random.nextInt(prefixes.length)];
        long n = ListFiles.number(random);
        if ((i & 1) == 0) {
          int length = Math.max(11, (int) p[1] + 1);
          n = p[0] * ListFiles.pow10(length - (int) p[1])
              + random.nextLong(ListFiles.pow10(length - (int) p[1]));
        }
        prefixProbes[i] = ListBenchmark.e164(n);
      }
      System.out.println("| lookup | list entries | best ns | median ns |");
      System.out.println("|---|---|---|---|");
      print("longest-prefix match, " + prefixList.prefixCount() + " prefixes", prefixList.prefixCount(),
          measure(prefixProbes, prefixList::longestPrefixMatch));
      for (String arg : args) {
        int entries = Integer.parseInt(arg.replace("_", ""));
        Path listFile = dir.resolve("block.txt");
        Path feedFile = dir.resolve("feed.csv");
        long[] numbers = ListFiles.writeNumberList(listFile, entries, 20261128L);
        long[] feedNumbers = ListFiles.writeReputationFeed(feedFile, entries, 20261129L);
        NumberList list = NumberList.load(listFile);
        ReputationFeed feed = ReputationFeed.load(feedFile);
        Files.delete(listFile);
        Files.delete(feedFile);
        PhoneNumber[] probes = new PhoneNumber[PROBES];
        PhoneNumber[] feedProbes = new PhoneNumber[PROBES];
        PhoneNumber[] hits = new PhoneNumber[PROBES];
        PhoneNumber[] misses = new PhoneNumber[PROBES];
        PhoneNumber[] feedHits = new PhoneNumber[PROBES];
        PhoneNumber[] feedMisses = new PhoneNumber[PROBES];
        for (int i = 0; i < PROBES; i++) {
          boolean hit = (i & 1) == 0;
          probes[i] = ListBenchmark.e164(hit ? numbers[random.nextInt(numbers.length)]
              : ListFiles.number(random));
          feedProbes[i] = ListBenchmark.e164(hit ? feedNumbers[random.nextInt(feedNumbers.length)]
              : ListFiles.number(random));
          hits[i] = ListBenchmark.e164(numbers[random.nextInt(numbers.length)]);
          feedHits[i] = ListBenchmark.e164(feedNumbers[random.nextInt(feedNumbers.length)]);
          do {
            misses[i] = ListBenchmark.e164(ListFiles.number(random));
          } while (list.containsExact(misses[i]));
          do {
            feedMisses[i] = ListBenchmark.e164(ListFiles.number(random));
          } while (feed.indexOf(feedMisses[i]) >= 0);
        }
        numbers = null;
        feedNumbers = null;
        print("baseline: the probe's digits only", 0,
            measure(probes, n -> (int) ((PhoneNumber.E164) n).digitsAsLong()));
        int[] memory = new int[entries];
        print("baseline: digits + one random read of an int[" + entries + "]", 0,
            measure(probes, n -> memory[(int) (((((PhoneNumber.E164) n).digitsAsLong() * 0x9E3779B1L)
                >>> 1) % entries)]));
        print("exact (containsExact)", list.exactCount(),
            measure(probes, n -> list.containsExact(n) ? 1 : 0));
        print("baseline, each probe chosen by the previous result: one read", 0,
            measureChained(probes, n -> memory[(int) (((((PhoneNumber.E164) n).digitsAsLong() * 0x9E3779B1L)
                >>> 1) % entries)]));
        print("exact, each probe chosen by the previous result", list.exactCount(),
            measureChained(probes, n -> list.containsExact(n) ? 1 : -1));
        print("reputation (indexOf)", feed.size(), measure(feedProbes, feed::indexOf));
        print("exact, listed numbers only (hits)", list.exactCount(),
            measure(hits, n -> list.containsExact(n) ? 1 : 0));
        print("exact, unlisted numbers only (misses)", list.exactCount(),
            measure(misses, n -> list.containsExact(n) ? 1 : 0));
        print("reputation, listed only (hits)", feed.size(), measure(feedHits, feed::indexOf));
        print("reputation, unlisted only (misses)", feed.size(), measure(feedMisses, feed::indexOf));
      }
    } finally {
      Files.deleteIfExists(dir);
    }
  }

  private static double[] measure(PhoneNumber[] probes, Lookup lookup) {
    double[] nanos = new double[ROUNDS];
    long sink = 0;
    for (int r = -2; r < ROUNDS; r++) { // two rounds of warm-up
      long start = THREAD.getCurrentThreadCpuTime();
      for (int i = 0; i < LOOKUPS; i++) {
        sink += lookup.run(probes[i & (PROBES - 1)]);
      }
      if (r >= 0) {
        nanos[r] = (double) (THREAD.getCurrentThreadCpuTime() - start) / LOOKUPS;
      }
    }
    if (sink == 42) {
      System.out.println("(sink)");
    }
    Arrays.sort(nanos);
    return nanos;
  }

  /**
   * As {@link #measure}, but the next probe depends on this lookup's result, so that no two lookups'
   * cache misses overlap: the latency one lookup has among other work, as in the proxy.
   */
  private static double[] measureChained(PhoneNumber[] probes, Lookup lookup) {
    double[] nanos = new double[ROUNDS];
    long sink = 0;
    for (int r = -2; r < ROUNDS; r++) {
      long start = THREAD.getCurrentThreadCpuTime();
      int probe = 0;
      for (int i = 0; i < LOOKUPS; i++) {
        int result = lookup.run(probes[probe]);
        sink += result;
        probe = (probe + 1 + (result >>> 31)) & (PROBES - 1);
      }
      if (r >= 0) {
        nanos[r] = (double) (THREAD.getCurrentThreadCpuTime() - start) / LOOKUPS;
      }
    }
    if (sink == 42) {
      System.out.println("(sink)");
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private static void print(String what, int entries, double[] nanos) {
    System.out.println(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f |", what, entries, nanos[0],
        nanos[ROUNDS / 2]));
  }
}
