package org.sipscreen.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters (without or with replicas) on loopback ports, for integration
 * tests: {@code redis-server --cluster-enabled yes} processes joined with {@code redis-cli --cluster
 * create}, in a directory of the test's, without persistence; a node not heard from for a second is failed
 * over to its replica. {@link #installed} tells whether redis-server and redis-cli are there.
 */
public final class RedisCluster implements AutoCloseable {

  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Path dir;

  private RedisCluster(Path dir) {
    this.dir = dir;
  }

  /** Whether {@code redis-server} and {@code redis-cli} are on the PATH. */
  public static boolean installed() {
    return onPath("redis-server") && onPath("redis-cli");
  }

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  /** Starts three masters, creates the cluster and waits until every node says {@code cluster_state:ok}. */
  public static RedisCluster start(Path dir) throws IOException, InterruptedException {
    return start(dir, 0);
  }

  /**
   * Starts three masters with {@code replicas} replicas each, creates the cluster and waits until every
   * node says {@code cluster_state:ok} and every replica is in sync with its master.
   */
  public static RedisCluster start(Path dir, int replicas) throws IOException, InterruptedException {
    RedisCluster cluster = new RedisCluster(Files.createDirectories(dir));
    try {
      for (int i = 0; i < 3 * (1 + replicas); i++) {
        int port = Ports.free();
        int bus = Ports.free();
        Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
        List<String> cmd = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--cluster-enabled", "yes", "--cluster-port", Integer.toString(bus),
            "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(), "--cluster-node-timeout", "1000",
            "--save", "",
            "--appendonly", "no", "--dir", nodeDir.toString());
        Process p = new ProcessBuilder(cmd).directory(nodeDir.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("redis.log").toFile())).start();
        cluster.processes.add(p);
        cluster.ports.add(port);
        Await.bound(Await.Protocol.TCP, port, p);
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      create.addAll(cluster.nodes());
      create.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
      String out = run(create);
      if (!out.contains("All 16384 slots covered")) {
        throw new AssertionError("redis-cli --cluster create failed:\n" + out);
      }
      for (int port : cluster.ports) {
        Await.until("cluster node " + port + " ok", () -> cluster.cli(port, "CLUSTER", "INFO")
            .contains("cluster_state:ok"));
        Await.until("cluster node " + port + " a master or a replica in sync", () -> {
          String role = cluster.cli(port, "ROLE");
          return role.startsWith("master") || role.contains("connected");
        });
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** The nodes as {@code 127.0.0.1:<port>}, the fleet section's seed nodes. */
  public List<String> nodes() {
    return ports.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  public List<Integer> ports() {
    return List.copyOf(ports);
  }

  /** The ports of the nodes that are masters now. */
  public List<Integer> masters() throws IOException, InterruptedException {
    List<Integer> masters = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      if (processes.get(i).isAlive() && cli(ports.get(i), "ROLE").startsWith("master")) {
        masters.add(ports.get(i));
      }
    }
    return masters;
  }

  /** Kills the node on {@code port} (SIGKILL); its replica takes over within a few seconds. */
  public void kill(int port) throws InterruptedException {
    Process p = processes.get(ports.indexOf(port));
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Runs {@code redis-cli -c} (following the cluster's redirections) against the node on {@code port};
   * answers its output.
   */
  public String cli(int port, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-c", "-h", "127.0.0.1", "-p",
        Integer.toString(port)));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in 30 s");
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
