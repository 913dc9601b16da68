package org.sipscreen.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
import org.sipscreen.flood.FloodControl;
import org.sipscreen.flood.FloodPolicy;
import org.sipscreen.flood.MemoryBanStore;

/**
 * What flood control costs per received request, on the real ticker: a peer's request under its limit
 * (the path every legitimate request takes), a request of a banned source (the path a flood takes), one
 * from a source among 50,000 that each send a few (a spread flood that fills the table), and flood control
 * off. Compare with ProxyPathBenchmark's time per call (six messages).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FloodControlBenchmark {

  private FloodControl on;
  private FloodControl off;
  private InetAddress peer;
  private InetAddress banned;
  private InetAddress[] spread;
  private int next;

  @Setup
  public void setUp() throws UnknownHostException {
    on = new FloodControl(new MemoryBanStore(Ticker.systemTicker(), Clock.systemUTC(), 65_536),
        Ticker.systemTicker(), uri -> false);
    on.apply(Optional.of(new FloodPolicy(Duration.ofSeconds(1), 500, Duration.ofHours(1), 65_536,
        Map.of("local", List.of("127.0.0.1/32"), "carrier-a", List.of("198.51.100.0/24")),
        Map.of("local", Integer.MAX_VALUE >> 1), Map.of(), List.of())));
    off = FloodControl.off();
    peer = InetAddress.getByName("127.0.0.1");
    banned = InetAddress.getByName("192.0.2.66");
    for (int i = 0; i < 1000; i++) {
      on.admit(banned);
    }
    spread = new InetAddress[50_000];
    for (int i = 0; i < spread.length; i++) {
      spread[i] = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }
  }

  @Benchmark
  public FloodControl.Admission peerUnderItsLimit() {
    return on.admit(peer);
  }

  @Benchmark
  public FloodControl.Admission bannedSource() {
    return on.admit(banned);
  }

  @Benchmark
  public FloodControl.Admission spreadOver50000Sources() {
    InetAddress a = spread[next];
    next = next + 1 == spread.length ? 0 : next + 1;
    return on.admit(a);
  }

  @Benchmark
  public FloodControl.Admission off() {
    return off.admit(peer);
  }
}
