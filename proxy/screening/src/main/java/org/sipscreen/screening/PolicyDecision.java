package org.sipscreen.screening;

import java.util.Objects;

/**
 * One flag and what the policy made of it: which check, what it found, its score, the action and whether
 * the action was only recorded (shadow mode). The per-call record of why a call was treated as it was.
 */
public record PolicyDecision(String check, String category, int score, PolicyAction action,
    boolean shadow) {
  public PolicyDecision {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(action, "action");
  }
}
