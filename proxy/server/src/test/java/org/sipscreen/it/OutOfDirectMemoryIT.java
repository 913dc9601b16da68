package org.sipscreen.it;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;

/**
 * The proxy's own process with little direct memory and a buffer budget far above it: half-sent messages on
 * many connections exhaust direct memory, and the out-of-memory error, which Netty hands to a connection's
 * pipeline, is logged once and ends the process with status 3 (so the service manager restarts it) instead
 * of closing that one connection and limping on.
 */
@Timeout(180)
class OutOfDirectMemoryIT {

  @TempDir
  Path dir;

  @Test
  void runningOutOfDirectMemoryIsLoggedOnceAndEndsTheProcessWithStatus3() throws Exception {
    int sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [tcp]}]
          warmup_calls: 0
          max_message_size: 1048560B
          tcp_buffer_memory: 4GiB
          tcp_max_connections_per_source: 100000
          tcp_max_connections_per_peer_source: 100000
        routing:
          default_route: sip:127.0.0.1:5070
        http: {address: 127.0.0.1, port: 0}
        """.formatted(sipPort));
    Path output = dir.resolve("out.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process proxy = new ProcessBuilder(java, "-Xmx256m", "-XX:MaxDirectMemorySize=48m",
        "-Dio.netty.maxDirectMemory=" + 48 * 1024 * 1024, "-cp", System.getProperty("java.class.path"),
        "org.sipscreen.cli.Main", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    List<Socket> held = new ArrayList<>();
    try {
      Await.until("start-up", Duration.ofSeconds(90), () -> {
        assertThat(proxy.isAlive()).as(Files.readString(output)).isTrue();
        return Files.readString(output).contains("sipscreen up");
      });
      // Each connection: the headers of a 1,000,000-byte INVITE and 700,000 bytes of its body.
      byte[] half = ("INVITE sip:+12025550100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-1\r\n"
          + "Call-ID: big\r\nCSeq: 1 INVITE\r\nContent-Length: 1000000\r\n\r\n" + "v".repeat(700_000))
          .getBytes(ISO_8859_1);
      for (int i = 0; i < 400 && proxy.isAlive(); i++) {
        Socket s = new Socket();
        held.add(s);
        try {
          s.connect(new InetSocketAddress("127.0.0.1", sipPort), 2000);
          s.setSoTimeout(2000);
          OutputStream out = s.getOutputStream();
          out.write(half);
          out.flush();
        } catch (IOException closedOrRefused) {
          // the proxy is going away
        }
      }
      assertThat(proxy.waitFor(60, TimeUnit.SECONDS)).as("the proxy ended").isTrue();
    } finally {
      for (Socket s : held) {
        s.close();
      }
      proxy.destroyForcibly();
    }
    String out = Files.readString(output);
    assertThat(proxy.exitValue()).as(out).isEqualTo(3);
    assertThat(out.split("out of memory \\(", -1)).as(out).hasSize(2);
    assertThat(out).contains("exiting with status 3 so that the service manager restarts the proxy");
  }
}
