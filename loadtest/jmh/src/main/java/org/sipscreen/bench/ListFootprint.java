package org.sipscreen.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.check.reputation.ReputationFeed;

/**
 * Heap per number of a loaded block list and reputation feed (issue 5: at most 16 bytes), measured by
 * walking the loaded snapshot's object graph with JOL's {@link GraphLayout}, next to the load's wall-clock
 * and CPU time (of the loading thread: on a shared machine the fairer figure), the bytes it allocated
 * (garbage the collector must clear while the proxy runs) and the heap it needed at its peak (sum of the
 * heap pools' peak usage above the level before the load, an upper bound). Run with the sizes to measure, one JVM for all:
 * {@code java -Xmx4g -cp loadtest/jmh/target/benchmarks.jar org.sipscreen.bench.ListFootprint 1000000
 * 10000000 20000000}.
 */
public final class ListFootprint {

  private ListFootprint() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("sipscreen-footprint-");
    try {
      System.out.println("| list | entries | loaded entries | load ms | load CPU ms | allocated MB"
          + " | retained bytes (JOL) | bytes/number | peak extra heap during load MB |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      for (String arg : args) {
        int entries = Integer.parseInt(arg.replace("_", ""));
        Path list = dir.resolve("block.txt");
        Path feed = dir.resolve("feed.csv");
        ListFiles.writeNumberList(list, entries, 20261128L);
        ListFiles.writeReputationFeed(feed, entries, 20261129L);
        NumberList.load(list); // warm up the loader's code, as a running proxy's reload would find it
        measure("number list", entries, () -> NumberList.load(list), o -> ((NumberList) o).exactCount());
        Files.delete(list);
        ReputationFeed.load(feed);
        measure("reputation feed", entries, () -> ReputationFeed.load(feed),
            o -> ((ReputationFeed) o).size());
        Files.delete(feed);
      }
    } finally {
      Files.deleteIfExists(dir);
    }
  }

  interface Loader {
    Object load() throws IOException;
  }

  interface Counter {
    int count(Object loaded);
  }

  private static void measure(String what, int entries, Loader loader, Counter counter)
      throws IOException {
    List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    System.gc();
    System.gc();
    long before = pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    com.sun.management.ThreadMXBean thread =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocatedBefore = thread.getCurrentThreadAllocatedBytes();
    long cpuBefore = thread.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    Object loaded = loader.load();
    long millis = (System.nanoTime() - start) / 1_000_000;
    long cpuMillis = (thread.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000;
    long allocated = thread.getCurrentThreadAllocatedBytes() - allocatedBefore;
    long peak = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    long retained = GraphLayout.parseInstance(loaded).totalSize();
    int count = counter.count(loaded);
    System.out.println(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %,d | %,d | %.2f | %,d |",
        what, entries, count, millis, cpuMillis, allocated >> 20, retained, (double) retained / count,
        (peak - before) >> 20));
  }
}
