package org.sipscreen.transport;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the memory all SIP TCP connections together hold in messages not yet whole. Each connection's
 * framer holds at most {@code sip.max_message_size}; many connections holding half-sent messages could
 * still take all direct memory. When what they hold in all goes over the budget, the connection whose
 * partial message is the oldest is closed (a message that arrives whole takes milliseconds; one still
 * incomplete after the others is the likeliest to be an attack, and is the one a sender stalls), again
 * until the total is back within the budget.
 */
public final class TcpBufferBudget {

  private final long budget;
  private final Runnable onEvicted;
  private final AtomicLong held = new AtomicLong();
  /** Bytes of connections being closed for the budget and not yet released. */
  private final AtomicLong leaving = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private final Set<Partial> partials = ConcurrentHashMap.newKeySet();

  /**
   * @param budget bytes all connections may hold in incomplete messages
   * @param onEvicted counts a connection closed for the budget
   */
  public TcpBufferBudget(long budget, Runnable onEvicted) {
    this.budget = budget;
    this.onEvicted = onEvicted;
  }

  /** No budget: for tests and tools. */
  static TcpBufferBudget unlimited() {
    return new TcpBufferBudget(Long.MAX_VALUE, () -> {});
  }

  /** One connection's incomplete message, from its first byte held to its release. */
  final class Partial {
    private final Channel channel;
    private final long order = sequence.getAndIncrement();
    private long bytes;
    private volatile boolean evicted;

    private Partial(Channel channel) {
      this.channel = channel;
    }

    /** The framer now holds {@code now} bytes of this message (called on the connection's event loop). */
    void hold(long now) {
      long delta;
      synchronized (this) {
        delta = now - bytes;
        bytes = now;
        if (evicted) {
          leaving.addAndGet(delta);
        }
      }
      if (held.addAndGet(delta) - leaving.get() > budget) {
        evictOldest();
      }
    }

    /** The message is whole, or the connection gone: its bytes no longer count. */
    void release() {
      if (!partials.remove(this)) {
        return;
      }
      synchronized (this) {
        held.addAndGet(-bytes);
        if (evicted) {
          leaving.addAndGet(-bytes);
        }
        bytes = 0;
      }
    }
  }

  /** A partial message begins on {@code channel}. */
  Partial start(Channel channel) {
    Partial p = new Partial(channel);
    partials.add(p);
    return p;
  }

  private void evictOldest() {
    while (held.get() - leaving.get() > budget) {
      Partial oldest = null;
      for (Partial p : partials) {
        if (!p.evicted && (oldest == null || p.order < oldest.order)) {
          oldest = p;
        }
      }
      if (oldest == null) {
        return;
      }
      synchronized (oldest) {
        if (oldest.evicted) {
          continue;
        }
        oldest.evicted = true;
        leaving.addAndGet(oldest.bytes);
      }
      onEvicted.run();
      oldest.channel.close();
    }
  }

  /** Bytes held in incomplete messages now. */
  public long held() {
    return held.get();
  }

  public long budget() {
    return budget;
  }
}
