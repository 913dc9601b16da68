package org.sipscreen.screening.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.calling_number.CallingNumberModule;
import org.sipscreen.screening.check.do_not_originate.DoNotOriginateModule;
import org.sipscreen.screening.check.invalid_number.InvalidNumberModule;
import org.sipscreen.screening.check.neighbor_spoofing.NeighborSpoofingModule;
import org.sipscreen.screening.check.number_list.NumberListModule;
import org.sipscreen.screening.check.reputation.ReputationModule;
import org.sipscreen.screening.check.rmd.RmdModule;
import org.sipscreen.screening.check.source_peer.SourcePeerModule;
import org.sipscreen.screening.check.stir_shaken.StirShakenModule;
import org.sipscreen.screening.check.velocity.VelocityModule;

/**
 * Every check, in the order calls meet them: cheapest first — access control, then what the caller claims,
 * local lists, counting, and last crypto and remote lookups (STYLE.md 6). The order is this list; adding a
 * check is a new package and one line here.
 */
public final class CheckRegistry {

  public static final List<CheckModule<?, ?>> MODULES = List.of(
      SourcePeerModule.INSTANCE,
      RmdModule.INSTANCE,
      CallingNumberModule.INSTANCE,
      InvalidNumberModule.INSTANCE,
      DoNotOriginateModule.INSTANCE,
      NumberListModule.BLOCK_LIST,
      NumberListModule.TAG_LIST,
      NeighborSpoofingModule.INSTANCE,
      VelocityModule.INSTANCE,
      StirShakenModule.INSTANCE,
      ReputationModule.INSTANCE);

  private CheckRegistry() {}

  /** The module called {@code name}. */
  public static Optional<CheckModule<?, ?>> module(String name) {
    for (CheckModule<?, ?> m : MODULES) {
      if (m.name().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** The check names in evaluation order. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    MODULES.forEach(m -> names.add(m.name()));
    return names;
  }
}
