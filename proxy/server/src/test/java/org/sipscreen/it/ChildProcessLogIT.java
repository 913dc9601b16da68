package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
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
 * The proxy's own process, as an operator starts it: with {@code --log-format json} every line on stderr is
 * JSON (the ES256 engine line too, which the JDK's System.Logger writes through java.util.logging), the
 * start-up line names addresses and routes as an operator writes them, and a port in use is one line
 * naming the socket, with no stack trace.
 */
@Timeout(120)
class ChildProcessLogIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path config(int sipPort, int httpPort, int warmupCalls) throws Exception {
    Files.writeString(dir.resolve("block.txt"), "+12025550199\n");
    new TestSti().writeTo(dir);
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp, tcp]}]
          warmup_calls: %d
        routing:
          default_route: sip:127.0.0.1:5070
        http: {address: 127.0.0.1, port: %d}
        screening:
          source_peer:
            peers:
              local: {networks: [127.0.0.0/8]}
          block_list: {file: block.txt}
          stir_shaken: {trust_anchors: [ca.pem], certificate_dir: certs}
        """.formatted(sipPort, warmupCalls, httpPort));
    return config;
  }

  private static Process start(Path config, Path output, String... extra) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), "org.sipscreen.cli.Main", "--config", config.toString()));
    command.addAll(List.of(extra));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
  }

  @Test
  void withJsonLogFormatEveryLineIsJsonIncludingTheEs256EngineLine() throws Exception {
    Path output = dir.resolve("out.log");
    Process proxy = start(config(Ports.free(), 0, 50), output, "--log-format", "json");
    try {
      Await.until("start-up", Duration.ofSeconds(90), () -> {
        assertThat(proxy.isAlive()).as(Files.readString(output)).isTrue();
        return Files.readString(output).contains("sipscreen up");
      });
    } finally {
      proxy.destroy(); // SIGTERM: an orderly shutdown, whose lines are checked too
      assertThat(proxy.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    List<String> lines = Files.readAllLines(output);
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      try {
        events.add(JSON.readTree(line)); // throws on any line that is not JSON
      } catch (IOException e) {
        throw new AssertionError("not a JSON line: " + line + "\nthe whole output:\n"
            + String.join("\n", lines), e);
      }
    }
    assertThat(events).allSatisfy(e -> assertThat(e.has("level") && e.has("formattedMessage")).isTrue());
    assertThat(events).anySatisfy(e -> {
      assertThat(e.path("loggerName").asText()).isEqualTo("org.sipscreen.screening.check.stir_shaken.Es256Key");
      assertThat(e.path("formattedMessage").asText()).startsWith("ES256 verification uses ");
    });
    String up = events.stream().map(e -> e.path("formattedMessage").asText())
        .filter(m -> m.startsWith("sipscreen up")).findFirst().orElseThrow();
    assertThat(up).contains("default_route=sip:127.0.0.1:5070;transport=udp")
        .containsPattern("sip=udp:127\\.0\\.0\\.1:\\d+,tcp:127\\.0\\.0\\.1:\\d+ ")
        .containsPattern("http=127\\.0\\.0\\.1:\\d+ ")
        .doesNotContain("NextHop[").doesNotContain("=/").doesNotContain("@");
  }

  @Test
  void aSipPortInUseIsOneLineNamingTheSocketWithoutAStackTrace() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Path output = dir.resolve("out.log");
      Process proxy = start(config(taken.getLocalPort(), 0, 0), output);
      assertThat(proxy.waitFor(60, TimeUnit.SECONDS)).isTrue();

      String out = Files.readString(output);
      assertThat(proxy.exitValue()).as(out).isEqualTo(1);
      assertThat(out).contains("sipscreen: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + " (tcp): address already in use");
      assertThat(out).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void anHttpPortInUseIsOneLineNamingTheSocket() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Path output = dir.resolve("out.log");
      Process proxy = start(config(Ports.free(), taken.getLocalPort(), 0), output);
      assertThat(proxy.waitFor(60, TimeUnit.SECONDS)).isTrue();

      String out = Files.readString(output);
      assertThat(proxy.exitValue()).as(out).isEqualTo(1);
      assertThat(out).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (http): address"
          + " already in use").doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
