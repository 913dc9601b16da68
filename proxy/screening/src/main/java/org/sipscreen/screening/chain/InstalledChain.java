package org.sipscreen.screening.chain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.DataFile;
import org.sipscreen.screening.check.LoadedList;
import org.sipscreen.screening.check.PeerOverride;
import org.sipscreen.screening.check.PolicyKeys;

/**
 * A screening chain with the module and section of each of its checks: what {@link #build} makes of a
 * config, in {@link CheckRegistry} order, and what reloads ({@link #carryOver}), the warm-up
 * ({@link #forWarmup}), start-up ({@link #live}) and inventories ({@link #lists}, {@link #files}) work on by
 * asking each check's module. Immutable.
 */
public final class InstalledChain {

  /**
   * Everything of the screening config that is not a check's section.
   *
   * @param policy the global policy and per-peer settings; its check policies are filled in from the
   *     sections and the peers' overrides
   * @param peerOverrides {@code peers.<peer>.checks.<check>}, by peer, then check
   * @param allowListFile the allow list's file as written, or null
   * @param peers the configured peers
   */
  public record Setup(PhoneNumbers numbers, EmergencyCheck emergency, NumberList allowList,
      String allowListFile, Policy policy, Map<String, Map<String, PeerOverride>> peerOverrides,
      org.sipscreen.screening.PeerTable peers) {
    public Setup {
      Objects.requireNonNull(numbers, "numbers");
      Objects.requireNonNull(peers, "peers");
      Objects.requireNonNull(emergency, "emergency");
      Objects.requireNonNull(allowList, "allowList");
      Objects.requireNonNull(policy, "policy");
      peerOverrides = Map.copyOf(peerOverrides);
    }
  }

  /** The name the allow list goes by in inventories. */
  public static final String ALLOW_LIST = "allow_list";

  private final ScreeningChain chain;
  private final List<Installed<?, ?>> installed;
  private final Setup setup;

  private InstalledChain(ScreeningChain chain, List<Installed<?, ?>> installed, Setup setup) {
    this.chain = chain;
    this.installed = List.copyOf(installed);
    this.setup = setup;
  }

  /**
   * Builds the checks whose sections are present (or that are always on), in registry order, and the
   * policy their policy keys and the peers' overrides make.
   *
   * @param sections config section by check name, each of its module's config type
   * @throws ChainBuildException naming the check and the key under its section
   */
  public static InstalledChain build(Setup setup, Map<String, Object> sections, CheckContext context)
      throws ChainBuildException {
    for (String name : sections.keySet()) {
      if (CheckRegistry.module(name).isEmpty()) {
        throw new ChainBuildException(name, "", "no such check; checks: " + CheckRegistry.names());
      }
    }
    List<Installed<?, ?>> installed = new ArrayList<>();
    for (CheckModule<?, ?> module : CheckRegistry.MODULES) {
      Installed<?, ?> one = install(module, sections.get(module.name()), context);
      if (one != null) {
        installed.add(one);
      }
    }
    Policy policy = policy(setup, installed);
    return new InstalledChain(chain(setup, installed, policy), installed, setup);
  }

  private static <C, K extends Check> Installed<C, K> install(CheckModule<C, K> module, Object section,
      CheckContext context) throws ChainBuildException {
    C config = section == null ? module.whenAbsent() : module.configType().cast(section);
    if (config == null) {
      return null;
    }
    try {
      return new Installed<>(module, config, module.build(config, context));
    } catch (CheckConfigException e) {
      throw new ChainBuildException(module.name(), e.key(), e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ChainBuildException(module.name(), "", e.getMessage(), e);
    }
  }

  /** The global policy with each check's action and shadow flag, globally and per peer. */
  private static Policy policy(Setup setup, List<Installed<?, ?>> installed) throws ChainBuildException {
    Map<String, Policy.CheckPolicy> checks = new LinkedHashMap<>();
    for (Installed<?, ?> i : installed) {
      checks.put(i.name(), checkPolicy(i.module(), i.config()));
    }
    Map<String, Policy.PeerPolicy> peers = new LinkedHashMap<>(setup.policy().peers());
    for (Map.Entry<String, Map<String, PeerOverride>> peer : setup.peerOverrides().entrySet()) {
      Map<String, Policy.CheckPolicy> overrides = new LinkedHashMap<>();
      for (Map.Entry<String, PeerOverride> o : peer.getValue().entrySet()) {
        Policy.CheckPolicy global = checks.get(o.getKey());
        if (global == null) {
          throw new ChainBuildException(o.getKey(), "",
              "peers." + peer.getKey() + ".checks." + o.getKey() + ": that check is not on (its section is"
                  + " absent); checks on: " + checks.keySet(), null, true);
        }
        PeerOverride p = o.getValue();
        overrides.put(o.getKey(), new Policy.CheckPolicy(
            p.action() == null ? global.action() : PolicyAction.parse(p.action()),
            p.shadow() == null ? global.shadow() : p.shadow()));
      }
      Policy.PeerPolicy base = peers.getOrDefault(peer.getKey(),
          new Policy.PeerPolicy(false, Optional.empty(), Optional.empty(), Map.of()));
      Map<String, Policy.CheckPolicy> all = new LinkedHashMap<>(base.checks());
      all.putAll(overrides);
      peers.put(peer.getKey(), new Policy.PeerPolicy(base.blockAll(), base.tagScore(), base.blockScore(),
          all));
    }
    Policy p = setup.policy();
    return new Policy(p.shadow(), p.tagScore(), p.blockScore(), p.tags(), p.analyticsReject(),
        p.deterministicReject(), p.peerBlocked(), checks, peers);
  }

  private static Policy.CheckPolicy checkPolicy(CheckModule<?, ?> module, Object config) {
    if (config instanceof PolicyKeys keys) {
      return new Policy.CheckPolicy(
          keys.action() == null ? module.defaultAction() : PolicyAction.parse(keys.action()),
          keys.shadow() != null && keys.shadow());
    }
    return new Policy.CheckPolicy(module.defaultAction(), false);
  }

  private static ScreeningChain chain(Setup setup, List<Installed<?, ?>> installed, Policy policy) {
    List<Check> checks = new ArrayList<>(installed.size());
    installed.forEach(i -> checks.add(i.check()));
    return new ScreeningChain(setup.numbers(), setup.emergency(), setup.allowList(), checks, policy);
  }

  private InstalledChain with(List<Installed<?, ?>> next) {
    return new InstalledChain(chain(setup, next, chain.policy()), next, setup);
  }

  /** The chain the proxy runs. */
  public ScreeningChain chain() {
    return chain;
  }

  /** The names of the configured peers. */
  public java.util.Set<String> peerNames() {
    return setup.peers().peerNames();
  }

  /** The checks with their modules, in evaluation order. */
  public List<Installed<?, ?>> installed() {
    return installed;
  }

  /** The installed check called {@code name}. */
  public Optional<Installed<?, ?>> check(String name) {
    for (Installed<?, ?> i : installed) {
      if (i.name().equals(name)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * This freshly built chain, with the running chain's state carried over into the checks that both have
   * (each module decides whether its settings allow it).
   */
  public InstalledChain carryOver(InstalledChain running) {
    List<Installed<?, ?>> next = new ArrayList<>(installed.size());
    for (Installed<?, ?> i : installed) {
      Optional<Installed<?, ?>> before = running.check(i.name());
      next.add(before.isPresent() ? i.carryOver(before.get()) : i);
    }
    return with(next);
  }

  /**
   * This chain with list {@code list} as {@code running} has it: a reload refused its new version. The
   * allow list is the chain's own; every other list belongs to the check that {@link #lists} names it for.
   */
  public InstalledChain keepList(String list, InstalledChain running) {
    if (list.equals(ALLOW_LIST)) {
      Setup s = setup;
      Setup kept = new Setup(s.numbers(), s.emergency(), running.setup.allowList(), s.allowListFile(),
          s.policy(), s.peerOverrides(), s.peers());
      return new InstalledChain(chain.withAllowList(running.setup.allowList()), installed, kept);
    }
    List<Installed<?, ?>> next = new ArrayList<>(installed.size());
    for (Installed<?, ?> i : installed) {
      Optional<Installed<?, ?>> before = running.check(i.name());
      boolean holds = i.lists().stream().anyMatch(l -> l.name().equals(list));
      next.add(holds && before.isPresent() ? i.keepList(list, before.get()) : i);
    }
    return with(next);
  }

  /**
   * Runs each check's own start-up warm-up (see {@link CheckModule#warmUp}), at most {@code calls} times
   * each; returns a line for the log per check that had one.
   */
  public List<String> warmUp(int calls) {
    List<String> lines = new ArrayList<>();
    installed.forEach(i -> i.warmUp(calls).ifPresent(lines::add));
    return lines;
  }

  /** The chain the start-up warm-up plays through: shared data, fresh state, no remote services. */
  public InstalledChain forWarmup() {
    List<Installed<?, ?>> next = new ArrayList<>(installed.size());
    installed.forEach(i -> next.add(i.forWarmup()));
    return with(next);
  }

  /** This prepared chain with every check's network clients live. */
  public InstalledChain live(CheckContext context) throws ChainBuildException {
    List<Installed<?, ?>> next = new ArrayList<>(installed.size());
    for (Installed<?, ?> i : installed) {
      try {
        next.add(i.live(context));
      } catch (CheckConfigException e) {
        throw new ChainBuildException(i.name(), e.key(), e.getMessage(), e);
      }
    }
    return with(next);
  }

  /** The checks' lines for the start-up summary, in check order (see {@link CheckModule#summary}). */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    installed.forEach(i -> lines.addAll(i.summary()));
    return lines;
  }

  /** What the checks know about {@code peer}, in check order (see {@link CheckModule#peerFacts}). */
  public java.util.Map<String, String> peerFacts(String peer) {
    java.util.Map<String, String> facts = new java.util.LinkedHashMap<>();
    installed.forEach(i -> facts.putAll(i.peerFacts(peer)));
    return facts;
  }

  /** Every list the chain holds, the allow list first. */
  public List<LoadedList> lists() {
    List<LoadedList> lists = new ArrayList<>();
    if (setup.allowListFile() != null) {
      NumberList allow = setup.allowList();
      lists.add(new LoadedList(ALLOW_LIST, (long) allow.exactCount() + allow.prefixCount(),
          allow.version(), allow.loadDuration()));
    }
    installed.forEach(i -> lists.addAll(i.lists()));
    return lists;
  }

  /** Every file the chain's config names, as written (relative to the config folder). */
  public List<DataFile> files() {
    List<DataFile> files = new ArrayList<>();
    if (setup.allowListFile() != null) {
      files.add(new DataFile(ALLOW_LIST, "screening.allow_list.file", setup.allowListFile()));
    }
    installed.forEach(i -> files.addAll(i.files()));
    return files;
  }
}
