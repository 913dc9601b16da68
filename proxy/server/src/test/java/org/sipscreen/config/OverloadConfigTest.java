package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.overload.OverloadPolicy;

/** The {@code overload:} section: off when absent, its defaults, and every refused value at its line. */
class OverloadConfigTest {

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

  @Test
  void isOffWithoutItsSection() throws Exception {
    assertThat(load("sip:\n  record_route: true\n").overloadOn()).isFalse();
    assertThat(SipscreenConfig.defaults().overloadPolicy()).isEmpty();
  }

  @Test
  void anEmptySectionIsOnWithTheDefaults() throws Exception {
    SipscreenConfig config = load("overload: {}\n");
    assertThat(config.overloadOn()).isTrue();
    assertThat(config.overloadPolicy()).contains(new OverloadPolicy(Duration.ofMillis(200), Duration.ofMillis(50),
        5000, Duration.ofSeconds(5), Duration.ofSeconds(10), 100));
  }

  @Test
  void readsEveryKey() throws Exception {
    OverloadPolicy p = load("""
        overload:
          lag_high: 150ms
          lag_low: 30ms
          max_pending_checks: 2000
          min_shed: 10s
          retry_after: 30s
          max_udp_drops: 250
        """).overloadPolicy().orElseThrow();
    assertThat(p).isEqualTo(new OverloadPolicy(Duration.ofMillis(150), Duration.ofMillis(30), 2000,
        Duration.ofSeconds(10), Duration.ofSeconds(30), 250));
    assertThat(p.retryAfterSeconds()).isEqualTo(30);
  }

  @Test
  void refusesBadValuesNamingTheKeyAndLine() throws Exception {
    assertThat(error("sip:\n  record_route: true\noverload:\n  lag_high: 100ms\n  lag_low: 200ms\n"))
        .contains("sipscreen.yaml").contains("lag_low must be below lag_high, was 200ms with lag_high 100ms")
        .contains("overload.lag_low").contains("line 5");
    assertThat(error("overload:\n  lag_high: 5ms\n")).contains("lag_high must be 10ms-10s, was 5ms");
    assertThat(error("overload:\n  max_pending_checks: 1\n"))
        .contains("max_pending_checks must be 2-1000000, was 1");
    assertThat(error("overload:\n  min_shed: 500ms\n")).contains("min_shed must be 1s-10m, was 500ms");
    assertThat(error("overload:\n  retry_after: 2h\n")).contains("retry_after must be 1s-1h, was 2h");
    assertThat(error("overload:\n  max_udp_drops: 0\n"))
        .contains("max_udp_drops must be 1-100000000 datagrams a second, was 0");
    assertThat(error("overload:\n  lag: 5ms\n")).contains("overload").contains("lag");
  }
}
