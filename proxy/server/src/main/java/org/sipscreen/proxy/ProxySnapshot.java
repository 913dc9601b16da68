package org.sipscreen.proxy;

import java.util.Objects;
import org.sipscreen.screening.ScreeningChain;

/**
 * What one message is handled with: the settings and the screening chain of one config version. The proxy
 * reads its snapshot once per message, so a reload swaps both together and no message sees half of one.
 */
public record ProxySnapshot(ProxySettings settings, ScreeningChain chain) {
  public ProxySnapshot {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(chain, "chain");
  }
}
