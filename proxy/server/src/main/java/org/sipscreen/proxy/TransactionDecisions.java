package org.sipscreen.proxy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.sip.SipRequest;

/**
 * The decision on every initial INVITE transaction of the last Timer B (RFC 3261 §17.1.1.2: 64·T1 = 32 s,
 * the longest a client retransmits one INVITE), so that a retransmission gets exactly the first copy's
 * decision instead of a second screening: no check counts it again and no two copies of one transaction get
 * different answers. Stateless still means no dialog state; this is the short-lived transaction memory a
 * stateless proxy needs for that (Kamailio keeps the same in its tm or htable modules).
 *
 * <p>Memory is fixed when the table is built: per stripe, two generations of open-addressed slots, at most
 * half full. A slot holds a 64-bit key, a reference to a decision (calls forwarded without tags share one),
 * the next hop the first copy went to (one of the config's), and what the call stamp of the transaction's
 * forwarded copies is made of (the first copy's arrival time and its peer's name, from the config). So such
 * a call leaves no object of its own here: an object kept for the window would outlive a young collection
 * and then die in the old generation. The current generation becomes the previous one once it is a window
 * old, and the previous one is then forgotten whole, so a decision lives between one and two windows with
 * no time kept per entry (nothing shares a transaction's key once its Timer B has run out). A generation
 * that fills before its window is retired early: the oldest transactions are forgotten and their
 * retransmissions screened again, which is the safe failure (counted, never an error). Thread-safe: each
 * stripe has its own lock, held for a few probes.
 */
final class TransactionDecisions {

  /** RFC 3261 Timer B with the default T1 of 500 ms. */
  static final long TIMER_B_MILLIS = 64 * 500;

  /** Memory per transaction: two slots (load 1/2), in two generations, of key, decision, hop, time, peer. */
  static final int BYTES_PER_ENTRY = 2 * 2 * (8 + 4 + 4 + 8 + 4);

  /** The stamp time of a transaction whose forwarded copies carry no call stamp. */
  static final long NOT_STAMPED = Long.MIN_VALUE;

  private static final int STRIPES = 16;
  /** Slots of the cache that lets calls with equal decisions share one; a power of two. */
  private static final int SHARED_DECISIONS = 256;

  /** What {@link #begin} found for a transaction already seen. */
  sealed interface Seen permits Pending, Decided {}

  /** The first copy is still being screened (an asynchronous check has not answered yet). */
  record Pending() implements Seen {}

  /**
   * What the first copy got, where it went and what its call stamp ({@link CallStamps}) was made of, so
   * that a retransmission is forwarded with the same stamp.
   *
   * @param hop when there are several next hops, the one the first copy went to (so that its
   *     retransmissions, its CANCEL and the ACK of a non-2xx answer follow it even when the hops that are
   *     up changed meanwhile); null with one next hop
   * @param stampMillis when the first copy arrived, or {@link #NOT_STAMPED}
   * @param stampPeer the first copy's peer, or null
   */
  record Decided(Decision decision, NextHop hop, long stampMillis, String stampPeer) implements Seen {}

  /** What the first copy got: the action, and the tags it was forwarded with. */
  record Decision(ScreeningResult.Action action, List<CallTag> tags) {
    Decision {
      Objects.requireNonNull(action, "action");
      tags = List.copyOf(tags);
    }

    static Decision of(ScreeningResult result) {
      if ((result.tags().isEmpty()
          && result.action() instanceof ScreeningResult.Action.Forward)) {
        return FORWARD;
      }
      return new Decision(result.action(), result.tags());
    }
  }

  static final Pending PENDING = new Pending();
  /** A forward without tags: the decision of most calls, shared. */
  static final Decision FORWARD = new Decision(ScreeningResult.Action.FORWARD, List.of());

  private final Stripe[] stripes = new Stripe[STRIPES];
  /**
   * The last decision of each hash slot, other than {@link #FORWARD}; written and read without a lock (a
   * lost write only costs a miss, and a decision's fields are final).
   */
  private final Decision[] shared = new Decision[SHARED_DECISIONS];
  private final LongSupplier millis;
  private final long windowMillis;
  private final java.util.concurrent.atomic.LongAdder earlyRetirements =
      new java.util.concurrent.atomic.LongAdder();

  /**
   * @param entries transactions one generation holds (the table holds up to twice that); at 1,000 new
   *     calls per second a window of 32 s needs 32,000
   * @param windowMillis how long a decision is kept at least (and at most twice that)
   * @param millis the clock, in milliseconds
   */
  TransactionDecisions(int entries, long windowMillis, LongSupplier millis) {
    if (entries < STRIPES) {
      throw new IllegalArgumentException("entries must be at least " + STRIPES + ", was " + entries);
    }
    if (windowMillis < 1) {
      throw new IllegalArgumentException("windowMillis must be positive, was " + windowMillis);
    }
    this.millis = Objects.requireNonNull(millis, "millis");
    this.windowMillis = windowMillis;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe(entries / STRIPES);
    }
  }

  /**
   * The decision for a screening result: {@link #FORWARD} for most calls, else the one an earlier call got
   * when it is equal (the same reject, drop or tags, from the config), so that a flood of rejected or tagged
   * calls does not leave an object per call in the table for its window. Decisions that differ from call
   * to call still get one each.
   */
  Decision decisionOf(ScreeningResult result) {
    Decision d = Decision.of(result);
    if (d == FORWARD) {
      return d;
    }
    int slot = d.hashCode() & (SHARED_DECISIONS - 1);
    Decision known = shared[slot];
    if (d.equals(known)) {
      return known;
    }
    shared[slot] = d;
    return d;
  }

  /**
   * Looks the transaction up and, when it is new, reserves it as {@link #PENDING}: the caller screens it and
   * then calls {@link #decide}. Returns null for a new transaction, else what the first copy left.
   */
  Seen begin(long key) {
    long k = key == 0 ? 1 : key;
    return stripeOf(k).begin(k, millis.getAsLong());
  }

  /** The next hop the transaction's first copy went to: null when none is remembered. */
  NextHop hopOf(long key) {
    long k = key == 0 ? 1 : key;
    return stripeOf(k).hopOf(k);
  }

  /**
   * Records the decision for a transaction {@link #begin} reserved, with the next hop it went to (null with
   * one next hop) and what its call stamp is made of ({@link #NOT_STAMPED} and null when its copies carry
   * none); a no-op once it was forgotten.
   */
  void decide(long key, Decision decision, NextHop hop, long stampMillis, String stampPeer) {
    long k = key == 0 ? 1 : key;
    stripeOf(k).decide(k, Objects.requireNonNull(decision, "decision"), hop, stampMillis, stampPeer);
  }

  /** How often a full generation was retired before its window ended (its transactions forgotten early). */
  long earlyRetirements() {
    return earlyRetirements.sum();
  }

  /**
   * The transaction an initial INVITE belongs to, as a 64-bit hash: the sender's address, the top Via's
   * branch and sent-by, and Call-ID, From tag and CSeq, which every copy of one transaction repeats (RFC
   * 3261 §17.2.3; without an RFC 3261 branch these identify it on their own). The address keeps one source
   * from reaching another's decisions; the Call-ID keeps user agents that reuse a branch from getting an
   * older call's decision.
   */
  static long keyOf(SipRequest request, InetAddress sender) {
    long h = 0xcbf29ce484222325L;
    for (byte b : sender.getAddress()) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = fnv(h, request.topVia().branch());
    h = fnv(h, request.topVia().sentBy());
    h = fnv(h, request.callId());
    h = fnv(h, request.from().tag());
    h = fnv(h, request.message().requestUri());
    long cseq = request.cseq();
    for (int i = 0; i < 8; i++) {
      h = (h ^ (cseq & 0xff)) * 0x100000001b3L;
      cseq >>>= 8;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  private static long fnv(long h, String s) {
    if (s != null) {
      for (int i = 0; i < s.length(); i++) {
        h = (h ^ s.charAt(i)) * 0x100000001b3L;
      }
    }
    return (h ^ 0x10000) * 0x100000001b3L; // a separator no char can be
  }

  private Stripe stripeOf(long k) {
    return stripes[(int) (k >>> 60) & (STRIPES - 1)];
  }

  private final class Stripe {
    private final int capacity;
    private final int mask;
    private Generation current;
    private Generation previous;
    private int size;
    private long generationStart = Long.MIN_VALUE;

    Stripe(int capacity) {
      this.capacity = capacity;
      int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2; // load factor at most 1/2
      this.mask = slots - 1;
      current = new Generation(slots);
      previous = new Generation(slots);
    }

    synchronized Seen begin(long k, long now) {
      if (generationStart == Long.MIN_VALUE || now < generationStart
          || now - generationStart >= 2 * windowMillis) {
        retire(now); // both generations are older than a window
        retire(now);
      } else if (now - generationStart >= windowMillis) {
        retire(now);
      } else if (size >= capacity) {
        earlyRetirements.increment();
        retire(now);
      }
      int slot = current.find(k, mask);
      if (current.keys[slot] == k) {
        return current.seen(slot);
      }
      int old = previous.find(k, mask);
      if (previous.keys[old] == k) {
        return previous.seen(old);
      }
      current.keys[slot] = k; // its decision stays null: pending
      size++;
      return null;
    }

    synchronized NextHop hopOf(long k) {
      int slot = current.find(k, mask);
      if (current.keys[slot] == k) {
        return current.hops[slot];
      }
      int old = previous.find(k, mask);
      return previous.keys[old] == k ? previous.hops[old] : null;
    }

    synchronized void decide(long k, Decision decision, NextHop hop, long stampMillis, String stampPeer) {
      int slot = current.find(k, mask);
      if (current.keys[slot] == k) {
        current.set(slot, decision, hop, stampMillis, stampPeer);
        return;
      }
      int old = previous.find(k, mask);
      if (previous.keys[old] == k) {
        previous.set(old, decision, hop, stampMillis, stampPeer);
      }
    }

    /** The current generation becomes the previous one; the previous one is cleared and reused. */
    private void retire(long now) {
      Generation cleared = previous.clear();
      previous = current;
      current = cleared;
      size = 0;
      generationStart = now;
    }
  }

  /** One generation's slots, as parallel arrays: a key of 0 is an empty slot, a null decision a pending one. */
  private static final class Generation {
    final long[] keys;
    final Decision[] decisions;
    final NextHop[] hops;
    final long[] stampMillis;
    final String[] stampPeers;

    Generation(int slots) {
      keys = new long[slots];
      decisions = new Decision[slots];
      hops = new NextHop[slots];
      stampMillis = new long[slots];
      stampPeers = new String[slots];
    }

    int find(long k, int mask) {
      int slot = (int) (k ^ (k >>> 32)) & mask;
      while (keys[slot] != 0 && keys[slot] != k) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }

    Seen seen(int slot) {
      Decision d = decisions[slot];
      return d == null ? PENDING : new Decided(d, hops[slot], stampMillis[slot], stampPeers[slot]);
    }

    void set(int slot, Decision decision, NextHop hop, long millis, String peer) {
      decisions[slot] = decision;
      hops[slot] = hop;
      stampMillis[slot] = millis;
      stampPeers[slot] = peer;
    }

    Generation clear() {
      Arrays.fill(keys, 0);
      Arrays.fill(decisions, null);
      Arrays.fill(hops, null);
      Arrays.fill(stampPeers, null);
      return this;
    }
  }
}
