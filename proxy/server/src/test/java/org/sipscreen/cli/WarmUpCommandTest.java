package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sipscreen warm-up FILE}: the start-up warm-up alone, as the build runs it for the class archive. */
class WarmUpCommandTest {

  private static Path config(Path dir, int port, String extra) throws Exception {
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d}]
          warmup_calls: 200
        routing:
          default_route: sip:127.0.0.1:25998
        records: {enabled: false}
        screening:
          source_peer:
            peers:
              local: {networks: [127.0.0.0/8]}
          velocity: {caller_per_second: 5, max_tracked_numbers: 1000}
          policy: {redress_url: "https://redress.example.net/"}
        %s""".formatted(port, extra));
    return config;
  }

  @Test
  @Timeout(60)
  void playsTheWarmUpWithoutOpeningTheConfiguredListener(@TempDir Path dir) throws Exception {
    // The configured port is taken: a warm-up that tried to listen on it would fail.
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int code = Main.commandLine().execute("warm-up",
          config(dir, taken.getLocalPort(), "").toString());
      assertThat(code).isZero();
    }
  }

  @Test
  void refusesABadConfig(@TempDir Path dir) throws Exception {
    int code = Main.commandLine().execute("warm-up",
        config(dir, 25997, "  block_list: {file: missing.txt}\n").toString());
    assertThat(code).isEqualTo(2);
  }
}
