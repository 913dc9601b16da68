package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.fleet.ConfigHash;
import org.sipscreen.fleet.FleetConfig;

class FleetConfigTest {

  @TempDir
  Path dir;

  SipscreenConfig load(String yaml) throws IOException, ConfigException {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file);
  }

  @Test
  void noSectionNoFleet() throws Exception {
    assertThat(load("http: { port: 0 }\n").fleetOn()).isFalse();
  }

  @Test
  void oneNodeTakesEveryDefault() throws Exception {
    SipscreenConfig config = load("fleet:\n  nodes: [\"127.0.0.1:6379\"]\n");
    FleetConfig f = config.fleet();
    assertThat(config.fleetOn()).isTrue();
    assertThat(f.modeValue()).isEqualTo(FleetConfig.Mode.STANDALONE);
    assertThat(f.staleness()).isEqualTo(Duration.ofMillis(100));
    assertThat(f.deadline()).isEqualTo(Duration.ofMillis(50));
    assertThat(f.keyPrefix()).isEqualTo("sipscreen:");
    assertThat(f.tls()).isFalse();
    assertThat(f.instanceId()).isNull();
    assertThat(f.hostPorts()).containsExactly(new FleetConfig.HostPort("127.0.0.1", 6379));
  }

  @Test
  void clusterSentinelAndAclUserAreConfig() throws Exception {
    FleetConfig cluster = load("""
        fleet:
          mode: cluster
          nodes: ["10.0.0.1:7000", "10.0.0.2:7000", "[2001:db8::1]:7000"]
          username: sipscreen
          password_file: redis.pass
          tls: true
          instance_id: edge-1
          staleness: 250ms
          deadline: 20ms
          key_prefix: "carrier:"
          admin_url: http://10.0.0.5:8080
        """).fleet();
    assertThat(cluster.modeValue()).isEqualTo(FleetConfig.Mode.CLUSTER);
    assertThat(cluster.hostPorts()).hasSize(3).last().isEqualTo(new FleetConfig.HostPort("2001:db8::1", 7000));
    assertThat(cluster.tls()).isTrue();
    assertThat(cluster.staleness()).isEqualTo(Duration.ofMillis(250));
    FleetConfig sentinel = load("""
        fleet:
          mode: sentinel
          nodes: ["10.0.0.1:26379", "10.0.0.2:26379"]
          sentinel_master: screening
        """).fleet();
    assertThat(sentinel.sentinelMaster()).isEqualTo("screening");
    assertThat(sentinel.nodes()).isEqualTo(List.of("10.0.0.1:26379", "10.0.0.2:26379"));
  }

  @Test
  void badValuesAreNamedWithFileKeyAndLine() {
    assertThatThrownBy(() -> load("http: { port: 0 }\nfleet:\n  nodes: [\"127.0.0.1\"]\n"))
        .hasMessageContaining("sipscreen.yaml").hasMessageContaining("line 3")
        .hasMessageContaining("'127.0.0.1' must be host:port");
    assertThatThrownBy(() -> load("fleet:\n  nodes: [\"a:1\"]\n  staleness: 5ms\n"))
        .hasMessageContaining("staleness must be 10ms-10s, was 5ms");
    assertThatThrownBy(() -> load("fleet:\n  nodes: [\"a:1\", \"b:1\"]\n"))
        .hasMessageContaining("standalone mode takes one node");
    assertThatThrownBy(() -> load("fleet:\n  mode: sentinel\n  nodes: [\"a:1\"]\n"))
        .hasMessageContaining("sentinel_master is required");
    assertThatThrownBy(() -> load("fleet:\n  nodes: [\"a:1\"]\n  password: x\n  password_file: y\n"))
        .hasMessageContaining("password and password_file are exclusive");
    assertThatThrownBy(() -> load("fleet:\n  nodes: [\"a:1\"]\n  redis_url: x\n"))
        .hasMessageContaining("unknown key 'redis_url'");
    assertThatThrownBy(() -> load("fleet: {}\n")).hasMessageContaining("nodes: at least one");
  }

  @Test
  void theConfigHashIgnoresInstanceSectionsAndKeyOrder() throws Exception {
    Path a = Files.writeString(dir.resolve("a.yaml"), """
        sip: { listen: [{ port: 5060 }] }
        fleet: { nodes: ["127.0.0.1:6379"], instance_id: a }
        screening: { default_country_code: "1", velocity: { caller_per_second: 5, score: 70 } }
        """);
    Path b = Files.writeString(dir.resolve("b.yaml"), """
        screening: { velocity: { score: 70, caller_per_second: 5 }, default_country_code: "1" }
        sip: { listen: [{ port: 5062 }] }
        fleet: { nodes: ["127.0.0.1:6379"], instance_id: b }
        """);
    Path c = Files.writeString(dir.resolve("c.yaml"), """
        screening: { velocity: { score: 70, caller_per_second: 6 }, default_country_code: "1" }
        """);
    assertThat(ConfigHash.of(a)).isEqualTo(ConfigHash.of(b)).hasSize(16);
    assertThat(ConfigHash.of(c)).isNotEqualTo(ConfigHash.of(a));
  }

  @Test
  void theConfigHashFollowsAFileChangedInPlaceEvenWithItsSizeUnchanged() throws Exception {
    Path file = Files.writeString(dir.resolve("sipscreen.yaml"),
        "screening: { velocity: { caller_per_second: 5 } }\n");
    String five = ConfigHash.of(file);
    assertThat(ConfigHash.of(file)).isEqualTo(five);
    java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, "screening: { velocity: { caller_per_second: 6 } }\n");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(before.toMillis() + 1000));
    String six = ConfigHash.of(file);
    assertThat(six).isNotEqualTo(five);
    Files.writeString(file, "screening: { velocity: { caller_per_second: 5 } }\n");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(before.toMillis() + 2000));
    assertThat(ConfigHash.of(file)).isEqualTo(five);
  }
}
