package org.sipscreen.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports, free for UDP and TCP at once, for tests that run real sockets. A port is free when
 * asked; run socket tests in a network namespace of their own (docs/dev/testing.md) so that no other process
 * takes it before the test binds it.
 */
public final class Ports {

  private Ports() {}

  public static int free() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket()) {
          tcp.setReuseAddress(true);
          tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
          return port;
        } catch (IOException busy) {
          // try another
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot open a loopback socket", e);
      }
    }
    throw new IllegalStateException("no free loopback port");
  }
}
