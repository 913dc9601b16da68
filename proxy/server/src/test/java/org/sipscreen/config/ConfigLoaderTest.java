package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.screening.ScreeningChain;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  /** The repository root: surefire sets sipscreen.repo; from the IDE the module dir is proxy/server. */
  static Path repo() {
    String repo = System.getProperty("sipscreen.repo");
    return repo != null ? Path.of(repo) : Path.of("../..");
  }

  static Path shippedConfig() {
    return repo().resolve("config/sipscreen.yaml");
  }

  Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  String loadError(String yaml) throws IOException {
    Path file = write("sipscreen.yaml", yaml);
    return org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
        () -> Sipscreen.prepare(file)).getMessage();
  }

  @Test
  void shippedConfigLoadsAndBuilds() throws Exception {
    SipscreenConfig config = ConfigLoader.load(shippedConfig());
    assertThat(config.sip().listen()).hasSize(1);
    assertThat(config.sip().listen().get(0).port()).isEqualTo(5060);
    assertThat(config.sip().listen().get(0).transports()).containsExactly("udp", "tcp");
    assertThat(config.routing().defaultRoute()).isEqualTo("sip:127.0.0.1:5070");
    assertThat(config.screening().emergency().numbers()).containsExactly("911", "933");
    assertThat(((org.sipscreen.screening.check.number_list.NumberListConfig) config.screening()
        .section("tag_list").orElseThrow()).label()).isEqualTo("SPAM?");

    ScreeningChain chain = ScreeningFactory.build(config, shippedConfig()).chain();
    assertThat(chain.checkNames())
        .containsExactly("emergency", "source_peer", "calling_number", "invalid_number",
            "do_not_originate", "block_list", "tag_list", "neighbor_spoofing", "velocity");
    assertThat(chain.policy().blockScore()).isEqualTo(90);
    assertThat(chain.policy().analyticsReject().reasonPhrase()).isEqualTo("Network Blocked");

    Sipscreen.Prepared prepared = Sipscreen.prepare(shippedConfig());
    assertThat(prepared.settings().defaultRoute().address().getPort()).isEqualTo(5070);
    assertThat(prepared.settings().recordRoute()).isTrue();
  }

  @Test
  void emptyFileGivesTheDefaults() throws Exception {
    Path file = write("empty.yaml", "");
    SipscreenConfig config = ConfigLoader.load(file);
    assertThat(config.sip().listen().get(0).address()).isEqualTo("127.0.0.1");
    assertThat(config.screening().section("block_list")).isEmpty();
    assertThat(ScreeningFactory.build(config, file).chain().checkNames())
        .containsExactly("emergency", "source_peer", "calling_number");
  }

  @Test
  void unknownKeyNamesTheFileTheKeyPathAndTheLine() throws IOException {
    String message = loadError("""
        sip:
          listen:
            - address: 127.0.0.1
              prot: 5060
        """);
    assertThat(message).startsWith(dir.resolve("sipscreen.yaml").toString() + ": ")
        .contains("sip.listen[0].prot")
        .contains("unknown key 'prot'")
        .contains("(line 4)");
  }

  @Test
  void unknownKeyFollowedByOtherKeysStillNamesItsOwnLine() throws IOException {
    String message = loadError("""
        screening:
          block_list:
            file: block.txt
            lable: x
            action: reject_deterministic
            score: 100
        http:
          port: 8080
        """);
    assertThat(message).contains("screening.block_list.lable").contains("(line 4)");
  }

  @Test
  void unknownTopLevelKeyIsNamed() throws IOException {
    String message = loadError("""
        sip: {}
        screenign: {}
        """);
    assertThat(message).contains("sipscreen.yaml").contains("screenign").contains("(line 2)");
  }

  @Test
  void badPortNamesTheKey() throws IOException {
    String message = loadError("""
        sip:
          listen:
            - address: 127.0.0.1
              port: 70000
        """);
    assertThat(message).contains("sipscreen.yaml").contains("sip.listen[0]")
        .contains("port must be 1-65535, was 70000");
  }

  @Test
  void nonNumericPortNamesTheKey() throws IOException {
    String message = loadError("""
        sip:
          listen:
            - port: five
        """);
    assertThat(message).contains("sip.listen[0].port").contains("(line 3)");
  }

  @Test
  void wildcardListenerWithoutAdvertiseAddressIsRefused() throws IOException {
    String message = loadError("""
        sip:
          listen:
            - address: 0.0.0.0
        """);
    assertThat(message).contains("sip: advertise_address is required").contains("0.0.0.0");
  }

  @Test
  void wildcardListenerWithAdvertiseAddressIsAdvertised() throws Exception {
    Path file = write("sipscreen.yaml", """
        sip:
          listen:
            - address: 0.0.0.0
              port: 5080
          advertise_address: sbc.example.net
        """);
    assertThat(Sipscreen.prepare(file).settings().endpoints().get(0).hostPort())
        .isEqualTo("sbc.example.net:5080");
  }

  @Test
  void advertiseAddressThatCouldBreakAViaIsRefused() throws IOException {
    String message = loadError("""
        sip:
          advertise_address: "sbc.example.net;branch=x"
        """);
    assertThat(message).contains("advertise_address must be a host name")
        .contains("'sbc.example.net;branch=x'");
  }

  @Test
  void udpSocketsDefaultsToOnePerEventLoop() throws Exception {
    assertThat(ConfigLoader.load(write("empty.yaml", "")).sip().udpSockets())
        .isEqualTo(SipscreenConfig.Sip.EVENT_LOOPS).isPositive();
    assertThat(ConfigLoader.load(write("two.yaml", "sip:\n  udp_sockets: 2\n")).sip().udpSockets())
        .isEqualTo(2);
  }

  @Test
  void zeroUdpSocketsNamesTheKey() throws IOException {
    String message = loadError("""
        sip:
          udp_sockets: 0
        """);
    assertThat(message).contains("sipscreen.yaml").contains("sip")
        .contains("udp_sockets must be 1-256, was 0");
  }

  @Test
  void reloadSectionDefaultsAndValues() throws Exception {
    assertThat(ConfigLoader.load(write("empty.yaml", "")).reload()).isEqualTo(ReloadConfig.DEFAULT);
    assertThat(ReloadConfig.DEFAULT.settle()).isEqualTo(java.time.Duration.ofSeconds(5));
    ReloadConfig shipped = ConfigLoader.load(shippedConfig()).reload();
    assertThat(shipped).isEqualTo(new ReloadConfig(java.time.Duration.ofSeconds(5), false, 50, 100));
    assertThat(shipped.refusal(100, 0)).isEqualTo("empty");
    assertThat(shipped.refusal(100, 49)).isEqualTo("shrink");
    assertThat(shipped.refusal(100, 50)).isNull();
    assertThat(shipped.refusal(99, 1)).as("small lists are not shrink-checked").isNull();
    assertThat(shipped.refusal(0, 0)).isNull();
    assertThat(new ReloadConfig(null, true, null, null).refusal(100, 0)).isNull();
  }

  @Test
  void badReloadValuesNameTheKey() throws IOException {
    assertThat(loadError("reload:\n  max_shrink_percent: 101\n")).contains("sipscreen.yaml")
        .contains("reload").contains("max_shrink_percent must be 0-100, was 101");
    assertThat(loadError("reload:\n  settle: 20m\n")).contains("settle must be 0s-10m, was 20m");
    assertThat(loadError("reload:\n  settle: 5\n")).contains("reload.settle")
        .contains("a duration needs its unit").contains("(line 2)");
    assertThat(loadError("reload:\n  setle: 5s\n")).contains("reload.setle")
        .contains("unknown key 'setle'").contains("(line 2)");
  }

  @Test
  void sameListenerTwiceIsRefused() throws IOException {
    String message = loadError("""
        sip:
          listen:
            - address: 127.0.0.1
            - address: 127.0.0.1
              port: 5060
        """);
    assertThat(message).contains("listen: 127.0.0.1 port 5060 is listed twice");
  }

  @Test
  void badCidrNamesTheKey() throws IOException {
    String message = loadError("""
        routing:
          next_hop_networks: [10.0.0.0/33]
        """);
    assertThat(message).contains("sipscreen.yaml").contains("routing")
        .contains("next_hop_networks: '10.0.0.0/33' has a bad prefix length");
  }

  @Test
  void hostNameAsPeerNetworkNamesTheKey() throws IOException {
    String message = loadError("""
        peers:
          carrier_a:
            networks: [peer.example.com]
        """);
    assertThat(message).contains("peers.carrier_a")
        .contains("networks: 'peer.example.com' is not an IP address literal");
  }

  @Test
  void badActionNamesTheKey() throws IOException {
    String message = loadError("""
        screening:
          block_list:
            file: block.txt
            action: blok
        """);
    assertThat(message).contains("screening.block_list")
        .contains("action must be one of allow, score, tag, reject_analytics, reject_deterministic, drop;"
            + " was 'blok'");
  }

  @Test
  void badVerstatNamesTheKey() throws IOException {
    String message = loadError("""
        screening:
          tag_list:
            file: suspect.txt
            verstat: TN-Validation-Maybe
        """);
    assertThat(message).contains("screening.tag_list").contains("verstat must be")
        .contains("'TN-Validation-Maybe'");
  }

  @Test
  void badDefaultRouteNamesTheKey() throws IOException {
    String message = loadError("""
        routing:
          default_route: sip:uas.example.com:5070
        """);
    assertThat(message).contains("routing").contains("default_route")
        .contains("not an IP address literal");
  }

  @Test
  void badListLineNamesTheListFileAndLine() throws IOException {
    write("lists/block.txt", "# block list\n+12025550199\n+1202555abc\n");
    String message = loadError("""
        screening:
          block_list:
            file: lists/block.txt
        """);
    assertThat(message).contains("sipscreen.yaml").contains("screening.block_list.file")
        .contains(dir.resolve("lists/block.txt").toString() + ":3:")
        .contains("+1202555abc");
  }

  @Test
  void missingListFileNamesTheKeyAndTheFile() throws IOException {
    String message = loadError("""
        screening:
          allow_list:
            file: lists/nope.txt
        """);
    assertThat(message).contains("screening.allow_list.file").contains("nope.txt");
  }

  @Test
  void missingConfigFileIsNamed() {
    Path file = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOf(ConfigException.class)
        .hasMessage(file + ": file not found");
  }

  @Test
  void invalidYamlNamesTheFileAndLine() throws IOException {
    String message = loadError("""
        sip:
          listen: [
        """);
    assertThat(message).contains("sipscreen.yaml: not valid YAML: ").contains("(line 2)")
        .doesNotContain("\n");
  }

  @Test
  void duplicateKeyIsAnError() throws IOException {
    String message = loadError("""
        http:
          port: 8080
          port: 8081
        """);
    assertThat(message).contains("sipscreen.yaml").contains("Duplicate field 'port'").contains("(line 3)");
  }

  // ------------------------------------------------------------------------------------- schema 1.0

  @Test
  void durationsAndSizesCarryTheirUnits() throws Exception {
    SipscreenConfig config = ConfigLoader.load(write("units.yaml", """
        sip:
          max_message_size: 32KiB
          tcp_idle_timeout: 2m
        records:
          flush_interval: 250ms
          max_file_size: 1MiB
          retention: 7d
          retention_size: 1GiB
        """));
    assertThat(config.sip().maxMessageBytes()).isEqualTo(32 * 1024);
    assertThat(config.sip().tcpIdleTimeoutSeconds()).isEqualTo(120);
    assertThat(config.records().flushIntervalMs()).isEqualTo(250);
    assertThat(config.records().maxFileBytes()).isEqualTo(1 << 20);
    assertThat(config.records().retentionHours()).isEqualTo(7 * 24);
    assertThat(config.records().retentionBytes()).isEqualTo(1L << 30);
  }

  @Test
  void aDurationWithoutItsUnitIsRefusedInTheOperatorsWords() throws IOException {
    assertThat(loadError("sip:\n  tcp_idle_timeout: 300\n")).contains("sip.tcp_idle_timeout")
        .contains("expected a duration such as 250ms, 30s, 5m, 12h or 90d, got 300").contains("(line 2)");
    assertThat(loadError("sip:\n  tcp_idle_timeout: five minutes\n"))
        .contains("got \"five minutes\"");
    assertThat(loadError("sip:\n  max_message_size: 64 kilo\n")).contains("sip.max_message_size")
        .contains("expected a size such as 512B, 64KiB, 256MiB or 20GiB");
  }

  @Test
  void aSectionIsOnWhenPresentWithoutEnabledKeys() throws Exception {
    SipscreenConfig on = ConfigLoader.load(write("on.yaml", "records: {}\n"));
    assertThat(on.recordsOn()).isTrue();
    assertThat(ConfigLoader.load(write("off.yaml", "sip: {}\n")).recordsOn()).isFalse();
    write("block.txt", "+12025550199\n");
    SipscreenConfig velocity = ConfigLoader.load(write("v.yaml", "screening:\n  velocity:\n"
        + "  policy: {redress_url: \"https://redress.example/\"}\n"));
    assertThat(ScreeningFactory.build(velocity, dir.resolve("v.yaml")).chain().checkNames())
        .contains("velocity");
  }

  @Test
  void everythingAboutAPeerLivesUnderItsName() throws Exception {
    Path file = write("peers.yaml", """
        peers:
          carrier_a:
            networks: [198.51.100.0/24]
            tag_score: 30
            checks:
              velocity: {caller_per_second: 1, action: reject_deterministic}
          carrier_b:
            networks: [203.0.113.0/24]
            block_all: true
        screening:
          velocity: {caller_per_second: 10}
          policy: {redress_url: "https://redress.example/"}
        """);
    ScreeningChain chain = Sipscreen.prepare(file).chain();
    assertThat(chain.policy().tagScore(java.util.Optional.of("carrier_a"))).isEqualTo(30);
    assertThat(chain.policy().blocksPeer(java.util.Optional.of("carrier_b"))).isTrue();
    assertThat(chain.policy().forCheck(java.util.Optional.of("carrier_a"), "velocity").action())
        .isEqualTo(org.sipscreen.screening.PolicyAction.REJECT_DETERMINISTIC);
    assertThat(chain.policy().forCheck(java.util.Optional.of("carrier_b"), "velocity").action())
        .isEqualTo(org.sipscreen.screening.PolicyAction.REJECT_ANALYTICS);
  }

  @Test
  void aPeerOverrideOfACheckThatIsOffIsRefused() throws IOException {
    String message = loadError("""
        peers:
          carrier_a:
            networks: [198.51.100.0/24]
            checks:
              velocity: {action: drop}
        """);
    assertThat(message).contains("peers.carrier_a.checks.velocity").contains("that check is not on");
  }

  @Test
  void anUnknownCheckNameIsAnUnknownKeyWithTheChecksListed() throws IOException {
    String message = loadError("screening:\n  velocty: {}\n");
    assertThat(message).contains("screening.velocty").contains("unknown key 'velocty'")
        .contains("(line 2)").contains("velocity").contains("block_list");
  }

  @Test
  void everyCheckUsesOneActionVocabulary() throws Exception {
    write("block.txt", "+12025550199\n");
    write("data/nanp-npa.txt", Files.readString(shippedConfig().resolveSibling("data/nanp-npa.txt")));
    write("dno.txt", "+18005550100\n");
    for (String section : java.util.List.of("block_list: {file: block.txt, action: %s}",
        "tag_list: {file: block.txt, action: %s}", "do_not_originate: {file: dno.txt, action: %s}",
        "velocity: {action: %s}", "neighbor_spoofing: {action: %s}", "invalid_number: {action: %s}",
        "calling_number: {action: %s}")) {
      for (String action : java.util.List.of("allow", "score", "tag", "reject_analytics",
          "reject_deterministic", "drop")) {
        Path file = write("a.yaml", "screening:\n  " + section.formatted(action)
            + "\n  policy: {redress_url: \"https://redress.example/\"}\n");
        ScreeningChain chain = Sipscreen.prepare(file).chain();
        String check = section.substring(0, section.indexOf(':'));
        assertThat(chain.policy().forCheck(java.util.Optional.empty(), check).action().label())
            .as(section + " " + action).isEqualTo(action);
      }
    }
  }

  // --------------------------------------------------------------------- the schema before 1.0

  static final String LEGACY = """
      sip:
        tcp_idle_timeout_seconds: 120
        max_message_bytes: 65536
      records:
        enabled: true
        directory: recs
        retention_hours: 48
      screening:
        source_peer:
          unknown_source: drop
          peers:
            carrier_a: {networks: [198.51.100.0/24]}
        block_list:
          file: block.txt
          action: reject
          reject_status: 603
        velocity:
          caller_per_second: 5
          sequential_dialing: {count: 10, window_seconds: 60}
          peers:
            carrier_a: {caller_per_second: 1}
        stir_shaken:
          enabled: false
          trust_anchors: [roots.pem]
        policy:
          redress_url: https://redress.example/
          peers:
            carrier_a: {block_all: true, checks: {velocity: {action: drop}}}
      """;

  @Test
  void aConfigInTheOldSchemaRunsAsTheNewOneAndSaysWhatChanged() throws Exception {
    write("block.txt", "+12025550199\n");
    Path file = write("legacy.yaml", LEGACY);
    ConfigLoader.Loaded loaded = ConfigLoader.read(file);
    SipscreenConfig c = loaded.config();
    assertThat(c.sip().tcpIdleTimeoutSeconds()).isEqualTo(120);
    assertThat(c.records().retentionHours()).isEqualTo(48);
    assertThat(c.peers()).containsOnlyKeys("carrier_a");
    assertThat(c.peers().get("carrier_a").blockAll()).isTrue();
    assertThat(c.screening().section("stir_shaken")).as("enabled: false is off").isEmpty();
    assertThat(loaded.renames()).anySatisfy(r -> assertThat(r)
        .startsWith("sip.tcp_idle_timeout_seconds -> sip.tcp_idle_timeout: 120s").contains("(line 2)"));
    assertThat(loaded.renames()).anySatisfy(r -> assertThat(r)
        .startsWith("screening.source_peer.peers.carrier_a.networks -> peers.carrier_a.networks"));
    assertThat(loaded.renames()).anySatisfy(r -> assertThat(r)
        .startsWith("screening.velocity.peers.carrier_a -> peers.carrier_a.checks.velocity"));
    assertThat(loaded.renames()).noneSatisfy(r -> assertThat(r).contains("reject_status"));
    assertThat(loaded.renames()).anySatisfy(r -> assertThat(r)
        .startsWith("screening.block_list.action -> screening.block_list.action: reject_deterministic"));
    ScreeningChain chain = Sipscreen.prepare(file).chain();
    assertThat(chain.policy().forCheck(java.util.Optional.of("carrier_a"), "velocity").action())
        .isEqualTo(org.sipscreen.screening.PolicyAction.DROP);
  }

  @Test
  void theMigratedConfigIsTheSameConfigInTheNewSchema() throws Exception {
    write("block.txt", "+12025550199\n");
    Path legacy = write("legacy.yaml", LEGACY);
    Path migrated = write("migrated.yaml", ConfigLoader.migrated(legacy));
    ConfigLoader.Loaded again = ConfigLoader.read(migrated);
    assertThat(again.renames()).as(Files.readString(migrated)).isEmpty();
    assertThat(again.config()).isEqualTo(ConfigLoader.load(legacy));
  }

  @Test
  void anErrorInAnOldSchemaFileNamesTheLineOfTheOldKey() throws IOException {
    String message = loadError("""
        sip:
          tcp_idle_timeout_seconds: 0
        """);
    assertThat(message).contains("sip.tcp_idle_timeout").contains("(line 2)");
  }
}
