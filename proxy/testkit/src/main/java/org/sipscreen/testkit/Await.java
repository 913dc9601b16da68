package org.sipscreen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;

/**
 * Waiting on a condition instead of sleeping: integration tests wait until a port is bound, a SIP peer
 * answers OPTIONS or a counter reaches a value, and fail with what they waited for when it does not happen
 * within the bound (generous: the bound is there to end a hung test, not to measure anything).
 */
public final class Await {

  /** How long a condition may take before the test fails. */
  public static final Duration DEFAULT = Duration.ofSeconds(60);

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** A condition to wait for; it may throw (the exception fails the wait). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** The kind of socket a port is bound with. */
  public enum Protocol {
    UDP("udp", null),
    /** A TCP socket in the LISTEN state. */
    TCP("tcp", "0A");

    final String procName;
    final String state;

    Protocol(String procName, String state) {
      this.procName = procName;
      this.state = state;
    }
  }

  private Await() {}

  /** Waits until {@code condition} holds, at most {@link #DEFAULT}; fails naming {@code what}. */
  public static void until(String what, Condition condition) {
    until(what, DEFAULT, condition);
  }

  /** Waits until {@code condition} holds, at most {@code timeout}; fails naming {@code what}. */
  public static void until(String what, Duration timeout, Condition condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (AssertionError | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError("while waiting until " + what, e);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + timeout.toSeconds() + " s until " + what + ", in vain");
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        throw new AssertionError("interrupted while waiting until " + what);
      }
    }
  }

  /** Waits until {@code counter} reads at least {@code min}; returns the value it read then. */
  public static double atLeast(String what, DoubleSupplier counter, double min) {
    until(what + " reaches " + min, () -> counter.getAsDouble() >= min);
    return counter.getAsDouble();
  }

  /**
   * Waits until a socket of this host (of this network namespace) is bound to {@code port}: a UDP socket,
   * or a TCP socket listening. Read from /proc/net, so the wait neither connects to the port nor sends it
   * anything. Fails at once, with its exit code, when {@code owner} (the process that should bind it; may
   * be null) has exited.
   */
  public static void bound(Protocol protocol, int port, Process owner) {
    String what = protocol + " port " + port + " bound" + (owner == null ? "" : " by pid " + owner.pid());
    until(what, () -> {
      if (isBound(protocol, port)) {
        return true;
      }
      if (owner != null && !owner.isAlive()) {
        throw new AssertionError("the process that should bind " + protocol + " port " + port
            + " exited with " + owner.exitValue());
      }
      return false;
    });
  }

  /** Whether a socket is bound to {@code port} (for TCP: listening), per /proc/net/{udp,tcp}{,6}. */
  public static boolean isBound(Protocol protocol, int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of(protocol.procName, protocol.procName + "6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of("/proc/net", table), StandardCharsets.US_ASCII);
      } catch (NoSuchFileException e) {
        continue; // no IPv6 on this host
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read /proc/net/" + table + " (Linux only)", e);
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[1].endsWith(hexPort) && (protocol.state == null || f[3].equals(protocol.state))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Waits until the SIP peer at {@code peer} answers an OPTIONS over UDP with 200, from a socket of its own. */
  public static void answersOptions(InetSocketAddress peer) {
    try (DatagramSocket from = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      answersOptions(from, peer, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the SIP peer at {@code peer} answers an OPTIONS sent from {@code from} over UDP (one every
   * 200 ms until then), and checks that the answer is 200. Fails at once when {@code owner} (the process
   * of the peer; may be null) has exited.
   */
  public static void answersOptions(DatagramSocket from, InetSocketAddress peer, Process owner) {
    int[] pings = {0};
    String what = "the SIP peer at " + peer + " answers OPTIONS";
    until(what, () -> {
      if (owner != null && !owner.isAlive()) {
        throw new AssertionError("the peer's process exited with " + owner.exitValue());
      }
      String callId = "await-options-" + ProcessHandle.current().pid() + "-" + pings[0]++;
      byte[] options = ("OPTIONS sip:" + peer.getAddress().getHostAddress() + ":" + peer.getPort()
          + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + from.getLocalPort() + ";branch=z9hG4bK-" + callId + "\r\n"
          + "From: <sip:ping@127.0.0.1>;tag=p\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: " + callId
          + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      from.send(new DatagramPacket(options, options.length, peer));
      from.setSoTimeout(200);
      byte[] buf = new byte[65536];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        from.receive(p);
      } catch (SocketTimeoutException e) {
        return false;
      }
      String answer = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
      if (!answer.contains("await-options-")) {
        return false; // something else the peer sent; not an answer to a ping
      }
      if (!answer.startsWith("SIP/2.0 200")) {
        throw new AssertionError(what + " with 200, but it answered " + answer.lines().findFirst().orElse(""));
      }
      return true;
    });
  }
}
