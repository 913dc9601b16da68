package org.sipscreen.screening.check.source_peer;

import java.util.List;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.PolicyKeys;

/**
 * {@code screening.source_peer}: what a source outside every peer's networks gets (the networks themselves
 * are {@code peers.<name>.networks}). Always on; the section only changes the answer.
 *
 * @param unknownSource {@code reject} (answer {@code reject_status}) or {@code drop} (no answer: a spoofed
 *     source must not be answered)
 * @param shadow admit unknown sources and only record what would have happened; global shadow mode does
 *     not do this, since source_peer is access control, not screening
 */
public record SourcePeerConfig(String unknownSource, Integer rejectStatus, String rejectReason,
    Boolean shadow) implements PolicyKeys {

  public static final SourcePeerConfig DEFAULT = new SourcePeerConfig(null, null, null, null);

  public SourcePeerConfig {
    unknownSource = unknownSource == null ? "reject" : unknownSource;
    if (!unknownSource.equals("reject") && !unknownSource.equals("drop")) {
      throw new IllegalArgumentException(
          "unknown_source must be reject or drop, was '" + unknownSource + "'");
    }
    rejectStatus = rejectStatus == null ? 403 : rejectStatus;
    if (rejectStatus < 400 || rejectStatus > 699) {
      throw new IllegalArgumentException("reject_status must be 400-699, was " + rejectStatus);
    }
    rejectReason = rejectReason == null ? "Forbidden" : rejectReason;
    if (rejectReason.isBlank() || rejectReason.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("reject_reason must be printable text");
    }
    shadow = shadow != null && shadow;
  }

  /** source_peer raises no flags: it has no policy action. */
  @Override
  public String action() {
    return null;
  }

  /** The verdict for an unknown source. */
  Verdict onUnknown() {
    return unknownSource.equals("drop") ? new Verdict.Drop("unknown source")
        : new Verdict.Reject(rejectStatus, rejectReason, List.of());
  }
}
