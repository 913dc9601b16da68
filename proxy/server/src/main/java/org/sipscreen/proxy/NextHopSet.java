package org.sipscreen.proxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.sipscreen.screening.PeerTable;

/**
 * The next hops initial requests go to: each with a priority (lower is preferred, as in DNS SRV) and a
 * weight within its priority, and how they are probed. Immutable; which hops are up is {@link NextHopHealth}'s
 * business.
 *
 * <p>Selection is a weighted rendezvous hash of the transaction key over the up hops of the best priority
 * that has one. The same key always gives the same hop while the set of up hops is the same, so the copies
 * of an INVITE, its CANCEL and the ACK of a non-2xx answer (which share the key) reach the hop the INVITE
 * reached, with no state kept; and when a hop goes down or comes back only the transactions that rank that
 * hop first move.
 */
public record NextHopSet(List<Member> members, Optional<Probing> probing, List<NextHopName> names,
    PeerTable nameNetworks) {

  /**
   * One next hop.
   *
   * @param uri the URI as configured, or for a hop a name resolved to, its address as a URI; it names the
   *     hop in metrics, logs and the admin API
   * @param priority lower values are tried first
   * @param weight the share of its priority's calls, relative to the other hops of that priority
   * @param source the configured URI the hop comes from: {@code uri} itself, or the {@link NextHopName}'s
   */
  public record Member(String uri, NextHop hop, int priority, int weight, String source) {
    public Member {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(hop, "hop");
      Objects.requireNonNull(source, "source");
      if (priority < 0 || priority > 65_535) {
        throw new IllegalArgumentException("priority must be 0-65535, was " + priority);
      }
      if (weight < 1 || weight > 65_535) {
        throw new IllegalArgumentException("weight must be 1-65535, was " + weight);
      }
    }

    /** A hop configured as an address. */
    public Member(String uri, NextHop hop, int priority, int weight) {
      this(uri, hop, priority, weight, uri);
    }

    /** Whether the hop is an address a {@link NextHopName} resolved to. */
    public boolean resolved() {
      return !source.equals(uri);
    }
  }

  /**
   * OPTIONS keepalive probing (Kamailio dispatcher's ds_ping_interval with its threshold and latency).
   *
   * @param intervalMillis time between two probes of one hop
   * @param timeoutMillis a probe not answered within this is a failure
   * @param failuresToDown consecutive failures that take an up hop down
   * @param successesToUp consecutive successes that bring a down hop back
   */
  public record Probing(long intervalMillis, long timeoutMillis, int failuresToDown, int successesToUp) {
    public Probing {
      if (intervalMillis < 100) {
        throw new IllegalArgumentException("intervalMillis must be at least 100, was " + intervalMillis);
      }
      if (timeoutMillis < 50 || timeoutMillis > intervalMillis) {
        throw new IllegalArgumentException("timeoutMillis must be 50 to intervalMillis (" + intervalMillis
            + "), was " + timeoutMillis);
      }
      if (failuresToDown < 1 || failuresToDown > 100) {
        throw new IllegalArgumentException("failuresToDown must be 1-100, was " + failuresToDown);
      }
      if (successesToUp < 1 || successesToUp > 100) {
        throw new IllegalArgumentException("successesToUp must be 1-100, was " + successesToUp);
      }
    }
  }

  /**
   * @param members the hops requests go to: the configured addresses, and the addresses the names resolved
   *     to; empty only before the names resolved
   * @param names the configured hops that name hosts, resolved off the event loops ({@link #withAnswers})
   * @param nameNetworks the networks an address a name resolves to must be in ({@code next_hop_networks});
   *     one outside is refused
   */
  public NextHopSet {
    members = List.copyOf(members);
    names = List.copyOf(names);
    Objects.requireNonNull(nameNetworks, "nameNetworks");
    if (members.isEmpty() && names.isEmpty()) {
      throw new IllegalArgumentException("at least one next hop is required");
    }
    Objects.requireNonNull(probing, "probing");
    List<NextHop> seen = new ArrayList<>();
    for (Member m : members) {
      if (seen.contains(m.hop())) {
        throw new IllegalArgumentException("next hop " + m.uri() + " is listed twice");
      }
      seen.add(m.hop());
    }
    // Ordered by priority once, so selection walks the list and stops at the first priority with an up hop.
    members = members.stream().sorted(Comparator.comparingInt(Member::priority)).toList();
  }

  /** Hops configured as addresses only. */
  public NextHopSet(List<Member> members, Optional<Probing> probing) {
    this(members, probing, List.of(), PeerTable.EMPTY);
  }

  /** One hop, never probed: what {@code routing.default_route} alone configures. */
  public static NextHopSet of(String uri, NextHop hop) {
    return new NextHopSet(List.of(new Member(uri, hop, 0, 1)), Optional.empty());
  }

  /**
   * This set with the names' hops as {@code answers} has them: the configured addresses first, then each
   * name's addresses that are inside {@link #nameNetworks} and not already a hop. A name without an answer
   * has no hop.
   */
  public NextHopSet withAnswers(NextHopAnswers answers) {
    if (names.isEmpty()) {
      return this;
    }
    List<Member> next = new ArrayList<>();
    java.util.Set<NextHop> seen = new java.util.HashSet<>();
    for (Member m : members) {
      if (!m.resolved()) {
        next.add(m);
        seen.add(m.hop());
      }
    }
    for (NextHopName name : names) {
      for (Member m : answers.hops(name)) {
        if (ProxySettings.mayReach(nameNetworks, m.hop().address().getAddress()) && seen.add(m.hop())) {
          next.add(m);
        }
      }
    }
    return new NextHopSet(next, probing, names, nameNetworks);
  }

  /** Whether {@code address}, which a name resolved to, may be a hop (it is in {@code next_hop_networks}). */
  public boolean mayResolveTo(java.net.InetAddress address) {
    return ProxySettings.mayReach(nameNetworks, address);
  }

  /** The hop of the best priority with the greatest weight (the first listed on a tie). */
  public NextHop first() {
    if (members.isEmpty()) {
      throw new IllegalStateException("no next hop has resolved");
    }
    Member best = members.get(0);
    for (Member m : members) {
      if (m.priority() == best.priority() && m.weight() > best.weight()) {
        best = m;
      }
    }
    return best.hop();
  }

  /**
   * The hop for the transaction {@code key}: among the up hops of the best priority that has one, the one
   * with the highest weighted rendezvous score. When no hop is up, the same choice over the best priority's
   * hops as if all were up (probing may be wrong, and an emergency call must still go somewhere).
   */
  public NextHop select(long key, Predicate<NextHop> up) {
    Member chosen = best(key, up);
    return chosen != null ? chosen.hop() : best(key, hop -> true).hop();
  }

  /**
   * As {@link #select(long, Predicate)} among the hops {@code eligible} accepts only (the TLS hops of a
   * {@code sips:} request), or null when it accepts none.
   */
  public NextHop select(long key, Predicate<NextHop> up, Predicate<NextHop> eligible) {
    Member chosen = best(key, eligible.and(up));
    if (chosen == null) {
      chosen = best(key, eligible);
    }
    return chosen == null ? null : chosen.hop();
  }

  /** Whether {@code up} holds for none of the hops. */
  public boolean noneUp(Predicate<NextHop> up) {
    for (Member m : members) {
      if (up.test(m.hop())) {
        return false;
      }
    }
    return true;
  }

  private Member best(long key, Predicate<NextHop> up) {
    Member chosen = null;
    double chosenScore = 0;
    int priority = -1;
    for (Member m : members) {
      if (chosen != null && m.priority() != priority) {
        break; // the best priority with an up hop has been scored whole
      }
      if (!up.test(m.hop())) {
        continue;
      }
      priority = m.priority();
      double score = score(key, m);
      if (chosen == null || score > chosenScore) {
        chosen = m;
        chosenScore = score;
      }
    }
    return chosen;
  }

  /**
   * Weighted rendezvous (highest random weight) score: {@code weight / -ln(u)} with {@code u} uniform in
   * (0, 1) from the key and the hop, which picks each hop with probability proportional to its weight.
   */
  static double score(long key, Member m) {
    long h = mix(key ^ stableHash(m.hop()));
    double u = ((h >>> 11) + 0.5) * 0x1.0p-53;
    return m.weight() / -Math.log(u);
  }

  /** A hash of the hop that is the same in every run (an enum's hashCode is not), so instances agree. */
  private static long stableHash(NextHop hop) {
    long h = hop.transport().ordinal() * 0x9E3779B97F4A7C15L + hop.address().getPort();
    for (byte b : hop.address().getAddress().getAddress()) {
      h = mix(h + (b & 0xff));
    }
    return mix(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
