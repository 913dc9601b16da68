package org.sipscreen.screening.check.source_peer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;

/**
 * source_peer: the INVITE must come from a configured interconnect peer. A known source continues and
 * records the peer name on the call; an unknown source gets the configured verdict, by default
 * {@code 403 Forbidden} (DOMAIN.md: unknown sources are refused).
 */
public final class SourcePeerCheck implements Check {

  public static final String NAME = "source_peer";

  /** The default answer to an unknown source. */
  public static final Verdict.Reject FORBIDDEN = new Verdict.Reject(403, "Forbidden", List.of());

  private final PeerTable peers;
  private final Verdict onUnknown;

  /** Rejects unknown sources with {@link #FORBIDDEN}. */
  public SourcePeerCheck(PeerTable peers) {
    this(peers, FORBIDDEN);
  }

  /**
   * @param onUnknown a {@link Verdict.Reject} or {@link Verdict.Drop}; drop when answering could amplify
   *     toward a spoofed source
   */
  public SourcePeerCheck(PeerTable peers, Verdict onUnknown) {
    this.peers = Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(onUnknown, "onUnknown");
    if (!(onUnknown instanceof Verdict.Reject) && !(onUnknown instanceof Verdict.Drop)) {
      throw new IllegalArgumentException(
          "the verdict for an unknown source must be a Reject or a Drop, was " + onUnknown);
    }
    this.onUnknown = onUnknown;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The configured peers. */
  public PeerTable peers() {
    return peers;
  }

  /** The peer {@code address} belongs to, without judging the call (emergency calls are only labelled). */
  public Optional<String> peerOf(java.net.InetAddress address) {
    return peers.peerOf(address);
  }

  /** Access control: unknown sources are refused in global shadow mode and on emergency calls too. */
  @Override
  public boolean controlsAccess() {
    return true;
  }

  /**
   * The same check that also knows 127.0.0.1 as peer {@code warmup}: the start-up warm-up plays its calls
   * from loopback, and they must run the whole chain whatever the peers and {@code unknown_source} say.
   */
  public SourcePeerCheck withWarmupLoopback() {
    SourcePeerCheck c = new SourcePeerCheck(peers, onUnknown);
    c.warmup = WARMUP;
    return c;
  }

  private static final PeerTable WARMUP = PeerTable.of(java.util.Map.of("warmup", List.of("127.0.0.1/32")));

  /** Peers tried after the configured ones: only in the warm-up's copy. */
  private PeerTable warmup;

  @Override
  public Verdict check(ScreenedCall call) {
    Optional<String> peer = peers.peerOf(call.attempt().sourceAddress());
    if (peer.isEmpty() && warmup != null) {
      peer = warmup.peerOf(call.attempt().sourceAddress());
    }
    if (peer.isEmpty()) {
      return onUnknown;
    }
    call.peerName(peer);
    return Verdict.CONTINUE;
  }
}
