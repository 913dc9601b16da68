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
    // Read in place, without splitting into strings: this runs four times a second for the life of the
    // process, and a regular expression there costs garbage and late JIT compilations under load.
    long sum = 0;
    int line = procText.indexOf('\n') + 1; // the first line names the columns
    if (line == 0) {
      return 0;
    }
    while (line < procText.length()) {
      int end = procText.indexOf('\n', line);
      if (end < 0) {
        end = procText.length();
      }
      sum += dropsOfLine(procText, line, end, ports);
      line = end + 1;
    }
    return sum;
  }

  /** The drops of one socket line {@code text[from, to)} when its port is one of {@code ports}, else 0. */
  private static long dropsOfLine(String text, int from, int to, Set<Integer> ports) {
    int fields = 0;
    int addressStart = -1;
    int addressEnd = -1;
    int lastStart = -1;
    int lastEnd = -1;
    int p = from;
    while (true) {
      while (p < to && Character.isWhitespace(text.charAt(p))) {
        p++;
      }
      if (p == to) {
        break;
      }
      int fieldStart = p;
      while (p < to && !Character.isWhitespace(text.charAt(p))) {
        p++;
      }
      if (fields == 1) {
        addressStart = fieldStart;
        addressEnd = p;
      }
      lastStart = fieldStart;
      lastEnd = p;
      fields++;
    }
    if (fields < 13) {
      return 0;
    }
    int colon = text.lastIndexOf(':', addressEnd - 1);
    int portStart = colon < addressStart ? addressStart : colon + 1;
    try {
      int port = Integer.parseInt(text, portStart, addressEnd, 16);
      return ports.contains(port) ? Long.parseLong(text, lastStart, lastEnd, 10) : 0;
    } catch (NumberFormatException e) {
      return 0; // not a socket line
    }
  }
}
