package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordsConfigTest {

  @TempDir
  Path dir;

  SipscreenConfig load(String yaml) throws IOException, ConfigException {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file);
  }

  @Test
  void shippedConfigRecordsNextToItself() throws ConfigException {
    Path shipped = Path.of(System.getProperty("sipscreen.repo", "../..")).resolve("config/sipscreen.yaml");
    RecordsConfig r = ConfigLoader.load(shipped).records();
    assertThat(r.enabled()).isTrue();
    assertThat(r.directoryFor(shipped)).isEqualTo(shipped.toAbsolutePath().getParent().resolve("records")
        .normalize());
    assertThat(r.flushIntervalMs()).isEqualTo(1000);
    assertThat(r.retentionBytes()).isEqualTo(20L * 1024 * 1024 * 1024);
  }

  @Test
  void noSectionRecordsNothing() throws Exception {
    assertThat(load("http: { port: 0 }\n").records().enabled()).isFalse();
  }

  @Test
  void anEmptySectionTurnsRecordingOnWithDefaults() throws Exception {
    RecordsConfig r = load("records: {}\n").records();
    assertThat(r.enabled()).isTrue();
    assertThat(r.directoryFor(dir.resolve("sipscreen.yaml"))).isEqualTo(dir.resolve("records"));
    assertThat(r.flushIntervalMs()).isEqualTo(1000);
    assertThat(r.queueSize()).isEqualTo(65_536);
    assertThat(r.maxFileBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(r.retentionHours()).isEqualTo(2160);
  }

  @Test
  void anAbsoluteDirectoryStaysAsItIs() throws Exception {
    RecordsConfig r = load("records: { directory: /var/lib/sipscreen/records }\n").records();
    assertThat(r.directoryFor(dir.resolve("sipscreen.yaml"))).isEqualTo(Path.of("/var/lib/sipscreen/records"));
  }

  @Test
  void anUnknownKeyIsNamedWithFileAndLine() {
    assertThatThrownBy(() -> load("records:\n  enabled: true\n  flush_interval: 5\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sipscreen.yaml").hasMessageContaining("records.flush_interval: unknown key 'flush_interval'")
        .hasMessageContaining("line 3");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> load("records:\n  flush_interval_ms: 5\n"))
        .hasMessageContaining("records").hasMessageContaining("flush_interval_ms must be 10-60000, was 5");
    assertThatThrownBy(() -> load("records:\n  queue_size: 0\n"))
        .hasMessageContaining("queue_size must be 1-10000000, was 0");
    assertThatThrownBy(() -> load("records:\n  max_file_bytes: 100\n"))
        .hasMessageContaining("max_file_bytes must be at least 4096, was 100");
    assertThatThrownBy(() -> load("records:\n  max_file_bytes: 1000000\n  retention_bytes: 4096\n"))
        .hasMessageContaining("retention_bytes must be at least max_file_bytes (1000000), was 4096");
    assertThatThrownBy(() -> load("records:\n  retention_hours: 0\n"))
        .hasMessageContaining("retention_hours must be at least 1, was 0");
    assertThatThrownBy(() -> load("records:\n  enabled: maybe\n"))
        .hasMessageContaining("records.enabled");
  }
}
