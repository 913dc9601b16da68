package org.sipscreen.overload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Datagrams the kernel dropped on the proxy's UDP sockets because their receive buffers were full: the
 * {@code drops} column of Linux's {@code /proc/net/udp} and {@code /proc/net/udp6} for the sockets bound to
 * the SIP ports. That is where the backlog of a UDP overload builds, out of sight of the event loops.
 * Empty where the files do not exist (not Linux).
 */
public final class UdpDropCounter {

  public static final List<Path> PROC_FILES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

  private final List<Path> files;
  private final Set<Integer> ports;

  public UdpDropCounter(List<Path> files, Set<Integer> ports) {
    this.files = List.copyOf(files);
    this.ports = Set.copyOf(ports);
  }

  /** The drops of every socket on the ports, summed; empty when no file can be read. */
  public OptionalLong read() {
    long sum = 0;
    boolean any = false;
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.US_ASCII);
      } catch (IOException | RuntimeException e) {
        continue;
      }
      any = true;
      sum += dropsOf(text, ports);
    }
    return any ? OptionalLong.of(sum) : OptionalLong.empty();
  }

  /**
   * Sums the last column ({@code drops}) of the lines whose local address ({@code 0100007F:13C4}, the port
   * in hex after the colon) has one of {@code ports}. Lines that do not read as expected are skipped.
   */
  static long dropsOf(String procText, Set<Integer> ports) {
    long sum = 0;
    String[] lines = procText.split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].trim().split("\\s+");
      if (f.length < 13) {
        continue;
      }
      int colon = f[1].lastIndexOf(':');
      try {
        int port = Integer.parseInt(f[1].substring(colon + 1), 16);
        if (ports.contains(port)) {
          sum += Long.parseLong(f[f.length - 1]);
        }
      } catch (NumberFormatException e) {
        // not a socket line
      }
    }
    return sum;
  }
}
