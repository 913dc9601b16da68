package org.sipscreen.screening.check.rmd;

import org.sipscreen.screening.check.PeerOverride;

/**
 * {@code peers.<peer>.checks.rmd}: the peer's filing in the Robocall Mitigation Database, and optionally
 * its own action (an {@code allow} for a peer the rule does not cover, such as an enterprise PBX).
 *
 * @param record the peer's RMD number ({@code RMD0012345}) or FRN
 */
public record RmdPeerOverride(String record, String action, Boolean shadow) implements PeerOverride {
  public RmdPeerOverride {
    if (record != null && RmdReference.parse(record).isEmpty()) {
      throw new IllegalArgumentException("record must be an RMD number (RMD followed by digits) or an FRN"
          + " (up to 10 digits), was '" + record + "'");
    }
    if (action != null) {
      org.sipscreen.screening.PolicyAction.parse(action);
    }
  }
}
