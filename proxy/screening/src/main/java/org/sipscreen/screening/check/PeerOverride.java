package org.sipscreen.screening.check;

import org.sipscreen.screening.Policy;

/**
 * {@code peers.<peer>.checks.<check>}: what one check does for one peer's calls. Every override has the
 * policy keys; a check with per-peer settings of its own (velocity's limits) declares a record with them
 * ({@link CheckModule#peerOverrideType}). A key left out keeps the section's value.
 */
public interface PeerOverride {

  /** The policy action for this peer's flags of the check, or null for the section's. */
  String action();

  /** Whether the check only observes this peer's calls, or null for the section's. */
  Boolean shadow();

  /** An override of the policy keys alone. */
  record Policy(String action, Boolean shadow) implements PeerOverride {
    public Policy {
      if (action != null) {
        org.sipscreen.screening.PolicyAction.parse(action);
      }
    }
  }
}
