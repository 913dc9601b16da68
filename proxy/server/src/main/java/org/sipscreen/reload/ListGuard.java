package org.sipscreen.reload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sipscreen.config.ReloadConfig;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.DoNotOriginateCheck;
import org.sipscreen.screening.NeighborSpoofingCheck;
import org.sipscreen.screening.NumberListCheck;
import org.sipscreen.screening.ReputationCheck;
import org.sipscreen.screening.ScreeningChain;

/**
 * Keeps the running version of a list whose new version a reload must not apply: empty while the running
 * one has entries, or shrunk by more than the configured share ({@link ReloadConfig#refusal}). A list is
 * judged only against the running version of the same file: a config that names another file for it, or
 * a list that is new, is applied as it is. Everything else in the reload is applied.
 */
final class ListGuard {

  /** The lists a reload may keep, by their {@link ConfigFiles} name. */
  static final List<String> LISTS = List.of("allow_list", "block_list", "tag_list", "do_not_originate",
      "neighbor_spoofing_allow_list", "reputation_feed");

  private ListGuard() {}

  /** The chain to run and what it kept. */
  record Result(ScreeningChain chain, List<RefusedList> refused) {}

  /**
   * {@code built} with each refused list replaced by its running version from {@code running}.
   *
   * @param runningFiles the files of the running snapshot (names and paths)
   * @param builtFiles the files of the new config, by name
   */
  static Result apply(ScreeningChain running, List<LoadedFile> runningFiles, ScreeningChain built,
      Map<String, Path> builtFiles, ReloadConfig rules) {
    List<RefusedList> refused = new ArrayList<>(0);
    ScreeningChain chain = built;
    for (String name : LISTS) {
      Path file = builtFiles.get(name);
      if (file == null
          || runningFiles.stream().noneMatch(f -> f.name().equals(name) && f.path().equals(file))) {
        continue;
      }
      Reloader.ListData before = Reloader.list(name, running);
      Reloader.ListData after = Reloader.list(name, chain);
      if (before == null || after == null || before.version().equals(after.version())) {
        continue;
      }
      String reason = rules.refusal(before.entries(), after.entries());
      if (reason != null) {
        refused.add(new RefusedList(name, file, reason, before.entries(), after.entries(), after.version()));
        chain = keep(name, running, chain);
      }
    }
    return new Result(chain, List.copyOf(refused));
  }

  /** {@code chain} with list {@code name} as it is in {@code running}. */
  private static ScreeningChain keep(String name, ScreeningChain running, ScreeningChain chain) {
    if (name.equals("allow_list")) {
      return chain.withAllowList(running.allowList());
    }
    List<Check> checks = new ArrayList<>(chain.checks().size());
    for (Check c : chain.checks()) {
      Check kept = c;
      if (c instanceof NumberListCheck l && l.name().equals(name)) {
        kept = l.withList(find(running, NumberListCheck.class, name).list());
      } else if (c instanceof DoNotOriginateCheck && name.equals("do_not_originate")) {
        kept = new DoNotOriginateCheck(find(running, DoNotOriginateCheck.class, null).dnoList());
      } else if (c instanceof NeighborSpoofingCheck n && name.equals("neighbor_spoofing_allow_list")) {
        kept = n.withAllowList(find(running, NeighborSpoofingCheck.class, null).allowList());
      } else if (c instanceof ReputationCheck r && name.equals("reputation_feed")) {
        kept = r.withFeed(find(running, ReputationCheck.class, null).feed());
      }
      checks.add(kept);
    }
    return chain.withChecks(checks);
  }

  /** The check of {@code type} in {@code chain} (named {@code name} when not null); it is there. */
  private static <T extends Check> T find(ScreeningChain chain, Class<T> type, String name) {
    for (Check c : chain.checks()) {
      if (type.isInstance(c) && (name == null || c.name().equals(name))) {
        return type.cast(c);
      }
    }
    throw new IllegalStateException("no " + type.getSimpleName() + " in the running chain");
  }
}
