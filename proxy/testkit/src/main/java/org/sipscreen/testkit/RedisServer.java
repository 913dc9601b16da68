package org.sipscreen.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian package redis-server) for integration tests: on a loopback port, in
 * a directory of the test's, without persistence ({@code --save '' --appendonly no}). {@link #kill} and
 * {@link #restart} play an outage on the same port, {@link #pause} and {@link #resume} a Redis that stops
 * answering.
 */
public final class RedisServer implements AutoCloseable {

  private final Path dir;
  private final int port;
  private Process process;

  private RedisServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Fails, never skips, when redis-server is missing: .ci/run installs it. */
  public static RedisServer start(Path dir) throws IOException {
    RedisServer redis = new RedisServer(Files.createDirectories(dir), Ports.free());
    redis.restart();
    return redis;
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, as the fleet section names a node. */
  public String node() {
    return "127.0.0.1:" + port;
  }

  /** Starts it (again) on its port and waits until it listens. */
  public void restart() throws IOException {
    List<String> cmd = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes");
    try {
      process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
    } catch (IOException e) {
      throw new AssertionError("redis-server is not installed (apt-get install redis-server);"
          + " .ci/run installs it", e);
    }
    Await.bound(Await.Protocol.TCP, port, process);
  }

  /** Kills it at once (SIGKILL): an outage, not a shutdown. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Stops it answering without closing a connection (SIGSTOP): a Redis that hangs or a partition, as a
   * client sees it. {@link #resume} lets it go on.
   */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() != 0) {
      throw new AssertionError("kill " + signal + " " + process.pid() + " exited with " + kill.exitValue());
    }
  }

  /** Runs {@code redis-cli} against it; answers its output. */
  public String cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
        Integer.toString(port)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("redis-cli did not finish in 10 s");
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException, IOException {
    if (process != null && process.isAlive()) {
      signal("-CONT");
      kill();
    }
  }
}
