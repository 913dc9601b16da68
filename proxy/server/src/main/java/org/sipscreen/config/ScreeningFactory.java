package org.sipscreen.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.chain.ChainBuildException;
import org.sipscreen.screening.chain.InstalledChain;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.PeerOverride;

/**
 * Builds the screening chain a config describes: the call-wide settings (numbers, emergency numbers, the
 * allow list, the policy and the peers' overrides) here, every check by its module, in
 * {@link org.sipscreen.screening.chain.CheckRegistry} order. Every problem is a {@link ConfigException}
 * naming the file and the key.
 */
public final class ScreeningFactory {

  private ScreeningFactory() {}

  /** Builds the chain without network clients: for check-config, and before the event loops run. */
  public static InstalledChain build(SipscreenConfig config, Path configFile) throws ConfigException {
    return build(config, configFile, CheckServices.OFFLINE);
  }

  /** Builds the chain with the network clients {@code services} offers (the running proxy's). */
  public static InstalledChain build(SipscreenConfig config, Path configFile, CheckServices services)
      throws ConfigException {
    SipscreenConfig.Screening s = config.screening();
    Path base = configFile.toAbsolutePath().getParent();
    PhoneNumbers numbers = new PhoneNumbers(s.defaultCountryCode());
    EmergencyCheck emergency;
    try {
      emergency = new EmergencyCheck(s.emergency().numbers(), numbers);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configFile + ": screening.emergency.numbers: " + e.getMessage());
    }
    PeerTable peers = peerTable(config, configFile);
    Context context = new Context(base, numbers, peers, overrides(config), services);
    NumberList allow = NumberList.EMPTY;
    if (s.allowList() != null) {
      try {
        allow = context.loadList("allow_list.file", s.allowList().file());
      } catch (CheckConfigException e) {
        throw new ConfigException(configFile + ": screening." + e.key() + ": " + e.getMessage());
      }
    }
    InstalledChain.Setup setup = new InstalledChain.Setup(numbers, emergency, allow,
        s.allowList() == null ? null : s.allowList().file(), policy(config, configFile),
        overridesByPeer(config), peers);
    try {
      InstalledChain chain = InstalledChain.build(setup, s.checks(), context);
      requireRedress(chain.chain().policy(), s.policy(), configFile);
      return services == CheckServices.OFFLINE ? chain : chain.live(context);
    } catch (ChainBuildException e) {
      throw new ConfigException(configFile + ": " + (e.topLevel() ? "" : "screening.") + e.key() + ": "
          + e.getMessage());
    }
  }

  /**
   * The chain {@code prepared} was built from {@code config}, with its network-facing checks on the live
   * clients {@code services} offers. Every loaded list is shared, not read again.
   */
  public static InstalledChain live(InstalledChain prepared, SipscreenConfig config, Path configFile,
      CheckServices services) throws ConfigException {
    SipscreenConfig.Screening s = config.screening();
    PhoneNumbers numbers = new PhoneNumbers(s.defaultCountryCode());
    Context context = new Context(configFile.toAbsolutePath().getParent(), numbers,
        peerTable(config, configFile), overrides(config), services);
    try {
      return prepared.live(context);
    } catch (ChainBuildException e) {
      throw new ConfigException(configFile + ": screening." + e.key() + ": " + e.getMessage());
    }
  }

  /**
   * The policy of {@code screening.policy} and each peer's thresholds and block_all; the checks' actions
   * are added by the chain.
   */
  static Policy policy(SipscreenConfig config, Path configFile) throws ConfigException {
    PolicyConfig p = config.screening().policy();
    Map<String, Policy.PeerPolicy> peers = new LinkedHashMap<>();
    for (Map.Entry<String, SipscreenConfig.PeerConfig> e : config.peers().entrySet()) {
      SipscreenConfig.PeerConfig pc = e.getValue();
      if (pc.blockAll() || pc.tagScore() != null || pc.blockScore() != null) {
        peers.put(e.getKey(), new Policy.PeerPolicy(pc.blockAll(), Optional.ofNullable(pc.tagScore()),
            Optional.ofNullable(pc.blockScore()), Map.of()));
      }
    }
    List<CallTag> tags = new ArrayList<>();
    tags.add(new CallTag.DisplayLabel(p.label()));
    if (p.verstat() != null) {
      tags.add(new CallTag.Verstat(p.verstat()));
    }
    Verdict.Reject analytics603 = Policy.analytics603(
        p.redressUrl() == null ? "https://redress.invalid/" : p.redressUrl(),
        Optional.ofNullable(p.redressTel()), Optional.ofNullable(p.redressEmail()), p.location());
    Verdict.Reject deterministic = new Verdict.Reject(p.deterministicStatus(),
        p.deterministicStatus() == 608 ? "Rejected" : "Decline", List.of());
    return new Policy(p.shadow(), p.tagScore(), p.blockScore(), tags, analytics603, deterministic,
        new Verdict.Reject(p.blockedPeerStatus(), p.blockedPeerReason(), List.of()), Map.of(), peers);
  }

  /** 603+ needs a redress URL (ATIS-1000099): a policy that can answer 603+ without one is refused. */
  private static void requireRedress(Policy policy, PolicyConfig p, Path configFile)
      throws ConfigException {
    boolean analytics = policy.blockScore() <= 100;
    for (Policy.CheckPolicy c : policy.checks().values()) {
      analytics |= c.action() == PolicyAction.REJECT_ANALYTICS;
    }
    for (Policy.PeerPolicy peer : policy.peers().values()) {
      analytics |= peer.blockScore().filter(b -> b <= 100).isPresent();
      for (Policy.CheckPolicy c : peer.checks().values()) {
        analytics |= c.action() == PolicyAction.REJECT_ANALYTICS;
      }
    }
    if (analytics && p.redressUrl() == null) {
      throw new ConfigException(configFile + ": screening.policy.redress_url: required, because the policy"
          + " can answer 603+ (ATIS-1000099 requires a redress contact)");
    }
  }

  /** {@code peers.<peer>.checks.<check>}, by peer then check. */
  private static Map<String, Map<String, PeerOverride>> overridesByPeer(SipscreenConfig config) {
    Map<String, Map<String, PeerOverride>> out = new LinkedHashMap<>();
    config.peers().forEach((peer, pc) -> {
      if (!pc.checks().byCheck().isEmpty()) {
        out.put(peer, pc.checks().byCheck());
      }
    });
    return out;
  }

  /** {@code peers.<peer>.checks.<check>}, by check then peer. */
  private static Map<String, Map<String, PeerOverride>> overrides(SipscreenConfig config) {
    Map<String, Map<String, PeerOverride>> out = new LinkedHashMap<>();
    config.peers().forEach((peer, pc) -> pc.checks().byCheck().forEach((check, o) ->
        out.computeIfAbsent(check, k -> new LinkedHashMap<>()).put(peer, o)));
    return out;
  }

  /** The configured peers as a lookup table. */
  public static PeerTable peerTable(SipscreenConfig config, Path configFile) throws ConfigException {
    Map<String, List<String>> peers = new LinkedHashMap<>();
    config.peers().forEach((name, peer) -> peers.put(name, peer.networks()));
    try {
      return PeerTable.of(peers);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configFile + ": peers: " + e.getMessage());
    }
  }

  /** What a module may use while it builds its check. */
  private record Context(Path base, PhoneNumbers numbers, PeerTable peers,
      Map<String, Map<String, PeerOverride>> overrides, CheckServices services) implements CheckContext {

    @Override
    public Map<String, PeerOverride> peerOverrides(String check) {
      return overrides.getOrDefault(check, Map.of());
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
      return services.get(type);
    }
  }
}
