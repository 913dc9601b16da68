package org.sipscreen.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.sip.Via;
import org.sipscreen.sip.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends OPTIONS keepalives to every next hop from the proxy's own SIP sockets and turns their answers into
 * {@link NextHopHealth}. A probe has its own Via branch ({@link #BRANCH_PREFIX} and a per-process secret),
 * so its response is consumed here and never relayed; any final answer but 503 counts as the hop being up,
 * a 503 or no final answer within the timeout as a failure. {@link #tick} runs on the prober's own thread,
 * never on an event loop; {@link #onResponse} runs on the event loop that received the answer and only
 * looks up a map.
 */
public final class NextHopProber {

  /** The Via branch prefix of probes; nothing the proxy forwards carries it. */
  public static final String BRANCH_PREFIX = Via.MAGIC_COOKIE + "-ssp-";

  private static final Logger log = LoggerFactory.getLogger(NextHopProber.class);

  private record Outstanding(NextHopSet.Member member, long sentMillis) {}

  private final Supplier<ProxySettings> settings;
  private final NextHopHealth health;
  private final LongSupplier millis;
  private final ProxyMetrics metrics;
  private final String secret;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, Outstanding> outstanding = new ConcurrentHashMap<>();
  /** When each hop is probed next; touched by {@link #tick} only. */
  private final Map<NextHop, Long> due = new HashMap<>();

  public NextHopProber(Supplier<ProxySettings> settings, NextHopHealth health, LongSupplier millis,
      ProxyMetrics metrics) {
    this.settings = settings;
    this.health = health;
    this.millis = millis;
    this.metrics = metrics;
    byte[] r = new byte[6];
    new SecureRandom().nextBytes(r);
    StringBuilder s = new StringBuilder();
    for (byte b : r) {
      s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    this.secret = s.toString();
  }

  /**
   * Expires unanswered probes and sends the probes that are due, through {@code out}. Called periodically
   * by one thread; with probing off it only forgets what a reload removed.
   */
  public synchronized void tick(Consumer<ProxyAction.Send> out) {
    long now = millis.getAsLong();
    ProxySettings current = settings.get();
    NextHopSet hops = current.nextHops();
    Set<NextHop> configured = new HashSet<>();
    hops.members().forEach(m -> configured.add(m.hop()));
    health.retain(configured);
    due.keySet().retainAll(configured);
    if (hops.probing().isEmpty()) {
      outstanding.clear();
      return;
    }
    NextHopSet.Probing probing = hops.probing().get();
    Set<NextHop> waiting = new HashSet<>();
    for (var e : outstanding.entrySet()) {
      Outstanding o = e.getValue();
      if (now - o.sentMillis() >= probing.timeoutMillis() || !configured.contains(o.member().hop())) {
        if (outstanding.remove(e.getKey(), o) && configured.contains(o.member().hop())) {
          result(o.member(), false, "timeout", probing, now);
        }
      } else {
        waiting.add(o.member().hop());
      }
    }
    for (NextHopSet.Member m : hops.members()) {
      Long at = due.get(m.hop());
      if (waiting.contains(m.hop()) || (at != null && now < at)) {
        continue;
      }
      due.put(m.hop(), now + probing.intervalMillis());
      String branch = BRANCH_PREFIX + secret + "-" + Long.toHexString(sequence.incrementAndGet());
      outstanding.put(branch, new Outstanding(m, now));
      out.accept(ProxyAction.Send.to(m.hop(), WireMessage.of(options(current, m, branch))));
    }
  }

  /**
   * Takes the answer to a probe. Returns false when {@code branch} names no probe of this process (a stale,
   * forged or foreign answer), true when the answer was a probe's and is consumed.
   */
  public boolean onResponse(String branch, int status, InetSocketAddress sender) {
    if (branch == null || !branch.startsWith(BRANCH_PREFIX)) {
      return false;
    }
    Outstanding o = outstanding.get(branch);
    if (o == null || !sameAddress(o.member().hop().address().getAddress(), sender.getAddress())) {
      return false;
    }
    if (status < 200) {
      return true; // a provisional answer: the probe still waits for its final one
    }
    if (!outstanding.remove(branch, o)) {
      return true;
    }
    ProxySettings current = settings.get();
    current.nextHops().probing().ifPresent(p -> result(o.member(), status != 503,
        status == 503 ? "unavailable" : "ok", p, millis.getAsLong()));
    return true;
  }

  private void result(NextHopSet.Member m, boolean answered, String result, NextHopSet.Probing probing,
      long now) {
    metrics.nextHopProbe(m.uri(), result);
    if (health.record(m.hop(), answered, result, probing, now)) {
      boolean up = health.isUp(m.hop());
      log.warn("next_hop {} hop={} probe={}", up ? "up" : "down", m.uri(), result);
    }
  }

  private static boolean sameAddress(InetAddress a, InetAddress b) {
    return a.equals(b);
  }

  /** The OPTIONS probe of one hop (RFC 3261 §11.1), sent with our Via so that its answer comes back to us. */
  static byte[] options(ProxySettings settings, NextHopSet.Member m, String branch) {
    NextHop hop = m.hop();
    LocalEndpoint local = settings.endpointFor(hop.address().getAddress(), hop.transport());
    String target = "sip:" + LocalEndpoint.literal(hop.address().getAddress()) + ":" + hop.address().getPort()
        + (hop.transport() == org.sipscreen.sip.Transport.UDP ? "" : ";transport=" + hop.transport().label());
    String text = "OPTIONS " + target + " SIP/2.0\r\n"
        + "Via: SIP/2.0/" + hop.transport().label().toUpperCase(java.util.Locale.ROOT) + " "
        + local.hostPort() + ";branch=" + branch + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:sipscreen@" + local.hostPort() + ">;tag=" + branch.substring(BRANCH_PREFIX.length())
        + "\r\n"
        + "To: <" + target + ">\r\n"
        + "Call-ID: " + branch.substring(BRANCH_PREFIX.length()) + "@" + local.host() + "\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Accept: application/sdp\r\n"
        + "Content-Length: 0\r\n\r\n";
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
