package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.records.RecordsConfig;

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
    assertThat(ConfigLoader.load(shipped).recordsOn()).isTrue();
    assertThat(r.directoryFor(shipped)).isEqualTo(shipped.toAbsolutePath().getParent().resolve("records")
        .normalize());
    assertThat(r.flushIntervalMs()).isEqualTo(1000);
    assertThat(r.retentionBytes()).isEqualTo(20L * 1024 * 1024 * 1024);
  }

  @Test
  void noSectionRecordsNothing() throws Exception {
    assertThat(load("http: { port: 0 }\n").recordsOn()).isFalse();
  }

  @Test
  void anEmptySectionTurnsRecordingOnWithDefaults() throws Exception {
    SipscreenConfig config = load("records: {}\n");
    RecordsConfig r = config.records();
    assertThat(config.recordsOn()).isTrue();
    assertThat(r.directoryFor(dir.resolve("sipscreen.yaml"))).isEqualTo(dir.resolve("records"));
    assertThat(r.flushIntervalMs()).isEqualTo(1000);
    assertThat(r.queueSize()).isEqualTo(65_536);
    assertThat(r.maxFileBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(r.retentionHours()).isEqualTo(2160);
    assertThat(r.callOutcomes()).isTrue();
  }

  @Test
  void theCallStampKeyIsReadFromItsFileAndAShortOrMissingOneIsNamed() throws Exception {
    Path config = dir.resolve("sipscreen.yaml");
    assertThat(CallStampKey.of(load("records: {}\n").records(), config)).isEmpty(); // random per process

    Files.writeString(dir.resolve("stamp.key"), "00112233445566778899aabbccddeeff00112233\n# comment\n");
    SipscreenConfig withKey = load("records: { call_stamp_key_file: stamp.key }\n");
    assertThat(CallStampKey.of(withKey.records(), config)).hasValueSatisfying(key ->
        assertThat(new String(key, java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo("00112233445566778899aabbccddeeff00112233"));

    Files.writeString(dir.resolve("short.key"), "too-short\n");
    assertThatThrownBy(() -> CallStampKey.of(load("records: { call_stamp_key_file: short.key }\n").records(),
        config)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("records.call_stamp_key_file").hasMessageContaining("at least 32 characters");
    assertThatThrownBy(() -> CallStampKey.of(load("records: { call_stamp_key_file: none.key }\n").records(),
        config)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("records.call_stamp_key_file").hasMessageContaining("none.key");
  }

  @Test
  void callOutcomesCanBeTurnedOffAndMustBeABoolean() throws Exception {
    assertThat(load("records: { call_outcomes: false }\n").records().callOutcomes()).isFalse();
    assertThatThrownBy(() -> load("records:\n  call_outcomes: sometimes\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("call_outcomes");
  }

  @Test
  void anAbsoluteDirectoryStaysAsItIs() throws Exception {
    RecordsConfig r = load("records: { directory: /var/lib/sipscreen/records }\n").records();
    assertThat(r.directoryFor(dir.resolve("sipscreen.yaml"))).isEqualTo(Path.of("/var/lib/sipscreen/records"));
  }

  @Test
  void anUnknownKeyIsNamedWithFileAndLine() {
    assertThatThrownBy(() -> load("records:\n  directory: r\n  flush_intervall: 5s\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sipscreen.yaml")
        .hasMessageContaining("records.flush_intervall: unknown key 'flush_intervall'")
        .hasMessageContaining("line 3");
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> load("records:\n  flush_interval: 5ms\n"))
        .hasMessageContaining("records").hasMessageContaining("flush_interval must be 10ms-1m, was 5ms");
    assertThatThrownBy(() -> load("records:\n  queue_size: 0\n"))
        .hasMessageContaining("queue_size must be 1-10000000, was 0");
    assertThatThrownBy(() -> load("records:\n  max_file_size: 100B\n"))
        .hasMessageContaining("max_file_size must be at least 4KiB, was 100B");
    assertThatThrownBy(() -> load("records:\n  max_file_size: 1MiB\n  retention_size: 4KiB\n"))
        .hasMessageContaining("retention_size must be at least max_file_size (1MiB), was 4KiB");
    assertThatThrownBy(() -> load("records:\n  retention: 30m\n"))
        .hasMessageContaining("retention must be 1h-3650d, was 30m");
    assertThatThrownBy(() -> load("records:\n  enabled: maybe\n"))
        .hasMessageContaining("records.enabled");
  }
}
