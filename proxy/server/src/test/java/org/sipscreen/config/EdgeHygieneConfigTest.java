package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.proxy.ScannerFilter;

/** {@code scanner_filter}, {@code sip.server_header} and the HTTP limits: defaults and refused values. */
class EdgeHygieneConfigTest {

  @TempDir
  Path dir;

  private SipscreenConfig load(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file);
  }

  private String loadError(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file)).getMessage();
  }

  private static org.sipscreen.http.HttpLimits limits(SipscreenConfig.Http http) {
    return new org.sipscreen.http.HttpLimits(http.maxConnections(), http.idleTimeout(), http.requestTimeout(),
        (int) http.maxHeaderSize().bytes(), http.maxHeaders());
  }

  private ProxySettings.Hygiene hygiene(String yaml) throws Exception {
    return ProxySettingsFactory.settings(load(yaml), dir.resolve("sipscreen.yaml")).hygiene();
  }

  @Test
  void scannerFilterIsOnWithTheScannerUserAgentsAndNoServerHeaderByDefault() throws Exception {
    SipscreenConfig config = load("sip:\n  record_route: true\n");
    assertThat(config.scannerFilter().enabled()).isTrue();
    assertThat(config.scannerFilter().userAgents()).isEqualTo(ScannerFilter.DEFAULT_USER_AGENTS)
        .contains("friendly-scanner", "sipvicious", "sipcli", "VaxSIPUserAgent", "sundayddr", "iWar",
            "sip-scan", "SIPScan");
    assertThat(config.scannerFilter().fromUsers()).isEmpty();
    ProxySettings.Hygiene h = hygiene("sip:\n  record_route: true\n");
    assertThat(h.scanners().isOn()).isTrue();
    assertThat(h.serverHeader()).isEmpty();
  }

  @Test
  void listsReplaceTheirDefaultsAndEnabledFalseTurnsTheFilterOff() throws Exception {
    SipscreenConfig config = load("""
        scanner_filter:
          user_agents: [evil-scan]
          from_users: [scanme]
        sip:
          server_header: edge-1
        """);
    assertThat(config.scannerFilter().userAgents()).isEqualTo(List.of("evil-scan"));
    assertThat(config.scannerFilter().fromUsers()).isEqualTo(List.of("scanme"));
    assertThat(hygiene("scanner_filter: {enabled: false}\n").scanners().isOn()).isFalse();
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, "sip:\n  server_header: edge-1\n");
    assertThat(ProxySettingsFactory.settings(ConfigLoader.load(file), file).hygiene().serverHeader())
        .isEqualTo(Optional.of("edge-1"));
  }

  @Test
  void refusesEmptyPatternsUnknownKeysAndABadServerHeaderNamingKeyAndLine() throws Exception {
    assertThat(loadError("scanner_filter:\n  user_agents: [\"\"]\n"))
        .contains("scanner_filter.user_agents: user_agents: entries must be 1-128 printable ASCII")
        .endsWith("(line 2)");
    assertThat(loadError("scanner_filter:\n  enabled: true\n  from_users: [\"a\\tb\"]\n"))
        .contains("scanner_filter.from_users:").endsWith("(line 3)");
    assertThat(loadError("scanner_filter:\n  user_agent: [x]\n"))
        .contains("scanner_filter.user_agent: unknown key 'user_agent' (line 2)");
    assertThat(loadError("sip:\n  record_route: true\n  server_header: \"a\\r\\nX: y\"\n"))
        .contains("sip.server_header: server_header must be 1-128 printable ASCII").endsWith("(line 3)");
  }

  @Test
  void httpLimitsHaveDefaultsAndTakeTheOperatorsUnits() throws Exception {
    org.sipscreen.http.HttpLimits d = limits(load("http:\n  port: 8080\n").http());
    assertThat(d).isEqualTo(org.sipscreen.http.HttpLimits.DEFAULT);
    assertThat(d.maxConnections()).isEqualTo(64);
    assertThat(d.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
    assertThat(d.requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(d.maxHeaderBytes()).isEqualTo(8192);
    assertThat(d.maxHeaders()).isEqualTo(100);
    org.sipscreen.http.HttpLimits set = limits(load("""
        http:
          max_connections: 8
          idle_timeout: 30s
          request_timeout: 2s
          max_header_size: 16KiB
          max_headers: 50
        """).http());
    assertThat(set).isEqualTo(new org.sipscreen.http.HttpLimits(8, java.time.Duration.ofSeconds(30),
        java.time.Duration.ofSeconds(2), 16384, 50));
  }

  @Test
  void refusesHttpLimitsOutOfRangeNamingKeyAndLine() throws Exception {
    assertThat(loadError("http:\n  port: 8080\n  max_connections: 0\n"))
        .contains("http.max_connections: max_connections must be 1-100000, was 0 (line 3)");
    assertThat(loadError("http:\n  port: 8080\n  request_timeout: 0s\n"))
        .contains("http.request_timeout:").endsWith("(line 3)");
    assertThat(loadError("http:\n  port: 8080\n  max_header_size: 100B\n"))
        .contains("http.max_header_size: max_header_size must be 1KiB-1MiB").endsWith("(line 3)");
    assertThat(loadError("http:\n  port: 8080\n  max_headers: 2\n"))
        .contains("http.max_headers: max_headers must be 8-10000, was 2 (line 3)");
  }

  @Test
  void tcpMessageTimeoutDefaultsTo10SecondsAndRefusesZero() throws Exception {
    assertThat(load("sip:\n  record_route: true\n").sip().tcpMessageTimeout())
        .isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(load("sip:\n  tcp_message_timeout: 3s\n").sip().tcpMessageTimeout())
        .isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(loadError("sip:\n  record_route: true\n  tcp_message_timeout: 0s\n"))
        .contains("sip.tcp_message_timeout:").endsWith("(line 3)");
  }

  @Test
  void tcpLimitsHaveDefaultsAndRefuseValuesOutOfRange() throws Exception {
    SipscreenConfig.Sip sip = load("sip:\n  record_route: true\n").sip();
    assertThat(sip.tcpMaxConnections()).as("none: the open-files budget decides").isNull();
    assertThat(sip.tcpReservedFiles()).isEqualTo(1024);
    assertThat(sip.tcpMaxConnectionsPerSource()).isEqualTo(32);
    assertThat(sip.tcpMaxConnectionsPerPeerSource()).isEqualTo(4096);
    assertThat(sip.tcpBufferMemory().bytes()).isEqualTo(64L << 20);
    sip = load("""
        sip:
          tcp_max_connections: 5000
          tcp_reserved_files: 2048
          tcp_max_connections_per_source: 4
          tcp_max_connections_per_peer_source: 100
          tcp_buffer_memory: 16MiB
        """).sip();
    assertThat(List.of(sip.tcpMaxConnections(), sip.tcpReservedFiles(), sip.tcpMaxConnectionsPerSource(),
        sip.tcpMaxConnectionsPerPeerSource())).containsExactly(5000, 2048, 4, 100);
    assertThat(sip.tcpBufferMemory().bytes()).isEqualTo(16L << 20);
    assertThat(loadError("sip:\n  record_route: true\n  tcp_max_connections: 0\n"))
        .contains("sip.tcp_max_connections: tcp_max_connections must be 1-10000000, was 0 (line 3)");
    assertThat(loadError("sip:\n  record_route: true\n  tcp_reserved_files: 10\n"))
        .contains("sip.tcp_reserved_files: tcp_reserved_files must be 128-1000000, was 10 (line 3)");
    assertThat(loadError("sip:\n  record_route: true\n  tcp_max_connections_per_source: 0\n"))
        .contains("sip.tcp_max_connections_per_source:").endsWith("(line 3)");
    assertThat(loadError("sip:\n  record_route: true\n  tcp_max_connections_per_peer_source: -1\n"))
        .contains("sip.tcp_max_connections_per_peer_source:").endsWith("(line 3)");
    assertThat(loadError("sip:\n  record_route: true\n  tcp_buffer_memory: 1KiB\n"))
        .contains("sip.tcp_buffer_memory: tcp_buffer_memory must be max_message_size").endsWith("(line 3)");
  }
}
