package org.sipscreen.screening.chain;

import java.util.List;
import java.util.Objects;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.DataFile;
import org.sipscreen.screening.check.LoadedList;

/**
 * One check of a built chain with the module that built it and the section it was built from, so that
 * reloads, the warm-up and inventories can ask the module about it without knowing its type.
 */
public record Installed<C, K extends Check>(CheckModule<C, K> module, C config, K check) {

  public Installed {
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(check, "check");
  }

  public String name() {
    return module.name();
  }

  /** Warms up what the check does outside chain calls (see {@link CheckModule#warmUp}). */
  java.util.Optional<String> warmUp(int calls) {
    return module.warmUp(check, calls);
  }

  /** The heap this check's caches take when full (see {@link CheckModule#cacheBytes}). */
  public long cacheBytes() {
    return module.cacheBytes(config);
  }

  /** This check after a reload, with {@code running}'s state where the module carries it over. */
  Installed<C, K> carryOver(Installed<?, ?> running) {
    return new Installed<>(module, config, module.carryOver(module.cast(running.check()), check));
  }

  Installed<C, K> keepList(String list, Installed<?, ?> running) {
    return new Installed<>(module, config, module.keepList(list, module.cast(running.check()), check));
  }

  Installed<C, K> forWarmup() {
    return new Installed<>(module, config, module.forWarmup(check));
  }

  Installed<C, K> live(CheckContext context) throws CheckConfigException {
    return new Installed<>(module, config, module.live(check, config, context));
  }

  /** The lists this check loaded from files. */
  public List<LoadedList> lists() {
    return module.lists(check);
  }

  /** The check's lines for the start-up summary (see {@link CheckModule#summary}). */
  public List<String> summary() {
    return module.summary(check);
  }

  /** What the check knows about {@code peer} (see {@link CheckModule#peerFacts}). */
  public java.util.Map<String, String> peerFacts(String peer) {
    return module.peerFacts(check, peer);
  }

  List<DataFile> files() {
    return module.files(config);
  }
}
