package org.sipscreen.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipscreen.Sipscreen;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.reload.ConfigFiles;
import org.sipscreen.reload.Reloader;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.Policy;

/**
 * What {@code check-config} says about a config that loads: problems the loader cannot see (a records
 * directory the proxy could not write), warnings (a policy whose thresholds make no sense), and a one-screen
 * summary of what the config turns on: checks in order with their actions, policy, peers, lists.
 */
final class ConfigReport {

  private ConfigReport() {}

  /** Why decision records could not be written where the config puts them; empty when they can. */
  static Optional<String> recordsProblem(Sipscreen.Prepared prepared) {
    SipscreenConfig config = prepared.config();
    if (!config.recordsOn()) {
      return Optional.empty();
    }
    Path dir = prepared.configFile().toAbsolutePath().getParent().resolve(config.records().directory())
        .normalize();
    String key = prepared.configFile() + ": records.directory: " + dir;
    // The directory, or the nearest folder above it that exists (the proxy creates what is missing).
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return Optional.of(key + ": no part of the path exists");
    }
    if (!Files.isDirectory(existing)) {
      return Optional.of(key + ": " + existing + " is a file, not a directory");
    }
    try {
      Path probe = Files.createTempFile(existing, ".sipscreen-check-", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      return Optional.of(key + ": " + (existing.equals(dir) ? "not writable" : "cannot be created ("
          + existing + " is not writable)") + " by this user; decision records would be lost");
    }
    return Optional.empty();
  }

  /** Settings that load but probably do not do what the operator meant. */
  static List<String> warnings(Sipscreen.Prepared prepared) {
    List<String> warnings = new ArrayList<>();
    Policy policy = prepared.chain().policy();
    String file = prepared.configFile().toString();
    if (policy.blockScore() < 101 && policy.blockScore() <= policy.tagScore()) {
      warnings.add(file + ": screening.policy: block_score " + policy.blockScore() + " is not above tag_score "
          + policy.tagScore() + ": a call that reaches tag_score is blocked, never only tagged");
    }
    for (Map.Entry<String, Policy.PeerPolicy> p : new java.util.TreeMap<>(policy.peers()).entrySet()) {
      int tag = p.getValue().tagScore().orElse(policy.tagScore());
      int block = p.getValue().blockScore().orElse(policy.blockScore());
      if (!p.getValue().blockAll() && block < 101 && block <= tag
          && (p.getValue().tagScore().isPresent() || p.getValue().blockScore().isPresent())) {
        warnings.add(file + ": peers." + p.getKey() + ": block_score " + block
            + " is not above tag_score " + tag + ": a call that reaches tag_score is blocked, never only"
            + " tagged");
      }
    }
    if (policy.shadow()) {
      warnings.add(file + ": screening.policy.shadow is true: calls are judged and counted, never tagged,"
          + " rejected or dropped");
    }
    return warnings;
  }

  /** The summary printed after "OK": a screen's worth of lines. */
  /** {@code 500 requests per 1s a source, ban 2m; carrier-a 20000} or {@code off}. */
  static String flood(org.sipscreen.config.SipscreenConfig config) {
    if (!config.floodOn()) {
      return "off";
    }
    org.sipscreen.config.FloodConfig f = config.flood();
    StringBuilder sb = new StringBuilder().append(f.maxRequests()).append(" requests per ")
        .append(org.sipscreen.screening.check.ConfigDurations.format(f.window())).append(" a source, ban ")
        .append(org.sipscreen.screening.check.ConfigDurations.format(f.ban()));
    new java.util.TreeMap<>(f.peers()).forEach((peer, limit) -> {
      sb.append("; ").append(peer);
      if (limit.maxRequests() != null) {
        sb.append(' ').append(limit.maxRequests());
      }
      if (limit.maxRequestsTotal() != null) {
        sb.append(" (").append(limit.maxRequestsTotal()).append(" in all)");
      }
    });
    return sb.toString();
  }

  /**
   * {@code at most 64512 connections (open-files limit 65536 - 1024 reserved), 32 per source, 4096 per peer
   * source; 64MiB in incomplete messages}: the open-files limit is this process's, which may differ from the
   * service's (LimitNOFILE in its unit).
   */
  static String tcp(org.sipscreen.config.SipscreenConfig.Sip sip) {
    org.sipscreen.transport.TcpConnectionBudget budget = Sipscreen.tcpBudget(sip);
    return "at most " + budget.describe() + " connections" + (budget.leavesNone() ? " (NONE: "
        + Sipscreen.noTcpBudget(budget) + ")" : "") + ", " + sip.tcpMaxConnectionsPerSource() + " per source, "
        + sip.tcpMaxConnectionsPerPeerSource() + " per peer source; " + sip.tcpBufferMemory()
        + " in incomplete messages";
  }

  static List<String> summary(Sipscreen.Prepared prepared) {
    List<String> lines = new ArrayList<>();
    Policy policy = prepared.chain().policy();
    lines.add("sip: " + Sipscreen.listenersText(prepared.settings()) + " -> "
        + Sipscreen.routeText(prepared.settings().defaultRoute())
        + Sipscreen.nextHopsText(prepared.settings().nextHops()));
    lines.add("checks, in order:");
    int i = 0;
    for (String name : prepared.chain().checkNames()) {
      Check check = prepared.chain().checks().stream().filter(c -> c.name().equals(name)).findFirst()
          .orElse(null);
      lines.add(String.format("  %2d %-18s %s", i++, name, action(name, check, prepared, policy)));
    }
    lines.add("policy: tag at score " + threshold(policy.tagScore()) + ", 603+ at score "
        + threshold(policy.blockScore()) + (policy.shadow() ? ", SHADOW (nothing enforced)" : ""));
    List<String> peers = new ArrayList<>();
    List<String> own = new ArrayList<>();
    prepared.installed().peerNames().stream().sorted().forEach(p -> {
          peers.add(p);
          Policy.PeerPolicy pp = policy.peers().get(p);
          if (pp != null) {
            own.add("  " + p + ": " + peerPolicy(pp, policy));
          }
        });
    lines.add("peers: " + (peers.isEmpty() ? "none" : String.join(", ", peers)));
    lines.addAll(own);
    prepared.installed().summary().forEach(l -> lines.add("  " + l));
    lines.add("lists:");
    for (Map.Entry<String, Path> f : ConfigFiles.of(prepared.config(), prepared.installed(),
        prepared.configFile()).entrySet()) {
      org.sipscreen.screening.check.LoadedList list = Reloader.list(f.getKey(), prepared.installed());
      if (list != null) {
        lines.add(String.format("  %-28s %,12d entries  %s", f.getKey(), list.entries(), f.getValue()));
      } else if (!f.getKey().equals(ConfigFiles.CONFIG) && !f.getKey().equals("admin_token")) {
        lines.add(String.format("  %-28s %12s          %s", f.getKey(), "data", f.getValue()));
      }
    }
    lines.add("flood: " + flood(prepared.config()));
    lines.add("tcp: " + tcp(prepared.config().sip()));
    lines.add("records: " + (prepared.config().recordsOn()
        ? prepared.configFile().toAbsolutePath().getParent().resolve(prepared.config().records().directory())
            .normalize().toString()
        : "off"));
    return lines;
  }

  private static String peerPolicy(Policy.PeerPolicy p, Policy policy) {
    if (p.blockAll()) {
      return "blocked: every INVITE refused";
    }
    StringBuilder sb = new StringBuilder("tag at score " + threshold(p.tagScore().orElse(policy.tagScore()))
        + ", 603+ at score " + threshold(p.blockScore().orElse(policy.blockScore())));
    new java.util.TreeMap<>(p.checks()).forEach((check, c) -> sb.append("; ").append(check).append(' ')
        .append(c.action().label()).append(c.shadow() ? " (shadow)" : ""));
    return sb.toString();
  }

  private static String threshold(int score) {
    return score >= 101 ? "never" : Integer.toString(score);
  }

  private static String action(String name, Check check, Sipscreen.Prepared prepared, Policy policy) {
    if (name.equals("emergency")) {
      return "forward at once; access control still applies";
    }
    if (check != null && check.controlsAccess()) {
      var unknown = prepared.settings().unknownSources();
      Policy.CheckPolicy p = policy.forCheck(Optional.empty(), name);
      return "unknown sources: " + (unknown.drop() ? "drop" : "reject " + unknown.status() + " "
          + unknown.reason()) + (p.shadow() ? " (shadow: admitted)" : "");
    }
    Policy.CheckPolicy p = policy.forCheck(Optional.empty(), name);
    String action = p.action().label();
    if (p.action() == org.sipscreen.screening.PolicyAction.REJECT_DETERMINISTIC) {
      action += " (" + policy.deterministicReject().status() + " " + policy.deterministicReject().reasonPhrase()
          + ")";
    } else if (p.action() == org.sipscreen.screening.PolicyAction.REJECT_ANALYTICS) {
      action += " (603+)";
    }
    return action + (p.shadow() ? " (shadow)" : "");
  }
}
