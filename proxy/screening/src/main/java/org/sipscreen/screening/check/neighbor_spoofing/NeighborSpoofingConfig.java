package org.sipscreen.screening.check.neighbor_spoofing;

import org.sipscreen.screening.check.ListFile;
import org.sipscreen.screening.check.PolicyKeys;

/**
 * {@code screening.neighbor_spoofing}: the caller shares the callee's NPA-NXX ({@code mode: npa_nxx}) or
 * NPA-NXX-X ({@code npa_nxx_x}); tagged by default. Callers on {@code allow_list} are never flagged.
 */
public record NeighborSpoofingConfig(String mode, ListFile allowList, Integer score, String action,
    Boolean shadow) implements PolicyKeys {
  public NeighborSpoofingConfig {
    mode = mode == null ? "npa_nxx" : mode;
    NeighborSpoofingCheck.Mode.fromConfig(mode);
    score = score == null ? 40 : score;
    if (score < 0 || score > 100) {
      throw new IllegalArgumentException("score must be 0-100, was " + score);
    }
    PolicyKeys.requireAction(action);
  }
}
