package org.sipscreen.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipscreen.screening.CallingNumberCheck;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.NumberListCheck;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.SourcePeerCheck;
import org.sipscreen.screening.Verdict;

/**
 * Builds the screening chain a config describes, loading its list files. The order is fixed, cheapest
 * first: emergency (always, before anything), source_peer, calling_number, block_list, tag_list.
 */
public final class ScreeningFactory {

  private ScreeningFactory() {}

  public static ScreeningChain build(SipscreenConfig config, Path configFile) throws ConfigException {
    SipscreenConfig.Screening s = config.screening();
    Path base = configFile.toAbsolutePath().getParent();
    PhoneNumbers numbers = new PhoneNumbers(s.defaultCountryCode());
    EmergencyCheck emergency = new EmergencyCheck(s.emergency().numbers(), numbers);
    List<Check> checks = new ArrayList<>();
    checks.add(new SourcePeerCheck(peerTable(config, configFile),
        s.sourcePeer().unknownSource().equals("drop")
            ? new Verdict.Drop("unknown source")
            : new Verdict.Reject(s.sourcePeer().rejectStatus(), s.sourcePeer().rejectReason(), List.of())));
    checks.add(new CallingNumberCheck());
    NumberList allow = load(s.allowList(), base, configFile, "screening.allow_list.file");
    addListCheck(checks, "block_list", s.blockList(), "reject", base, configFile);
    addListCheck(checks, "tag_list", s.tagList(), "tag", base, configFile);
    return new ScreeningChain(numbers, emergency, allow, checks);
  }

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
    Path file = base.resolve(c.file());
    try {
      return NumberList.load(file);
    } catch (IOException e) {
      throw new ConfigException(configFile + ": " + key + ": cannot read " + file + ": " + e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configFile + ": " + key + ": " + e.getMessage());
    }
  }
}
