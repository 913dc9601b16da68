package org.sipscreen.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free loopback ports, free for UDP and TCP at once, for tests that run real sockets (the proxy, SIPp,
 * Redis, Kamailio, dnsmasq). A port handed out here is bound later by another process, so it is taken from
 * below the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}): a socket bound to port 0
 * anywhere on the machine (a client connection, a DNS query, a Redis replica link) can never be given it in
 * the meantime. Each JVM walks the range from a random start and never hands out a port twice, so test JVMs
 * running side by side rarely meet; a port some process already holds is skipped.
 */
public final class Ports {

  private static final int LOWEST = 10_000;
  private static final Range RANGE = Range.belowEphemeral();
  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(RANGE.size()));

  private Ports() {}

  public static int free() {
    for (int attempt = 0; attempt < RANGE.size(); attempt++) {
      int port = RANGE.first() + Math.floorMod(NEXT.getAndIncrement(), RANGE.size());
      if (bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port in " + RANGE);
  }

  private static boolean bindable(int port) {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try (DatagramSocket udp = new DatagramSocket(address); ServerSocket tcp = new ServerSocket()) {
      tcp.setReuseAddress(true);
      tcp.bind(address);
      return true;
    } catch (IOException busy) {
      return false;
    }
  }

  /** Ports {@code [first, first + size)}. */
  record Range(int first, int size) {

    /** From 10000 up to the start of the ephemeral range (32768 by default); 10000-20000 if that is higher. */
    static Range belowEphemeral() {
      int ephemeralStart = 32_768;
      try {
        String[] bounds = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
        ephemeralStart = Integer.parseInt(bounds[0]);
      } catch (IOException | RuntimeException unreadable) {
        // not Linux, or hidden: keep the kernel default
      }
      return ephemeralStart - LOWEST >= 5_000 ? new Range(LOWEST, ephemeralStart - LOWEST) : new Range(LOWEST, 10_000);
    }

    @Override
    public String toString() {
      return first + "-" + (first + size - 1);
    }
  }
}
