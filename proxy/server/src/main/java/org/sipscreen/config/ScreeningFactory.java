package org.sipscreen.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.CallingNumberCheck;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.DoNotOriginateCheck;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.InvalidNumberCheck;
import org.sipscreen.screening.NeighborSpoofingCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.NumberListCheck;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.ReputationCheck;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.SourcePeerCheck;
import org.sipscreen.screening.VelocityCheck;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.numbering.CountryCodeLengths;
import org.sipscreen.screening.numbering.NanpNumberingPlan;
import org.sipscreen.screening.numbering.NumberValidity;
import org.sipscreen.screening.reputation.ReputationBands;
import org.sipscreen.screening.reputation.ReputationFeed;
import org.sipscreen.screening.reputation.ReputationSettings;
import org.sipscreen.screening.reputation.ReputationSource;
import org.sipscreen.screening.velocity.SequentialDialing;
import org.sipscreen.screening.velocity.VelocityLimits;

/**
 * Builds the screening chain a config describes, loading its list files. The order is fixed, cheapest
 * first: emergency (always, before anything), source_peer, calling_number, invalid_number,
 * do_not_originate, block_list, tag_list, neighbor_spoofing, velocity, stir_shaken (crypto, certificate
 * lookups), reputation (remote, last). A
 * check whose section is absent is off.
 */
public final class ScreeningFactory {

  private ScreeningFactory() {}

  /** Builds the chain to check a config: a reputation service, if any, is configured but never called. */
  public static ScreeningChain build(SipscreenConfig config, Path configFile) throws ConfigException {
    return build(config, configFile, settings -> Optional.empty());
  }

  /**
   * Builds the chain to run.
   *
   * @param remote makes the client of the reputation service the config names
   */
  public static ScreeningChain build(SipscreenConfig config, Path configFile,
      java.util.function.Function<org.sipscreen.reputation.HttpReputationSource.Settings,
          Optional<ReputationSource>> remote) throws ConfigException {
    return build(config, configFile, remote, StirWiring.OFFLINE);
  }

  /**
   * Builds the chain to run.
   *
   * @param remote makes the client of the reputation service the config names
   * @param stir the certificate fetcher and cache listener of the stir_shaken check
   */
  public static ScreeningChain build(SipscreenConfig config, Path configFile,
      java.util.function.Function<org.sipscreen.reputation.HttpReputationSource.Settings,
          Optional<ReputationSource>> remote, StirWiring stir) throws ConfigException {
    SipscreenConfig.Screening s = config.screening();
    Path base = configFile.toAbsolutePath().getParent();
    PhoneNumbers numbers = new PhoneNumbers(s.defaultCountryCode());
    EmergencyCheck emergency = new EmergencyCheck(s.emergency().numbers(), numbers);
    List<Check> checks = new ArrayList<>();
    checks.add(new SourcePeerCheck(peerTable(config, configFile),
        s.sourcePeer().unknownSource().equals("drop")
            ? new Verdict.Drop("unknown source")
            : new Verdict.Reject(s.sourcePeer().rejectStatus(), s.sourcePeer().rejectReason(), List.of())));
    checks.add(new CallingNumberCheck(s.callingNumber().score()));
    NumberList allow = load(s.allowList(), base, configFile, "screening.allow_list.file");
    Map<String, Policy.CheckPolicy> checkPolicies = new LinkedHashMap<>();
    // Access control holds in global shadow mode; only its own shadow flag makes it observe.
    checkPolicies.put(SourcePeerCheck.NAME, new Policy.CheckPolicy(PolicyAction.SCORE,
        s.sourcePeer().shadow()));
    checkPolicies.put(CallingNumberCheck.NAME, checkPolicy(s.callingNumber().action(),
        s.callingNumber().shadow(), PolicyAction.ALLOW));
    if (s.invalidNumber() != null) {
      checks.add(invalidNumber(s.invalidNumber(), base, configFile));
      checkPolicies.put("invalid_number", checkPolicy(s.invalidNumber().action(),
          s.invalidNumber().shadow(), PolicyAction.REJECT_DETERMINISTIC));
    }
    if (s.doNotOriginate() != null) {
      CheckConfigs.DoNotOriginate c = s.doNotOriginate();
      checks.add(new DoNotOriginateCheck(load(c.file(), base, configFile,
          "screening.do_not_originate.file")));
      checkPolicies.put("do_not_originate", checkPolicy(c.action(), c.shadow(),
          PolicyAction.REJECT_DETERMINISTIC));
    }
    addListCheck(checks, "block_list", s.blockList(), "reject", base, configFile);
    addListCheck(checks, "tag_list", s.tagList(), "tag", base, configFile);
    if (s.neighborSpoofing() != null) {
      CheckConfigs.NeighborSpoofing c = s.neighborSpoofing();
      try {
        checks.add(new NeighborSpoofingCheck(NeighborSpoofingCheck.Mode.fromConfig(c.mode()),
            c.allowList() == null ? NumberList.EMPTY
                : load(c.allowList(), base, configFile, "screening.neighbor_spoofing.allow_list"),
            c.score()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(configFile + ": screening.neighbor_spoofing: " + e.getMessage());
      }
      checkPolicies.put("neighbor_spoofing", checkPolicy(c.action(), c.shadow(), PolicyAction.TAG));
    }
    if (s.velocity() != null) {
      CheckConfigs.Velocity c = s.velocity();
      try {
        VelocityLimits defaults = limits(VelocityLimits.NONE, c.callerPerSecond(), c.callerPerMinute(),
            c.callerPerHour(), c.peerPerSecond(), c.sequentialDialing(), c.anonymousPerSecond());
        Map<String, VelocityLimits> peers = new LinkedHashMap<>();
        for (Map.Entry<String, CheckConfigs.VelocityLimits> e : c.peers().entrySet()) {
          if (!s.sourcePeer().peers().containsKey(e.getKey())) {
            throw new IllegalArgumentException("peers." + e.getKey()
                + ": no such peer in screening.source_peer.peers");
          }
          CheckConfigs.VelocityLimits p = e.getValue();
          peers.put(e.getKey(), limits(defaults, p.callerPerSecond(), p.callerPerMinute(),
              p.callerPerHour(), p.peerPerSecond(), p.sequentialDialing(), p.anonymousPerSecond()));
        }
        checks.add(new VelocityCheck(defaults, peers, c.score(), c.maxTrackedNumbers()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(configFile + ": screening.velocity: " + e.getMessage());
      }
      checkPolicies.put("velocity", checkPolicy(c.action(), c.shadow(), PolicyAction.REJECT_ANALYTICS));
    }
    if (s.stirShaken() != null && s.stirShaken().enabled()) {
      checks.add(StirShakenFactory.check(s.stirShaken(), base, configFile, stir));
      checkPolicies.put(org.sipscreen.screening.StirShakenCheck.NAME,
          checkPolicy(s.stirShaken().action(), s.stirShaken().shadow(), PolicyAction.SCORE));
    }
    if (s.reputation() != null) {
      checks.add(reputation(s.reputation(), base, configFile, remote));
      checkPolicies.put(ReputationCheck.NAME,
          checkPolicy(s.reputation().action(), s.reputation().shadow(), PolicyAction.SCORE));
    }
    return new ScreeningChain(numbers, emergency, allow, checks,
        policy(config, configFile, checks, checkPolicies));
  }

  /**
   * The policy of {@code screening.policy} with each check's own action. 603+ needs a redress URL: a
   * config that can answer 603+ without one is refused.
   */
  static Policy policy(SipscreenConfig config, Path configFile, List<Check> checks,
      Map<String, Policy.CheckPolicy> checkPolicies) throws ConfigException {
    PolicyConfig p = config.screening().policy();
    String key = configFile + ": screening.policy";
    List<String> checkNames = checks.stream().map(Check::name).toList();
    Map<String, Policy.PeerPolicy> peers = new LinkedHashMap<>();
    boolean analytics = p.blockScore() <= 100
        || checkPolicies.values().stream().anyMatch(c -> c.action() == PolicyAction.REJECT_ANALYTICS);
    for (Map.Entry<String, PolicyConfig.PeerPolicyConfig> e : p.peers().entrySet()) {
      if (!config.screening().sourcePeer().peers().containsKey(e.getKey())) {
        throw new ConfigException(key + ".peers." + e.getKey()
            + ": no such peer in screening.source_peer.peers");
      }
      Map<String, Policy.CheckPolicy> overrides = new LinkedHashMap<>();
      for (Map.Entry<String, PolicyConfig.CheckPolicyConfig> c : e.getValue().checks().entrySet()) {
        if (!checkNames.contains(c.getKey())) {
          throw new ConfigException(key + ".peers." + e.getKey() + ".checks." + c.getKey()
              + ": no such check in the chain " + checkNames);
        }
        PolicyAction action = c.getValue().action() == null
            ? checkPolicies.getOrDefault(c.getKey(), DEFAULT_CHECK).action()
            : PolicyAction.parse(c.getValue().action());
        analytics |= action == PolicyAction.REJECT_ANALYTICS;
        overrides.put(c.getKey(), new Policy.CheckPolicy(action, c.getValue().shadow()));
      }
      PolicyConfig.PeerPolicyConfig pc = e.getValue();
      analytics |= pc.blockScore() != null && pc.blockScore() <= 100;
      peers.put(e.getKey(), new Policy.PeerPolicy(pc.blockAll(), Optional.ofNullable(pc.tagScore()),
          Optional.ofNullable(pc.blockScore()), overrides));
    }
    if (analytics && p.redressUrl() == null) {
      throw new ConfigException(key + ".redress_url: required, because the policy can answer 603+"
          + " (ATIS-1000099 requires a redress contact)");
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
        new Verdict.Reject(p.blockedPeerStatus(), p.blockedPeerReason(), List.of()), checkPolicies, peers);
  }

  private static InvalidNumberCheck invalidNumber(CheckConfigs.InvalidNumber c, Path base,
      Path configFile) throws ConfigException {
    String key = configFile + ": screening.invalid_number";
    Path npa = base.resolve(c.npaFile() == null ? "data/nanp-npa.txt" : c.npaFile());
    Optional<Path> co = Optional.ofNullable(c.coCodeFile()).map(base::resolve);
    NanpNumberingPlan plan;
    try {
      plan = NanpNumberingPlan.load(npa, co);
    } catch (IOException e) {
      throw new ConfigException(key + ": cannot read numbering data: "
          + (e instanceof java.nio.file.FileSystemException f && f.getFile() != null ? f.getFile() + ": " : "")
          + ConfigException.describe(e));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
    try {
      Map<NumberValidity, Integer> scores = new java.util.EnumMap<>(NumberValidity.class);
      for (NumberValidity v : NumberValidity.values()) {
        if (v != NumberValidity.VALID) {
          scores.put(v, v.structural() ? c.score() : c.dataScore());
        }
      }
      for (Map.Entry<String, Integer> e : c.scores().entrySet()) {
        NumberValidity v;
        try {
          v = NumberValidity.fromLabel(e.getKey());
        } catch (IllegalArgumentException bad) {
          throw new IllegalArgumentException("scores." + e.getKey() + ": unknown category");
        }
        scores.put(v, e.getValue());
      }
      return new InvalidNumberCheck(plan, COUNTRY_LENGTHS.get(), scores);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
  }

  /** Built once per JVM from libphonenumber's metadata (about 0.3 s), shared by every chain. */
  private static final java.util.function.Supplier<CountryCodeLengths> COUNTRY_LENGTHS =
      new java.util.function.Supplier<>() {
        private volatile CountryCodeLengths lengths;

        @Override
        public CountryCodeLengths get() {
          CountryCodeLengths l = lengths;
          if (l == null) {
            synchronized (this) {
              l = lengths;
              if (l == null) {
                lengths = l = CountryCodeLengths.libphonenumber();
              }
            }
          }
          return l;
        }
      };

  private static ReputationCheck reputation(CheckConfigs.Reputation c, Path base, Path configFile,
      java.util.function.Function<org.sipscreen.reputation.HttpReputationSource.Settings,
          Optional<ReputationSource>> remote) throws ConfigException {
    String key = configFile + ": screening.reputation";
    ReputationSettings d = ReputationSettings.DEFAULTS;
    ReputationSettings settings;
    Optional<org.sipscreen.reputation.HttpReputationSource.Settings> http = Optional.empty();
    try {
      ReputationBands bands = c.bands() == null ? d.bands() : new ReputationBands(
          c.bands().medium() == null ? d.bands().mediumFrom() : c.bands().medium(),
          c.bands().high() == null ? d.bands().highFrom() : c.bands().high(),
          c.bands().veryHigh() == null ? d.bands().veryHighFrom() : c.bands().veryHigh());
      Map<ReputationBands.Band, Integer> scores = new java.util.EnumMap<>(ReputationBands.Band.class);
      for (Map.Entry<String, Integer> e : c.score().entrySet()) {
        ReputationBands.Band band;
        try {
          band = ReputationBands.Band.valueOf(e.getKey().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException bad) {
          throw new IllegalArgumentException("score." + e.getKey()
              + ": unknown band (low, medium, high, very_high)");
        }
        scores.put(band, e.getValue());
      }
      settings = new ReputationSettings(
          millis(c.deadlineMs(), d.deadline()), seconds(c.cacheTtlSeconds(), d.cacheTtl()),
          seconds(c.negativeTtlSeconds(), d.notFoundTtl()), seconds(c.errorTtlSeconds(), d.errorTtl()),
          millis(c.lookupTimeoutMs(), d.lookupTimeout()),
          c.maxCachedNumbers() == null ? d.maxCachedNumbers() : c.maxCachedNumbers(),
          c.circuitBreaker().failures() == null ? d.circuitFailures() : c.circuitBreaker().failures(),
          seconds(c.circuitBreaker().coolDownSeconds(), d.circuitCoolDown()), bands, scores);
      http = reputationService(c);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
    ReputationFeed feed = ReputationFeed.EMPTY;
    if (c.feedFile() != null) {
      Path file = base.resolve(c.feedFile());
      try {
        feed = ReputationFeed.load(file);
      } catch (IOException e) {
        throw new ConfigException(key + ".feed_file: cannot read " + file + ": " + ConfigException.describe(e));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ".feed_file: " + e.getMessage());
      }
    }
    return withService(settings, feed, http.flatMap(remote));
  }

  /** A reputation check on the service {@code source} (feed-only when empty), timed on the shared timer. */
  private static ReputationCheck withService(ReputationSettings settings, ReputationFeed feed,
      Optional<ReputationSource> source) {
    if (source.isEmpty()) {
      return ReputationCheck.feedOnly(settings, feed);
    }
    return new ReputationCheck(settings, feed, source, com.github.benmanes.caffeine.cache.Ticker
        .systemTicker(), REPUTATION_TIMER);
  }

  /** The reputation service's client settings, when the config names a url. */
  private static Optional<org.sipscreen.reputation.HttpReputationSource.Settings> reputationService(
      CheckConfigs.Reputation c) {
    if (c.url() == null) {
      return Optional.empty();
    }
    var dh = org.sipscreen.reputation.HttpReputationSource.Settings.of(c.url());
    return Optional.of(new org.sipscreen.reputation.HttpReputationSource.Settings(c.url(),
        millis(c.connectTimeoutMs(), dh.connectTimeout()),
        millis(c.requestTimeoutMs(), dh.requestTimeout()),
        c.maxConnections() == null ? dh.maxConnections() : c.maxConnections(),
        c.maxResponseBytes() == null ? dh.maxResponseBytes() : c.maxResponseBytes()));
  }

  /**
   * The chain {@code prepared} was built from {@code config} (by {@link #build(SipscreenConfig, Path)}),
   * with its network-facing checks on live clients: reputation asks the service {@code remote} makes a
   * client for (its loaded feed kept) and stir_shaken fetches through {@code stir}. Every other check and
   * every loaded list is shared, not read again.
   */
  public static ScreeningChain live(ScreeningChain prepared, SipscreenConfig config, Path configFile,
      java.util.function.Function<org.sipscreen.reputation.HttpReputationSource.Settings,
          Optional<ReputationSource>> remote, StirWiring stir) throws ConfigException {
    SipscreenConfig.Screening s = config.screening();
    List<Check> checks = new ArrayList<>(prepared.checks().size());
    for (Check c : prepared.checks()) {
      if (c instanceof ReputationCheck r && s.reputation() != null) {
        Optional<ReputationSource> source;
        try {
          source = reputationService(s.reputation()).flatMap(remote);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(configFile + ": screening.reputation: " + e.getMessage());
        }
        checks.add(source.isEmpty() ? r : withService(r.settings(), r.feed(), source));
      } else if (c instanceof org.sipscreen.screening.StirShakenCheck
          && s.stirShaken() != null && s.stirShaken().enabled()) {
        checks.add(StirShakenFactory.check(s.stirShaken(), configFile.toAbsolutePath().getParent(),
            configFile, stir));
      } else {
        checks.add(c);
      }
    }
    return prepared.withChecks(checks);
  }

  /**
   * The reputation deadlines fire on one shared daemon timer thread: a deadline only completes a future
   * (the chain goes on from there), so one thread serves every call.
   */
  private static final com.github.benmanes.caffeine.cache.Scheduler REPUTATION_TIMER =
      com.github.benmanes.caffeine.cache.Scheduler.systemScheduler();

  private static java.time.Duration millis(Integer value, java.time.Duration fallback) {
    return value == null ? fallback : java.time.Duration.ofMillis(value);
  }

  private static java.time.Duration seconds(Integer value, java.time.Duration fallback) {
    return value == null ? fallback : java.time.Duration.ofSeconds(value);
  }

  /** Velocity limits: the given values over {@code base}, each left-out value keeping the base's. */
  private static VelocityLimits limits(VelocityLimits base, Integer perSecond, Integer perMinute,
      Integer perHour, Integer peerPerSecond, CheckConfigs.Sequential sequential,
      Integer anonymousPerSecond) {
    VelocityLimits l = base;
    if (perSecond != null) {
      l = l.withCallerPerSecond(perSecond);
    }
    if (perMinute != null) {
      l = l.withCallerPerMinute(perMinute);
    }
    if (perHour != null) {
      l = l.withCallerPerHour(perHour);
    }
    if (peerPerSecond != null) {
      l = l.withPeerPerSecond(peerPerSecond);
    }
    if (anonymousPerSecond != null) {
      l = l.withAnonymousPerSecond(anonymousPerSecond);
    }
    if (sequential != null) {
      l = l.withSequentialDialing(new SequentialDialing(sequential.count(),
          java.time.Duration.ofSeconds(sequential.windowSeconds()), sequential.maxStep()));
    }
    return l;
  }

  private static Policy.CheckPolicy checkPolicy(String action, Boolean shadow, PolicyAction fallback) {
    return new Policy.CheckPolicy(action == null ? fallback : PolicyAction.parse(action),
        shadow != null && shadow);
  }

  private static final Policy.CheckPolicy DEFAULT_CHECK = new Policy.CheckPolicy(PolicyAction.SCORE, false);

  /** The configured peers as a lookup table. */
  public static PeerTable peerTable(SipscreenConfig config, Path configFile) throws ConfigException {
    Map<String, List<String>> peers = new LinkedHashMap<>();
    config.screening().sourcePeer().peers().forEach((name, peer) -> peers.put(name, peer.networks()));
    try {
      return PeerTable.of(peers);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configFile + ": screening.source_peer.peers: " + e.getMessage());
    }
  }

  private static void addListCheck(List<Check> checks, String name, SipscreenConfig.NumberListConfig c,
      String defaultAction, Path base, Path configFile) throws ConfigException {
    if (c.file() == null) {
      return;
    }
    String key = "screening." + name;
    NumberList list = load(c, base, configFile, key + ".file");
    Verdict onListed;
    try {
      onListed = switch (c.actionOr(defaultAction)) {
        case "reject" -> NumberListCheck.reject(c.rejectStatus() == null ? 603 : c.rejectStatus(),
            c.rejectReason() == null ? "Decline" : c.rejectReason(), Optional.ofNullable(c.reasonText()));
        case "drop" -> new Verdict.Drop(name);
        default -> NumberListCheck.tag(Optional.ofNullable(
            c.label() == null && c.verstat() == null ? "SPAM?" : c.label()),
            Optional.ofNullable(c.verstat()));
      };
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configFile + ": " + key + ": " + e.getMessage());
    }
    checks.add(new NumberListCheck(name, list, onListed));
  }

  private static NumberList load(SipscreenConfig.NumberListConfig c, Path base, Path configFile,
      String key) throws ConfigException {
    if (c.file() == null) {
      return NumberList.EMPTY;
    }
    return load(c.file(), base, configFile, key);
  }

  private static NumberList load(String name, Path base, Path configFile, String key)
      throws ConfigException {
    Path file = base.resolve(name);
    try {
      return NumberList.load(file);
    } catch (IOException e) {
      throw new ConfigException(configFile + ": " + key + ": cannot read " + file + ": " + ConfigException.describe(e));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configFile + ": " + key + ": " + e.getMessage());
    }
  }
}
