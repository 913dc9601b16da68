package org.sipscreen.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.velocity.SequentialDialing;
import org.sipscreen.screening.check.velocity.VelocityCheck;
import org.sipscreen.screening.check.velocity.VelocityLimits;

/**
 * Heap per tracked caller of the velocity check with the shipped limits (caller_per_second 5, per_minute
 * 60, per_hour 1000, sequential_dialing 10 in 60 s, max_tracked_numbers 1,000,000): fills it with N
 * distinct callers, each placing two calls to ascending numbers (so each caller has a dialing run of two,
 * the largest per-caller state), then reports the heap in use after a full GC above the level before, and
 * the top of the JVM's class histogram ({@code GC.class_histogram}, the same as {@code jcmd PID
 * GC.class_histogram}). Run: {@code java -Xmx2g -cp loadtest/jmh/target/benchmarks.jar
 * org.sipscreen.bench.VelocityFootprint 1000000}.
 */
public final class VelocityFootprint {

  private VelocityFootprint() {}

  public static void main(String[] args) throws Exception {
    int callers = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    Ticker ticker = nanos::get;
    VelocityLimits limits = VelocityLimits.NONE.withCallerPerSecond(5).withCallerPerMinute(60)
        .withCallerPerHour(1000).withSequentialDialing(new SequentialDialing(10, Duration.ofSeconds(60), 1));
    List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    // Built before the baseline: what a check costs with nothing tracked is not per caller.
    VelocityCheck check = new VelocityCheck(limits, Map.of(), 60, 1_000_000, ticker);
    InetAddress peer = InetAddress.getLoopbackAddress();
    System.gc();
    System.gc();
    long before = pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    long flagged = 0;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < callers; i++) {
        long caller = 12_022_000_000L + i;
        String callerUri = "<sip:+" + caller + "@carrier.example.com;user=phone>";
        CallAttempt attempt = new CallAttempt("c" + i, peer,
            "sip:+" + (13_015_550_000L + round) + "@gw.example.net;user=phone",
            "<sip:+13015550000@gw.example.net;user=phone>", callerUri + ";tag=a" + i, Optional.empty());
        ScreenedCall call = new ScreenedCall(attempt, PhoneNumbers.NANP, NumberList.EMPTY);
        if (check.check(call) != Verdict.CONTINUE) {
          flagged++;
        }
        nanos.addAndGet(1_000); // 1 µs per call: every caller stays within all windows
      }
    }
    System.gc();
    System.gc();
    long after = pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    long tracked = check.trackedCallers();
    System.out.println(String.format(Locale.ROOT,
        "callers %,d, tracked %,d, flagged %,d, heap after GC %,d -> %,d bytes: %.1f bytes per tracked caller",
        callers, tracked, flagged, before, after, (double) (after - before) / tracked));
    String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {null}, new String[] {String[].class.getName()});
    histogram.lines().limit(16).forEach(System.out::println);
    System.out.println("(check still reachable: " + check.name() + ")");
  }
}
