package org.sipscreen.fleet;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.ConnectionIntent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;

/**
 * One connection to the fleet's Redis (a node, a cluster or the master Sentinel names), through Lettuce
 * on threads of its own, so a slow Redis never touches the SIP event loops. Commands fail at once while
 * the connection is down (Lettuce reconnects in the background) and time out at the deadline; the
 * connection flushes only when told, so an exchange's commands go out as one pipelined batch.
 */
final class RedisLink implements AutoCloseable {

  /**
   * How a cluster connection follows the cluster's changes (a master failed over to its replica, slots
   * moved): Lettuce reads the topology again when a node keeps failing to reconnect, on a redirection or an
   * unknown node (at most once a second), and every 30 s in any case. Lettuce does neither by default, and
   * the members would keep sending to a master that is gone.
   */
  private static final ClusterTopologyRefreshOptions TOPOLOGY_REFRESH = ClusterTopologyRefreshOptions.builder()
      .enableAllAdaptiveRefreshTriggers().adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
      .enablePeriodicRefresh(Duration.ofSeconds(30)).build();

  private final ClientResources resources;
  private final AbstractRedisClient client;
  private final StatefulConnection<String, String> connection;
  private final RedisClusterAsyncCommands<String, String> commands;
  private final StatefulConnection<String, String> lookupConnection;
  private final RedisClusterAsyncCommands<String, String> lookups;
  private final Disposable newMasters; // cluster mode: opens the connections to masters a change brought

  private RedisLink(ClientResources resources, AbstractRedisClient client,
      StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands,
      StatefulConnection<String, String> lookupConnection, RedisClusterAsyncCommands<String, String> lookups,
      Disposable newMasters) {
    this.resources = resources;
    this.client = client;
    this.connection = connection;
    this.commands = commands;
    this.lookupConnection = lookupConnection;
    this.lookups = lookups;
    this.newMasters = newMasters;
  }

  /**
   * Connects (waiting at most the connect timeout) or throws Lettuce's exception.
   *
   * @param password the password, null for none
   */
  static RedisLink connect(FleetConfig config, String password) {
    ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2)
        .computationThreadPoolSize(2).build();
    Duration connectTimeout = Duration.ofMillis(Math.max(1000, config.deadline().toMillis()));
    SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build();
    TimeoutOptions timeouts = TimeoutOptions.enabled(config.deadline());
    List<RedisURI> uris = uris(config, password);
    try {
      if (config.modeValue() == FleetConfig.Mode.CLUSTER) {
        RedisClusterClient cluster = RedisClusterClient.create(resources, uris);
        cluster.setOptions(ClusterClientOptions.builder().autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .topologyRefreshOptions(TOPOLOGY_REFRESH)
            .socketOptions(socket).timeoutOptions(timeouts).build());
        try {
          StatefulRedisClusterConnection<String, String> c = connectToEveryMaster(cluster.connect());
          c.setAutoFlushCommands(false);
          StatefulRedisClusterConnection<String, String> l =
              config.shareReputation() ? connectToEveryMaster(cluster.connect()) : null;
          Disposable newMasters = resources.eventBus().get()
              .filter(ClusterTopologyChangedEvent.class::isInstance).cast(ClusterTopologyChangedEvent.class)
              .subscribe(change -> connectToNewMasters(change, l == null ? List.of(c) : List.of(c, l)));
          return new RedisLink(resources, cluster, c, c.async(), l, l == null ? null : l.async(), newMasters);
        } catch (RuntimeException e) {
          cluster.shutdown(0, 1, TimeUnit.SECONDS);
          throw e;
        }
      }
      RedisClient redis = RedisClient.create(resources);
      redis.setOptions(ClientOptions.builder().autoReconnect(true)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .socketOptions(socket).timeoutOptions(timeouts).build());
      try {
        StatefulRedisConnection<String, String> c = redis.connect(uris.get(0));
        c.setAutoFlushCommands(false);
        StatefulRedisConnection<String, String> l = config.shareReputation() ? redis.connect(uris.get(0)) : null;
        return new RedisLink(resources, redis, c, c.async(), l, l == null ? null : l.async(), null);
      } catch (RuntimeException e) {
        redis.shutdown(0, 1, TimeUnit.SECONDS);
        throw e;
      }
    } catch (RuntimeException e) {
      resources.shutdown(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * Opens the cluster connection's connection to every master that serves slots now (waiting at most the
   * connect timeout for each). Lettuce opens them lazily, at the first command for a master's slots, and
   * with {@code REJECT_COMMANDS} it rejects the commands that wait for that connection: each master's
   * first command would fail (a reputation answer's {@code SET}, which nothing retries, would be lost). A
   * master that does not answer now is left to that first command.
   */
  private static StatefulRedisClusterConnection<String, String> connectToEveryMaster(
      StatefulRedisClusterConnection<String, String> connection) {
    for (RedisClusterNode node : connection.getPartitions()) {
      if (servesSlots(node)) {
        try {
          connection.getConnection(node.getUri().getHost(), node.getUri().getPort(), ConnectionIntent.WRITE);
        } catch (RuntimeException e) {
          // down now: the breaker finds out at the first exchange
        }
      }
    }
    return connection;
  }

  /** A master that serves slots and is not known to have failed. */
  private static boolean servesSlots(RedisClusterNode node) {
    return node.getRole().isUpstream() && !node.hasNoSlots() && !node.is(RedisClusterNode.NodeFlag.FAIL);
  }

  /**
   * After the cluster changed (a replica took over, a master was added), opens the connections to the
   * masters now, as {@link #connectToEveryMaster} does at start; on a Lettuce thread, without waiting.
   */
  private static void connectToNewMasters(ClusterTopologyChangedEvent change,
      List<StatefulRedisClusterConnection<String, String>> connections) {
    for (RedisClusterNode node : change.after()) {
      if (servesSlots(node)) {
        for (StatefulRedisClusterConnection<String, String> c : connections) {
          c.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort(), ConnectionIntent.WRITE)
              .exceptionally(failure -> null); // not reachable now: opened at its first command
        }
      }
    }
  }

  private static List<RedisURI> uris(FleetConfig config, String password) {
    List<FleetConfig.HostPort> nodes = config.hostPorts();
    List<RedisURI.Builder> builders = new ArrayList<>();
    if (config.modeValue() == FleetConfig.Mode.SENTINEL) {
      RedisURI.Builder b = RedisURI.Builder.sentinel(nodes.get(0).host(), nodes.get(0).port(),
          config.sentinelMaster());
      for (FleetConfig.HostPort n : nodes.subList(1, nodes.size())) {
        b.withSentinel(n.host(), n.port());
      }
      builders.add(b);
    } else {
      for (FleetConfig.HostPort n : nodes) {
        builders.add(RedisURI.Builder.redis(n.host(), n.port()));
      }
    }
    List<RedisURI> uris = new ArrayList<>();
    for (RedisURI.Builder b : builders) {
      b.withSsl(config.tls()).withTimeout(config.deadline());
      if (password != null) {
        if (config.username() != null) {
          b.withAuthentication(config.username(), password);
        } else {
          b.withPassword(password.toCharArray());
        }
      }
      uris.add(b.build());
    }
    return uris;
  }

  RedisClusterAsyncCommands<String, String> commands() {
    return commands;
  }

  /**
   * A second connection that sends each command at once, for lookups that calls start on other threads
   * (shared reputation answers); null unless the fleet shares them.
   */
  RedisClusterAsyncCommands<String, String> lookups() {
    return lookups;
  }

  /**
   * Loads the count script where the exchanges run it: on the node; in a cluster, on every master that
   * serves slots. (Lettuce's cluster {@code SCRIPT LOAD} goes to every node it knows, replicas and failed
   * nodes included, so it would fail for as long as any node is down.) Completes with the script's SHA1.
   */
  CompletableFuture<String> load(CountScript script) {
    if (!(connection instanceof StatefulRedisClusterConnection<String, String> cluster)) {
      return script.load(commands).toCompletableFuture();
    }
    List<CompletableFuture<String>> loads = new ArrayList<>();
    for (RedisClusterNode node : cluster.getPartitions()) {
      if (servesSlots(node)) {
        loads.add(cluster.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort(),
            ConnectionIntent.WRITE).thenCompose(master -> {
              RedisFuture<String> sha = script.load(master.async());
              master.flushCommands();
              return sha;
            }));
      }
    }
    if (loads.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalStateException("no master serves slots"));
    }
    return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new))
        .thenApply(done -> loads.get(0).join());
  }

  /** Sends the commands written since the last flush, as one batch. */
  void flush() {
    connection.flushCommands();
  }

  boolean isOpen() {
    return connection.isOpen();
  }

  @Override
  public void close() {
    if (newMasters != null) {
      newMasters.dispose();
    }
    try {
      if (lookupConnection != null) {
        lookupConnection.close();
      }
      connection.close();
    } finally {
      client.shutdown(0, 1, TimeUnit.SECONDS);
      resources.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }
}
