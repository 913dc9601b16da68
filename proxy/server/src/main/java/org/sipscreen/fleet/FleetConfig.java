package org.sipscreen.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.sipscreen.screening.check.ConfigDurations;

/**
 * The {@code fleet:} section: several sipscreen instances screen as one through Redis. A present section
 * turns it on; without one nothing is shared. Redis is never waited on by a call: counts are exchanged in
 * the background every {@code staleness}, and with Redis down, slow or unreachable each instance screens
 * on its own counts until Redis answers again.
 *
 * @param mode {@code standalone} (one node), {@code cluster} (seed nodes of a Redis Cluster) or
 *     {@code sentinel} (Sentinel nodes that name the master {@code sentinel_master})
 * @param nodes {@code host:port} of the Redis node, the cluster's seed nodes or the Sentinels
 * @param sentinelMaster the master's name in Sentinel mode
 * @param username the ACL user (Redis 6+); without it, {@code password} is the default user's
 * @param password the password inline; exclusive with {@code password_file}
 * @param passwordFile a file whose first line is the password, relative to the config file's folder
 * @param tls TLS to Redis (certificates checked against the JVM's trust store)
 * @param instanceId this instance's name in the fleet; default the host name and the process id
 * @param staleness how old the other instances' counts may be: the exchange interval
 * @param deadline how long one exchange with Redis may take before it counts as failed
 * @param keyPrefix the prefix of every key sipscreen writes
 * @param adminUrl where the other instances and {@code sipscreen fleet} reach this instance's admin API;
 *     default {@code http://<http.address>:<http.port>}
 * @param shareReputation whether reputation service answers are cached in Redis for the fleet (default
 *     off): the service is then asked once per number per TTL, not once per instance
 * @param shareBans whether flood control's bans are shared with the fleet (default on)
 */
public record FleetConfig(String mode, List<String> nodes, String sentinelMaster, String username,
    String password, String passwordFile, Boolean tls, String instanceId, Duration staleness,
    Duration deadline, String keyPrefix, String adminUrl, Boolean shareReputation, Boolean shareBans) {

  /** A section without the sharing switches (their defaults). */
  public FleetConfig(String mode, List<String> nodes, String sentinelMaster, String username,
      String password, String passwordFile, Boolean tls, String instanceId, Duration staleness,
      Duration deadline, String keyPrefix, String adminUrl) {
    this(mode, nodes, sentinelMaster, username, password, passwordFile, tls, instanceId, staleness, deadline,
        keyPrefix, adminUrl, null, null);
  }

  /** How the nodes are to be read. */
  public enum Mode { STANDALONE, CLUSTER, SENTINEL }

  public FleetConfig {
    mode = mode == null ? "standalone" : mode.toLowerCase(Locale.ROOT);
    if (!List.of("standalone", "cluster", "sentinel").contains(mode)) {
      throw new IllegalArgumentException(
          "mode must be standalone, cluster or sentinel, was '" + mode + "'");
    }
    if (nodes == null || nodes.isEmpty()) {
      throw new IllegalArgumentException("nodes: at least one Redis host:port is required");
    }
    nodes = List.copyOf(nodes);
    for (String node : nodes) {
      HostPort.parse(node);
    }
    if (mode.equals("standalone") && nodes.size() != 1) {
      throw new IllegalArgumentException("nodes: standalone mode takes one node, was " + nodes.size()
          + " (mode: cluster for a Redis Cluster, sentinel for Sentinels)");
    }
    if (mode.equals("sentinel") != (sentinelMaster != null)) {
      throw new IllegalArgumentException(mode.equals("sentinel")
          ? "sentinel_master is required in sentinel mode" : "sentinel_master is for sentinel mode only");
    }
    if (password != null && passwordFile != null) {
      throw new IllegalArgumentException("password and password_file are exclusive; set one");
    }
    if (username != null && password == null && passwordFile == null) {
      throw new IllegalArgumentException("username needs password or password_file");
    }
    tls = tls != null && tls;
    shareReputation = shareReputation != null && shareReputation;
    shareBans = shareBans == null || shareBans;
    if (instanceId != null && !instanceId.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")) {
      throw new IllegalArgumentException("instance_id must be 1-128 letters, digits, '.', '_', ':' or '-',"
          + " was '" + instanceId + "'");
    }
    staleness = staleness == null ? Duration.ofMillis(100) : staleness;
    ConfigDurations.require(staleness, "staleness", Duration.ofMillis(10), Duration.ofSeconds(10));
    deadline = deadline == null ? Duration.ofMillis(50) : deadline;
    ConfigDurations.require(deadline, "deadline", Duration.ofMillis(1), Duration.ofSeconds(10));
    keyPrefix = keyPrefix == null ? "sipscreen:" : keyPrefix;
    if (!keyPrefix.matches("[A-Za-z0-9:._-]{0,64}")) {
      throw new IllegalArgumentException(
          "key_prefix must be at most 64 letters, digits, ':', '.', '_' or '-', was '" + keyPrefix + "'");
    }
    if (adminUrl != null && !adminUrl.matches("https?://[^\\s/]+(/\\S*)?")) {
      throw new IllegalArgumentException("admin_url must be an http:// or https:// URL, was '" + adminUrl
          + "'");
    }
  }

  public Mode modeValue() {
    return Mode.valueOf(mode.toUpperCase(Locale.ROOT));
  }

  /** A node as {@code host:port} ({@code [v6]:port} for an IPv6 literal). */
  public record HostPort(String host, int port) {
    static HostPort parse(String text) {
      if (text == null) {
        throw new IllegalArgumentException("nodes: a node must be host:port");
      }
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException("nodes: '" + text + "' must be host:port");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("nodes: '" + text + "' must be host:port", e);
      }
      if (port < 1 || port > 65535 || host.isEmpty()) {
        throw new IllegalArgumentException("nodes: '" + text + "' must be host:port with port 1-65535");
      }
      return new HostPort(host, port);
    }
  }

  /** The nodes, parsed. */
  public List<HostPort> hostPorts() {
    return nodes.stream().map(HostPort::parse).toList();
  }
}
