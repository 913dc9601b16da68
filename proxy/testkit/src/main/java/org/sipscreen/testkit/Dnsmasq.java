package org.sipscreen.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code dnsmasq} (Debian package dnsmasq-base) as the name server of integration tests: in the
 * foreground, on a loopback port, answering only the records it is given ({@code --srv-host=...},
 * {@code --host-record=...}), with no upstream, no /etc/hosts and no config file. Its log (start-up lines
 * only, no queries) goes to {@code dnsmasq.log} in the test's directory. {@link #restart} serves other
 * records on the same port; {@link #kill} plays an outage. Without upstream, dnsmasq answers REFUSED for a
 * name it has no record of unless its domain is local ({@code --local=/test/}): then NXDOMAIN, or no records.
 */
public final class Dnsmasq implements AutoCloseable {

  private final Path dir;
  private final int port;
  private Process process;

  private Dnsmasq(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts it with {@code records} (dnsmasq options) and answers of {@code ttlSeconds}; fails, never
   * skips, when dnsmasq is missing: .ci/run installs it.
   */
  public static Dnsmasq start(Path dir, int ttlSeconds, List<String> records) throws IOException {
    Dnsmasq dns = new Dnsmasq(Files.createDirectories(dir), Ports.free());
    dns.restart(ttlSeconds, records);
    return dns;
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, as {@code routing.dns.servers} names it. */
  public String server() {
    return "127.0.0.1:" + port;
  }

  /** Stops it if it runs and starts it again with other records, on the same port. */
  public void restart(int ttlSeconds, List<String> records) throws IOException {
    kill();
    List<String> cmd = new ArrayList<>(List.of(executable(), "--keep-in-foreground", "--port=" + port,
        "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll",
        "--conf-file=/dev/null", "--pid-file=", "--log-facility=-", "--local-ttl=" + ttlSeconds));
    cmd.addAll(records);
    try {
      process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dnsmasq.log").toFile())).start();
    } catch (IOException e) {
      throw new AssertionError("dnsmasq is not installed (apt-get install dnsmasq-base); .ci/run installs it",
          e);
    }
    Await.bound(Await.Protocol.UDP, port, process);
  }

  /** {@code /usr/sbin/dnsmasq} (Debian's dnsmasq-base), which a non-root PATH may lack; else from PATH. */
  private static String executable() {
    Path sbin = Path.of("/usr/sbin/dnsmasq");
    return Files.isExecutable(sbin) ? sbin.toString() : "dnsmasq";
  }

  /** Kills it at once: the name server is gone, questions time out. */
  public void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    kill();
  }
}
