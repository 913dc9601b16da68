package org.sipscreen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void portsAreBelowTheEphemeralRangeAndNeverHandedOutTwice() throws Exception {
    int ephemeralStart = Integer.parseInt(
        Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = Ports.free();
      assertThat(port).isBetween(10_000, ephemeralStart - 1);
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
    }
  }

  @Test
  void aPortBoundForUdpOrTcpIsNotHandedOut() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    // Hold the next ports the walk would reach, alternately by UDP and by TCP; none may come back.
    Set<Integer> held = new HashSet<>();
    int probe = Ports.free();
    try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, probe + 1));
        ServerSocket tcp = new ServerSocket(probe + 2, 1, loopback)) {
      held.add(udp.getLocalPort());
      held.add(tcp.getLocalPort());
      for (int i = 0; i < 4; i++) {
        assertThat(held).doesNotContain(Ports.free());
      }
    }
  }
}
