package org.sipscreen.screening.check.rmd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.check.CheckConfigException;
import org.sipscreen.screening.check.CheckContext;
import org.sipscreen.screening.check.CheckMetrics;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.screening.check.DataFile;
import org.sipscreen.screening.check.LoadedList;
import org.sipscreen.screening.check.PeerOverride;

/**
 * Builds rmd from {@code screening.rmd} and each peer's {@code checks.rmd.record}; on when the section is
 * present. A reload that brings a file unlisting too many peers keeps the running file.
 */
public final class RmdModule extends CheckModule<RmdConfig, RmdCheck> {

  public static final RmdModule INSTANCE = new RmdModule();

  private static final System.Logger LOG = System.getLogger(RmdModule.class.getName());

  private RmdModule() {
    super(RmdCheck.NAME, RmdConfig.class, RmdCheck.class);
  }

  /** Alert only until the operator has seen every peer listed. */
  @Override
  public PolicyAction defaultAction() {
    return PolicyAction.ALLOW;
  }

  @Override
  public Class<? extends PeerOverride> peerOverrideType() {
    return RmdPeerOverride.class;
  }

  @Override
  public RmdCheck build(RmdConfig config, CheckContext context) throws CheckConfigException {
    Path path = context.resolve(config.file());
    RmdDatabase database;
    try {
      database = RmdDatabase.load(path, config.columnMap());
    } catch (IOException e) {
      throw new CheckConfigException("file", "cannot read " + path + ": " + CheckConfigException.describe(e),
          e);
    } catch (RmdFormatException e) {
      throw new CheckConfigException("file", e.getMessage(), e);
    }
    Map<String, Optional<RmdReference>> references = new HashMap<>();
    context.peers().peerNames().forEach(p -> references.put(p, Optional.empty()));
    for (Map.Entry<String, PeerOverride> o : context.peerOverrides(name()).entrySet()) {
      if (o.getValue() instanceof RmdPeerOverride rmd && rmd.record() != null) {
        references.put(o.getKey(), RmdReference.parse(rmd.record()));
      }
    }
    return new RmdCheck(database, references, config.reject(), config.maxDropShare());
  }

  @Override
  public List<DataFile> files(RmdConfig config) {
    return List.of(new DataFile(name(), "screening.rmd.file", config.file()));
  }

  /**
   * The new check, with the running file instead of the new one when the new one would unlist too many
   * peers; logs each peer whose standing changed.
   */
  @Override
  public RmdCheck carryOver(RmdCheck running, RmdCheck built) {
    RmdCheck next = built.countingWith(running);
    Optional<String> suspect = next.suspect(running);
    if (suspect.isPresent()) {
      if (next.countRefusal()) {
        LOG.log(System.Logger.Level.WARNING, "rmd file refused as suspect version=" + next.database().version()
            + " records=" + next.database().records() + ": " + suspect.get() + "; the running version "
            + running.database().version() + " stays");
      }
      return next.withDatabase(running.database());
    }
    for (PeerStanding s : next.standings().values()) {
      PeerStanding before = running.standings().get(s.peer());
      if (before == null || before.listed() != s.listed()) {
        LOG.log(s.listed() ? System.Logger.Level.INFO : System.Logger.Level.WARNING, s.describe());
      }
    }
    return next;
  }

  /** The generic reload guard refused the new file (empty, or shrunk too much): keep the running one. */
  @Override
  public RmdCheck keepList(String list, RmdCheck running, RmdCheck built) {
    return built.countingWith(running).withDatabase(running.database());
  }

  @Override
  public List<LoadedList> lists(RmdCheck check) {
    RmdDatabase d = check.database();
    return List.of(new LoadedList(name(), d.records(), d.version(), d.loadTime()));
  }

  @Override
  public List<String> summary(RmdCheck check) {
    return check.standings().values().stream().map(PeerStanding::describe).toList();
  }

  /** The peer's filing as config names it and as the loaded file has it. */
  @Override
  public Map<String, String> peerFacts(RmdCheck check, String peer) {
    PeerStanding s = check.standings().get(peer);
    if (s == null) {
      return Map.of();
    }
    Map<String, String> facts = new java.util.LinkedHashMap<>();
    facts.put("rmd_record", s.reference().map(RmdReference::text).orElse(""));
    facts.put("rmd_listed", s.listed() ? "yes" : "no");
    s.record().ifPresent(r -> {
      facts.put("rmd_number", r.rmdNumber());
      facts.put("rmd_frn", r.frn());
      facts.put("rmd_business_name", r.businessName());
      facts.put("rmd_ocn", r.ocn());
      facts.put("rmd_contact_name", r.contactName());
      facts.put("rmd_contact_telephone", r.contactTelephone());
      facts.put("rmd_contact_email", r.contactEmail());
    });
    facts.values().removeIf(String::isEmpty);
    return facts;
  }

  @Override
  public void exportMetrics(Supplier<RmdCheck> live, CheckMetrics metrics) {
    metrics.gauge("sipscreen_rmd_peer_listed",
        "1 when the peer's filing is in the loaded Robocall Mitigation Database file, else 0", "peer",
        () -> {
          Map<String, Double> m = new HashMap<>();
          live.get().standings().forEach((p, s) -> m.put(p, s.listed() ? 1.0 : 0.0));
          return m;
        });
    metrics.gauge("sipscreen_rmd_records", "Filers in the loaded Robocall Mitigation Database file",
        () -> live.get().database().records());
    metrics.counter("sipscreen_rmd_files_refused",
        "New RMD files refused as suspect (they would unlist more than max_drop_share of the peers)",
        () -> live.get().refusedFiles());
  }
}
