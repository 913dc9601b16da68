package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.flood.FloodPolicy;

/** The {@code flood:} section: off when absent, defaults, per-peer limits, and every refused value at its line. */
class FloodConfigTest {

  @TempDir
  Path dir;

  private SipscreenConfig load(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file);
  }

  private String error(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file)).getMessage();
  }

  static final String PEERS = """
      peers:
        carrier-a:
          networks: [198.51.100.0/24]
        core:
          networks: [192.0.2.0/24]
      """;

  @Test
  void isOffWithoutItsSection() throws Exception {
    assertThat(load("sip:\n  record_route: true\n").floodOn()).isFalse();
    assertThat(SipscreenConfig.defaults().floodOn()).isFalse();
  }

  @Test
  void anEmptySectionIsOnWithTheDefaults() throws Exception {
    SipscreenConfig config = load("flood: {}\n");
    assertThat(config.floodOn()).isTrue();
    FloodConfig f = config.flood();
    assertThat(f.window()).isEqualTo(Duration.ofSeconds(1));
    assertThat(f.maxRequests()).isEqualTo(500);
    assertThat(f.ban()).isEqualTo(Duration.ofSeconds(120));
    assertThat(f.maxSources()).isEqualTo(65_536);
    assertThat(f.peers()).isEmpty();
    assertThat(f.heapBytes()).as("rate table and bans when full").isEqualTo(65_536L * (24 + 200));
    assertThat(load("flood: {max_sources: 5000}\n").flood().heapBytes()).isEqualTo(8192L * 24 + 5000L * 200);
  }

  @Test
  void aPeerHasItsOwnLimitForItsNetworks() throws Exception {
    SipscreenConfig config = load(PEERS + """
        flood:
          window: 2s
          max_requests: 100
          ban: 10m
          max_sources: 4096
          peers:
            core: {max_requests: 20000}
            carrier-a: {max_requests_total: 3000}
        """);
    FloodPolicy policy = config.flood().policy(config.peers(), List.of());
    assertThat(policy.window()).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.ban()).isEqualTo(Duration.ofMinutes(10));
    assertThat(policy.limitOf(InetAddress.getByName("192.0.2.9"))).isEqualTo(20_000);
    assertThat(policy.limitOf(InetAddress.getByName("198.51.100.9"))).as("no per-address limit of its own")
        .isEqualTo(100);
    assertThat(policy.peerTotals()).isEqualTo(java.util.Map.of("carrier-a", 3000));
    assertThat(policy.limitOf(InetAddress.getByName("203.0.113.9"))).isEqualTo(100);
    assertThat(policy.peerOf(InetAddress.getByName("198.51.100.9"))).contains("carrier-a");
    assertThat(policy).isEqualTo(config.flood().policy(config.peers(), List.of()));
  }

  @Test
  void theShippedConfigsCommentedSectionLoadsWhenUncommented() throws Exception {
    String shipped = Files.readString(ConfigLoaderTest.shippedConfig());
    assertThat(shipped).contains("# flood:");
    StringBuilder on = new StringBuilder();
    boolean inFlood = false;
    for (String line : shipped.split("\n", -1)) {
      inFlood = line.startsWith("# flood:") || inFlood && line.startsWith("#  ");
      on.append(inFlood ? line.substring(2) : line).append('\n');
    }
    Path file = dir.resolve("shipped-with-flood.yaml");
    Files.writeString(file, on.toString());
    SipscreenConfig config = ConfigLoader.load(file);
    assertThat(config.floodOn()).isTrue();
    assertThat(config.flood().peers()).containsKey("local");
    assertThat(config.flood().policy(config.peers(), List.of()).limitOf(InetAddress.getLoopbackAddress())).isEqualTo(20_000);
  }

  @Test
  void refusesBadValuesNamingKeyAndLine() throws Exception {
    assertThat(error("flood:\n  window: 10ms\n"))
        .endsWith("sipscreen.yaml: flood.window: window must be 100ms-10m, was 10ms (line 2)");
    assertThat(error("flood:\n  max_requests: 0\n"))
        .endsWith("flood.max_requests: max_requests must be 1-100000000 requests per window, was 0 (line 2)");
    assertThat(error("flood:\n  ban: 0s\n")).endsWith("flood.ban: ban must be 1s-7d, was 0s (line 2)");
    assertThat(error("flood:\n  ban: 60\n")).contains("flood.ban: ").contains("(line 2)");
    assertThat(error("flood:\n  max_sources: 10\n"))
        .endsWith("flood.max_sources: max_sources must be 1024-16777216, was 10 (line 2)");
    assertThat(error("flood:\n  max_request: 10\n"))
        .contains("flood.max_request: unknown key 'max_request' (line 2)");
  }

  @Test
  void refusesALimitForAPeerThatIsNoneOrHasNoLimit() throws Exception {
    assertThat(error(PEERS + "flood:\n  peers:\n    carrier-b: {max_requests: 10}\n"))
        .contains("flood: peers.carrier-b is not a peer (the peers are [carrier-a, core])")
        .contains("(line 6)");
    assertThat(error(PEERS + "flood:\n  peers:\n    core: {}\n"))
        .contains("flood.peers.core").contains("max_requests or max_requests_total is required").contains("(line 8)");
    assertThat(error(PEERS + "flood:\n  peers:\n    core: {max_requests_total: 0}\n"))
        .contains("flood.peers.core.max_requests_total: max_requests_total must be 1-100000000").contains("(line 8)");
    assertThat(error(PEERS + "flood:\n  peers:\n    core: {max_requests: -1}\n"))
        .contains("flood.peers.core.max_requests: max_requests must be 1-100000000").contains("(line 8)");
  }
}
