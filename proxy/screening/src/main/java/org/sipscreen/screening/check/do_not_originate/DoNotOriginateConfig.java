package org.sipscreen.screening.check.do_not_originate;

import org.sipscreen.screening.check.PolicyKeys;

/** {@code screening.do_not_originate}: the DNO list; a hit is a deterministic block by default. */
public record DoNotOriginateConfig(String file, String action, Boolean shadow) implements PolicyKeys {
  public DoNotOriginateConfig {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("file: the DNO list file is required");
    }
    PolicyKeys.requireAction(action);
  }
}
