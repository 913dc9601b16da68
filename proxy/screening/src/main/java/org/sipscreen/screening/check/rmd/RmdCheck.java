package org.sipscreen.screening.check.rmd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.Verdict;

/**
 * rmd: the upstream peer must be listed in the Robocall Mitigation Database (47 CFR 64.6305: intermediate
 * and terminating providers refuse traffic from providers that are not). Each peer's standing is worked out
 * when the file or the config loads, so a call costs one map lookup: a listed peer continues; a peer whose filing is not in the file is flagged {@code not_listed}, one that names
 * no filing {@code no_record}. The policy's action for the check decides what a flag does; a deterministic
 * reject answers with the section's own status.
 */
public final class RmdCheck implements Check {

  public static final String NAME = "rmd";

  /** A listed peer's verdict: a plain continue, so that decision records stay as short as without the gate. */
  static final Verdict.Continue LISTED = Verdict.CONTINUE;

  /** Counts new files refused as suspect; shared by every check a reload carries it over to. */
  static final class Refusals {
    private final AtomicLong count = new AtomicLong();
    private volatile String lastRefusedVersion = "";

    /** Counts {@code version} unless it was the last one refused; true when counted. */
    boolean refuse(String version) {
      if (version.equals(lastRefusedVersion)) {
        return false;
      }
      lastRefusedVersion = version;
      count.incrementAndGet();
      return true;
    }

    long count() {
      return count.get();
    }
  }

  private final RmdDatabase database;
  private final Map<String, Optional<RmdReference>> references;
  private final Verdict.Reject reject;
  private final double maxDropShare;
  private final Refusals refusals;
  private final Map<String, PeerStanding> standings;
  private final Map<String, Verdict> verdicts;

  /**
   * @param references every configured peer with the filing it names, if any
   * @param reject the answer of a deterministic reject
   * @param maxDropShare the share of peers a new file may unlist before it is refused (see {@link #suspect})
   */
  public RmdCheck(RmdDatabase database, Map<String, Optional<RmdReference>> references, Verdict.Reject reject,
      double maxDropShare) {
    this(database, references, reject, maxDropShare, new Refusals());
  }

  private RmdCheck(RmdDatabase database, Map<String, Optional<RmdReference>> references,
      Verdict.Reject reject, double maxDropShare, Refusals refusals) {
    this.database = Objects.requireNonNull(database, "database");
    this.references = Map.copyOf(references);
    this.reject = Objects.requireNonNull(reject, "reject");
    this.maxDropShare = maxDropShare;
    this.refusals = refusals;
    Map<String, PeerStanding> s = new LinkedHashMap<>();
    Map<String, Verdict> v = new LinkedHashMap<>();
    references.keySet().stream().sorted().forEach(peer -> {
      Optional<RmdReference> ref = references.get(peer);
      PeerStanding standing = new PeerStanding(peer, ref, ref.flatMap(database::find));
      s.put(peer, standing);
      v.put(peer, standing.listed() ? LISTED : new Verdict.Flag(ref.isPresent() ? "not_listed" : "no_record",
          0, List.of(), Optional.of(reject)));
    });
    this.standings = java.util.Collections.unmodifiableMap(s);
    this.verdicts = Map.copyOf(v);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * A call from a configured peer gets that peer's standing; a call without a peer (source_peer let it
   * through in shadow mode) or from a peer the config does not know (the warm-up's) continues.
   */
  @Override
  public Verdict check(ScreenedCall call) {
    Optional<String> peer = call.peerName();
    if (peer.isEmpty()) {
      return Verdict.CONTINUE;
    }
    Verdict v = verdicts.get(peer.get());
    return v == null ? Verdict.CONTINUE : v;
  }

  @Override
  public long heapBytes() {
    return database.heapBytes();
  }

  public RmdDatabase database() {
    return database;
  }

  /** Every configured peer's standing, by peer name in name order. */
  public Map<String, PeerStanding> standings() {
    return standings;
  }

  /** How many new files were refused as suspect since start-up. */
  public long refusedFiles() {
    return refusals.count();
  }

  /** The same peers and settings judged against {@code other}; refusals are counted together. */
  public RmdCheck withDatabase(RmdDatabase other) {
    return new RmdCheck(other, references, reject, maxDropShare, refusals);
  }

  /** This check counting its refusals with {@code running}'s (a reload keeps the count). */
  RmdCheck countingWith(RmdCheck running) {
    return new RmdCheck(database, references, reject, maxDropShare, running.refusals);
  }

  /**
   * Why this check's file must not replace {@code running}'s, or empty when it may: judged with this
   * check's peers, the new file would unlist more than {@code max_drop_share} of them compared with the
   * running file (the FCC's bulk removals are real, but so are truncated downloads and changed exports).
   */
  public Optional<String> suspect(RmdCheck running) {
    if (standings.isEmpty() || database.version().equals(running.database.version())) {
      return Optional.empty();
    }
    Map<String, PeerStanding> before = withDatabase(running.database).standings;
    List<String> dropped = standings.values().stream()
        .filter(s -> !s.listed() && before.get(s.peer()).listed()).map(PeerStanding::peer).toList();
    double share = (double) dropped.size() / standings.size();
    if (share > maxDropShare) {
      return Optional.of(String.format(java.util.Locale.ROOT,
          "it would unlist %d of %d peers (%s), more than max_drop_share %.2f", dropped.size(),
          standings.size(), String.join(",", dropped), maxDropShare));
    }
    return Optional.empty();
  }

  /** Counts a refusal of this check's file; true the first time this version is refused. */
  boolean countRefusal() {
    return refusals.refuse(database.version());
  }
}
