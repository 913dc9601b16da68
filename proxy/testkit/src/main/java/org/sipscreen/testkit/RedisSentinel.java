package org.sipscreen.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Sentinel setup for integration tests: one master ({@link RedisServer}) and one
 * {@code redis-server --sentinel} that monitors it under the name {@link #MASTER}, on loopback ports, in
 * a directory of the test's.
 */
public final class RedisSentinel implements AutoCloseable {

  /** The master's name, as {@code fleet.sentinel_master} names it. */
  public static final String MASTER = "screening";

  private final RedisServer master;
  private final Process sentinel;
  private final int port;

  private RedisSentinel(RedisServer master, Process sentinel, int port) {
    this.master = master;
    this.sentinel = sentinel;
    this.port = port;
  }

  /** Starts the master and the Sentinel, and waits until the Sentinel names the master. */
  public static RedisSentinel start(Path dir) throws IOException, InterruptedException {
    RedisServer master = RedisServer.start(dir.resolve("master"));
    Process sentinel = null;
    try {
      int port = Ports.free();
      Path sdir = Files.createDirectories(dir.resolve("sentinel"));
      Path conf = Files.writeString(sdir.resolve("sentinel.conf"), String.join("\n",
          "port " + port, "bind 127.0.0.1", "dir " + sdir,
          "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 1",
          "sentinel down-after-milliseconds " + MASTER + " 60000", ""));
      sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel").directory(sdir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(sdir.resolve("sentinel.log").toFile())).start();
      Await.bound(Await.Protocol.TCP, port, sentinel);
      RedisSentinel s = new RedisSentinel(master, sentinel, port);
      Await.until("the Sentinel names the master", () -> s.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
          .contains(Integer.toString(master.port())));
      return s;
    } catch (IOException | RuntimeException | Error e) {
      if (sentinel != null) {
        sentinel.destroyForcibly();
      }
      master.close();
      throw e;
    }
  }

  /** The Sentinel as {@code 127.0.0.1:<port>}, as the fleet section names it. */
  public String node() {
    return "127.0.0.1:" + port;
  }

  public RedisServer master() {
    return master;
  }

  /** Runs {@code redis-cli} against the Sentinel. */
  public String cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(List.of(args));
    return RedisCluster.run(cmd);
  }

  @Override
  public void close() throws InterruptedException, IOException {
    sentinel.destroyForcibly();
    sentinel.waitFor(10, TimeUnit.SECONDS);
    master.close();
  }
}
