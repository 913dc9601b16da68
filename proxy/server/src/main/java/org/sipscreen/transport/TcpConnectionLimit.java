package org.sipscreen.transport;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.sipscreen.flood.SourceKey;

/**
 * Admits accepted SIP TCP connections: at most {@code total} open in all, and at most {@code perSource}
 * from one source address (an IPv4 address or an IPv6 /64), {@code perPeerSource} when the address is in
 * a peer's networks. Addresses outside every peer's networks share at most {@link #strangersTotal} of the
 * total, so the last tenth stays for peers however many strangers connect. A connection over a limit is the
 * one closed, at once and before it is read: the connections already open, a peer's among them, are never
 * taken away by a newcomer.
 */
public final class TcpConnectionLimit {

  /** Why a new connection was closed, as the metric labels it. */
  public static final String TOTAL = "total_limit";
  public static final String PER_SOURCE = "per_source_limit";

  private final int total;
  private final int perSource;
  private final int perPeerSource;
  private volatile Predicate<InetAddress> isPeer;
  private final Consumer<String> onRefused;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<Long, Integer> bySource = new ConcurrentHashMap<>();

  /**
   * @param isPeer whether an address is in a peer's networks (replaced on reload with {@link #peers})
   * @param onRefused counts a refused connection by reason ({@link #TOTAL}, {@link #PER_SOURCE})
   */
  public TcpConnectionLimit(int total, int perSource, int perPeerSource, Predicate<InetAddress> isPeer,
      Consumer<String> onRefused) {
    this.total = total;
    this.perSource = perSource;
    this.perPeerSource = perPeerSource;
    this.isPeer = isPeer;
    this.onRefused = onRefused;
  }

  /** No limit but the largest int: for tests and tools that open a handful of connections. */
  static TcpConnectionLimit none() {
    return new TcpConnectionLimit(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, a -> false, r -> {});
  }

  /** The peers' networks of a new config. */
  public void peers(Predicate<InetAddress> isPeer) {
    this.isPeer = isPeer;
  }

  /**
   * Counts a newly accepted connection and releases it when it closes; false, with the connection closed
   * and counted, when it is over a limit.
   */
  boolean admit(Channel ch) {
    if (!(ch.remoteAddress() instanceof InetSocketAddress remote)) {
      return true;
    }
    InetAddress address = remote.getAddress();
    boolean peer = isPeer.test(address);
    if (open.incrementAndGet() > (peer ? total : strangersTotal())) {
      open.decrementAndGet();
      refuse(ch, TOTAL);
      return false;
    }
    int max = peer ? perPeerSource : perSource;
    long key = SourceKey.of(address);
    boolean[] admitted = {false};
    bySource.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        return n;
      }
      admitted[0] = true;
      return now + 1;
    });
    if (!admitted[0]) {
      open.decrementAndGet();
      refuse(ch, PER_SOURCE);
      return false;
    }
    ch.closeFuture().addListener(f -> {
      bySource.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
      open.decrementAndGet();
    });
    return true;
  }

  private void refuse(Channel ch, String reason) {
    onRefused.accept(reason);
    ch.close();
  }

  /** Accepted connections open now. */
  public int open() {
    return open.get();
  }

  /** Connections open now from the source of {@code address}. */
  int openFrom(InetAddress address) {
    return bySource.getOrDefault(SourceKey.of(address), 0);
  }

  public int total() {
    return total;
  }

  /** What connections from outside every peer's networks may take of the total: all but a tenth of it. */
  public int strangersTotal() {
    return total - total / 10;
  }
}
