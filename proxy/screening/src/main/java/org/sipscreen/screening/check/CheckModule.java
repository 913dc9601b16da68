package org.sipscreen.screening.check;

import java.util.List;
import java.util.Objects;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.PolicyAction;

/**
 * One check as a unit (kamailio: one module per capability): its stable name, its typed config section,
 * and everything the rest of the proxy needs to know about it — how it is built from its section, which
 * files it reads (for reload and the file watcher), what state it carries across a reload, how it is built
 * for the start-up warm-up, which lists it holds and which metrics it exports. {@link org.sipscreen.screening.chain.CheckRegistry} lists
 * the modules in evaluation order; nothing outside a check's package names its type.
 *
 * @param <C> the config section, an immutable record bound from YAML ({@code screening.<name>})
 * @param <K> the check
 */
public abstract class CheckModule<C, K extends Check> {

  private final String name;
  private final Class<C> configType;
  private final Class<K> checkType;

  protected CheckModule(String name, Class<C> configType, Class<K> checkType) {
    this.name = Objects.requireNonNull(name, "name");
    this.configType = Objects.requireNonNull(configType, "configType");
    this.checkType = Objects.requireNonNull(checkType, "checkType");
  }

  /** The check's snake_case name: config key, metric label, log field and package name. */
  public final String name() {
    return name;
  }

  public final Class<C> configType() {
    return configType;
  }

  /** The config when the section is absent; null (the default) means the check is off. */
  public C whenAbsent() {
    return null;
  }

  /**
   * The type of {@code peers.<peer>.checks.<name>}: a per-peer override of this check, with the policy
   * keys {@code action} and {@code shadow} and any keys of the check's own.
   */
  public Class<? extends PeerOverride> peerOverrideType() {
    return PeerOverride.Policy.class;
  }

  /** What the check's flags do unless the section's {@code action} says otherwise. */
  public PolicyAction defaultAction() {
    return PolicyAction.SCORE;
  }

  /**
   * Builds the check from its section, reading every file it names.
   *
   * @throws CheckConfigException naming the key under the section that is wrong
   */
  public abstract K build(C config, CheckContext context) throws CheckConfigException;

  /** The files the check reads, as written in the section. */
  public List<DataFile> files(C config) {
    return List.of();
  }

  /**
   * The check with its network clients live (a reputation service, a certificate fetcher); a prepared check
   * was built without them (for check-config, or before the event loops exist). Loaded data is shared.
   */
  public K live(K prepared, C config, CheckContext context) throws CheckConfigException {
    return prepared;
  }

  /**
   * The check that runs after a reload: {@code built}, or {@code built} with the running check's state
   * (counting windows, caches) when its settings did not change.
   */
  public K carryOver(K running, K built) {
    return built;
  }

  /**
   * The heap the caches configured in {@code config} take when full, in bytes, for sizing the heap; what
   * the check holds for its lists and tables is {@link Check#heapBytes()}.
   */
  public long cacheBytes(C config) {
    return 0;
  }

  /**
   * Warms up, at start-up, what the check does outside the calls the warm-up plays through the chain
   * (native crypto, say), at most {@code calls} times; returns a line for the log, or empty when there is
   * nothing of the kind.
   */
  public java.util.Optional<String> warmUp(K check, int calls) {
    return java.util.Optional.empty();
  }

  /**
   * The check the start-up warm-up plays calls through: the same settings and data, state of its own that
   * the running check never sees, and no remote service.
   */
  public K forWarmup(K prepared) {
    return prepared;
  }

  /**
   * {@code built} with the list called {@code list} taken from {@code running}: a reload refused the list's
   * new version (empty, or shrunk too much) and keeps the running one. Only lists of {@link #lists} are
   * asked for.
   */
  public K keepList(String list, K running, K built) {
    return built;
  }

  /** The lists (data files with entries) the check holds, for inventories and metrics. */
  public List<LoadedList> lists(K check) {
    return List.of();
  }

  /**
   * Lines the check adds to the start-up summary and to {@code check-config}'s summary (what it found in
   * its data about each peer, say); empty for most checks.
   */
  public List<String> summary(K check) {
    return List.of();
  }

  /**
   * What the check knows about {@code peer} that a traceback answer names (its Robocall Mitigation Database
   * filing, say), as field name to value in a stable order; empty for most checks.
   */
  public java.util.Map<String, String> peerFacts(K check, String peer) {
    return java.util.Map.of();
  }

  /** The metrics the check exports; {@code live} always reads the check of the running chain. */
  public void exportMetrics(java.util.function.Supplier<K> live, CheckMetrics metrics) {}

  /** {@code check} as this module's type: it was built by this module (names are unique in a chain). */
  public final K cast(Check check) {
    return checkType.cast(check);
  }
}
