package org.sipscreen.config;

import java.util.List;

/**
 * {@code screening.policy}: what flags do (issue 3, "Policy"). Score thresholds, the tag, the 603+ redress
 * contacts, the deterministic reject and shadow mode. A check's own action and shadow flag live in that
 * check's section; what differs per peer lives under {@code peers.<name>}.
 *
 * @param shadow global shadow mode: decide, count and record, forward unchanged
 * @param tagScore total score from which a call is tagged (101 = never)
 * @param blockScore total score from which a call gets 603+ (101 = never)
 * @param label display-name label of the tag
 * @param verstat verstat value of the tag, if any
 * @param redressUrl 603+ redress web page (https)
 * @param redressTel 603+ redress phone number (E.164), optional
 * @param redressEmail 603+ redress e-mail, optional
 * @param location RFC 3326 location of the 603+ Reason (TN for a transit network, LN originating)
 * @param deterministicStatus 603 or 608, for DNO/invalid/blocked callers
 * @param blockedPeerStatus the answer to a call from a peer with {@code block_all} (and its reason)
 */
public record PolicyConfig(Boolean shadow, Integer tagScore, Integer blockScore, String label,
    String verstat, String redressUrl, String redressTel, String redressEmail, String location,
    Integer deterministicStatus, Integer blockedPeerStatus, String blockedPeerReason) {

  static final PolicyConfig DEFAULT = new PolicyConfig(null, null, null, null, null, null, null, null,
      null, null, null, null);

  public PolicyConfig {
    shadow = shadow == null ? Boolean.FALSE : shadow;
    tagScore = tagScore == null ? 50 : tagScore;
    blockScore = blockScore == null ? 101 : blockScore;
    requireScore(tagScore, "tag_score");
    requireScore(blockScore, "block_score");
    label = label == null ? "SPAM?" : label;
    if (label.isBlank() || label.chars().anyMatch(c -> c < 0x20 || c == '"' || c == '\\')) {
      throw new IllegalArgumentException("label must be printable text without quotes or backslashes");
    }
    if (verstat != null && !List.of("TN-Validation-Passed", "TN-Validation-Failed", "No-TN-Validation")
        .contains(verstat)) {
      throw new IllegalArgumentException("verstat must be TN-Validation-Passed, TN-Validation-Failed or"
          + " No-TN-Validation, was '" + verstat + "'");
    }
    if (redressUrl != null && !redressUrl.startsWith("https://")) {
      throw new IllegalArgumentException("redress_url must be an https:// URL, was '" + redressUrl + "'");
    }
    if (redressTel != null && !redressTel.matches("\\+[1-9][0-9]{6,14}")) {
      throw new IllegalArgumentException("redress_tel must be an E.164 number, was '" + redressTel + "'");
    }
    if (redressEmail != null && !redressEmail.matches("[^@\\s\";]+@[^@\\s\";]+")) {
      throw new IllegalArgumentException("redress_email must be an e-mail address, was '" + redressEmail
          + "'");
    }
    location = location == null ? "TN" : location;
    if (!List.of("TN", "LN", "LPN", "RPN", "RLN", "U").contains(location)) {
      throw new IllegalArgumentException("location must be TN, LN, LPN, RPN, RLN or U, was '" + location
          + "'");
    }
    deterministicStatus = deterministicStatus == null ? 603 : deterministicStatus;
    if (deterministicStatus != 603 && deterministicStatus != 608) {
      throw new IllegalArgumentException("deterministic_status must be 603 (Decline) or 608 (Rejected),"
          + " was " + deterministicStatus);
    }
    blockedPeerStatus = blockedPeerStatus == null ? 403 : blockedPeerStatus;
    SipscreenConfig.requireRejectStatus(blockedPeerStatus, "blocked_peer_status");
    blockedPeerReason = blockedPeerReason == null ? "Forbidden" : blockedPeerReason;
  }

  static void requireScore(int score, String key) {
    if (score < 0 || score > 101) {
      throw new IllegalArgumentException(key + " must be 0-101 (101 = never), was " + score);
    }
  }
}
