package org.sipscreen.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sipscreen.Sipscreen;
import org.sipscreen.config.ConfigException;
import org.sipscreen.testkit.Ports;

/**
 * A sipscreen started in-process on free loopback ports with a config written for the test: the peer
 * "local" is loopback, the block list holds +12025550199, the tag list +14155550177 (label "SPAM?").
 */
final class TestProxy implements AutoCloseable {

  static final String BLOCKED = "+12025550199";
  static final String SUSPECT = "+14155550177";
  static final String CLEAN = "+13125550100";

  final int sipPort;
  final Sipscreen running;

  private TestProxy(int sipPort, Sipscreen running) {
    this.sipPort = sipPort;
    this.running = running;
  }

  static TestProxy start(Path dir, String defaultRoute) throws IOException, ConfigException,
      InterruptedException {
    return start(dir, defaultRoute, "");
  }

  /** A proxy that also writes decision records (and so stamps its calls) into {@code dir/records}. */
  static TestProxy startRecording(Path dir, String defaultRoute) throws IOException, ConfigException,
      InterruptedException {
    return start(dir, defaultRoute, "", "records: { directory: records, flush_interval: 20ms }\n");
  }

  /** @param extraScreening YAML lines appended under {@code screening:} (indented by two spaces) */
  static TestProxy start(Path dir, String defaultRoute, String extraScreening) throws IOException,
      ConfigException, InterruptedException {
    return start(dir, defaultRoute, extraScreening, "");
  }

  private static TestProxy start(Path dir, String defaultRoute, String extraScreening, String topLevel)
      throws IOException, ConfigException, InterruptedException {
    Files.writeString(dir.resolve("block.txt"), BLOCKED + "\n");
    Files.writeString(dir.resolve("suspect.txt"), SUSPECT + "\n");
    Files.writeString(dir.resolve("allow.txt"), "# nobody\n");
    int sip = Ports.free();
    String yaml = """
        sip:
          listen:
            - address: 127.0.0.1
              port: %d
              transports: [udp, tcp]
          tcp_idle_timeout_seconds: 30
        routing:
          default_route: %s
          next_hop_networks: [127.0.0.0/8]
        http:
          address: 127.0.0.1
          port: 0
        screening:
          source_peer:
            peers:
              local:
                networks: [127.0.0.0/8]
          allow_list:
            file: allow.txt
          block_list:
            file: block.txt
          tag_list:
            file: suspect.txt
            label: "SPAM?"
        %s""".formatted(sip, defaultRoute, extraScreening) + topLevel;
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, yaml);
    Sipscreen running = Sipscreen.start(Sipscreen.prepare(config));
    return new TestProxy(sip, running);
  }

  double counter(String name, String... labels) {
    return running.metrics().counterValue(name, labels);
  }

  @Override
  public void close() {
    running.close();
  }
}
