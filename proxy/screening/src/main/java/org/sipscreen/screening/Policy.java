package org.sipscreen.screening;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps what checks find to what happens on the wire (issue 3, "Policy"). Each check's flags get an action
 * ({@link PolicyAction}) and may be shadowed; the flags' scores add up, and at the end of the chain a call
 * at or above {@code blockScore} is refused with 603+ and one at or above {@code tagScore} is tagged. A peer
 * can override thresholds and actions, or be blocked outright (a provider under traceback scrutiny). In
 * global shadow mode every decision is made and recorded but the call goes on unchanged.
 *
 * @param shadow global shadow mode
 * @param tagScore total score from which a call is tagged; 101 disables
 * @param blockScore total score from which a call gets 603+; 101 disables
 * @param tags the tags of the {@code tag} action and of the tag threshold
 * @param analyticsReject the 603+ response
 * @param deterministicReject the response of {@code reject_deterministic} (603 Decline or 608)
 * @param peerBlocked the response to every INVITE from a peer with {@code block_all}
 * @param checks per-check action and shadow flag; a check without an entry scores
 * @param peers per-peer overrides by peer name
 */
public record Policy(boolean shadow, int tagScore, int blockScore, List<CallTag> tags,
    Verdict.Reject analyticsReject, Verdict.Reject deterministicReject, Verdict.Reject peerBlocked,
    Map<String, CheckPolicy> checks, Map<String, PeerPolicy> peers) {

  /** Flags only add to the score and no threshold is ever reached: checks are observed, nothing else. */
  public static final Policy OBSERVE = new Policy(false, 101, 101,
      List.of(new CallTag.DisplayLabel("SPAM?")),
      analytics603("https://redress.invalid/", Optional.empty(), Optional.empty(), "TN"),
      new Verdict.Reject(603, "Decline", List.of()), new Verdict.Reject(403, "Forbidden", List.of()),
      Map.of(), Map.of());

  public Policy {
    requireThreshold(tagScore, "tag_score");
    requireThreshold(blockScore, "block_score");
    tags = List.copyOf(tags);
    Objects.requireNonNull(analyticsReject, "analyticsReject");
    Objects.requireNonNull(deterministicReject, "deterministicReject");
    Objects.requireNonNull(peerBlocked, "peerBlocked");
    checks = Map.copyOf(checks);
    peers = Map.copyOf(peers);
  }

  /** One check's action and whether it runs in shadow mode. */
  public record CheckPolicy(PolicyAction action, boolean shadow) {
    public CheckPolicy {
      Objects.requireNonNull(action, "action");
    }
  }

  /** A peer's overrides; empty optionals and a missing check keep the global setting. */
  public record PeerPolicy(boolean blockAll, Optional<Integer> tagScore, Optional<Integer> blockScore,
      Map<String, CheckPolicy> checks) {
    public PeerPolicy {
      tagScore.ifPresent(s -> requireThreshold(s, "tag_score"));
      blockScore.ifPresent(s -> requireThreshold(s, "block_score"));
      checks = Map.copyOf(checks);
    }
  }

  /** The action and shadow flag for {@code check}'s flags on a call from {@code peer}. */
  public CheckPolicy forCheck(Optional<String> peer, String check) {
    if (peer.isPresent()) {
      PeerPolicy p = peers.get(peer.get());
      if (p != null) {
        CheckPolicy c = p.checks().get(check);
        if (c != null) {
          return c;
        }
      }
    }
    CheckPolicy c = checks.get(check);
    return c != null ? c : DEFAULT_CHECK;
  }

  public int tagScore(Optional<String> peer) {
    return peer.map(peers::get).flatMap(PeerPolicy::tagScore).orElse(tagScore);
  }

  public int blockScore(Optional<String> peer) {
    return peer.map(peers::get).flatMap(PeerPolicy::blockScore).orElse(blockScore);
  }

  public boolean blocksPeer(Optional<String> peer) {
    return peer.map(peers::get).map(PeerPolicy::blockAll).orElse(false);
  }

  private static final CheckPolicy DEFAULT_CHECK = new CheckPolicy(PolicyAction.SCORE, false);

  /**
   * The 603+ response of ATIS-1000099: {@code SIP/2.0 603 Network Blocked} with
   * {@code Reason: SIP;cause=603;text="v=analytics1;url=...;tel=...;email=..."};location=<location>}. At
   * least the URL is required; tel and email are optional redress contacts.
   */
  public static Verdict.Reject analytics603(String url, Optional<String> tel, Optional<String> email,
      String location) {
    StringBuilder text = new StringBuilder("v=analytics1;url=").append(requireRedress(url, "url"));
    tel.ifPresent(t -> text.append(";tel=").append(requireRedress(t, "tel")));
    email.ifPresent(e -> text.append(";email=").append(requireRedress(e, "email")));
    if (!location.matches("[A-Z]{1,4}")) {
      throw new IllegalArgumentException("location must be an RFC 3326 location token such as TN or LN, was '"
          + location + "'");
    }
    return new Verdict.Reject(603, "Network Blocked", List.of(new SipHeader("Reason",
        "SIP;cause=603;text=\"" + text + "\";location=" + location)));
  }

  private static String requireRedress(String value, String key) {
    if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c == '"' || c == ';'
        || c == '\\' || c >= 0x7f)) {
      throw new IllegalArgumentException("redress " + key + " must be non-empty printable text without"
          + " spaces, quotes or ';': '" + value + "'");
    }
    return value;
  }

  private static void requireThreshold(int score, String key) {
    if (score < 0 || score > 101) {
      throw new IllegalArgumentException(key + " must be 0-101 (101 disables), was " + score);
    }
  }
}
