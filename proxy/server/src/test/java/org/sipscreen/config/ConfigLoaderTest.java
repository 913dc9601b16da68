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
    assertThat(config.screening().tagList().label()).isEqualTo("SPAM?");

    ScreeningChain chain = ScreeningFactory.build(config, shippedConfig());
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
    assertThat(config.screening().blockList().file()).isNull();
    assertThat(ScreeningFactory.build(config, file).checkNames())
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
            action: reject
            reject_status: 603
            reject_reason: Decline
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
    assertThat(shipped).isEqualTo(new ReloadConfig(5000, false, 50, 100));
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
    assertThat(loadError("reload:\n  settle_ms: -1\n")).contains("settle_ms must be 0-600000, was -1");
    assertThat(loadError("reload:\n  settle: 5s\n")).contains("reload.settle")
        .contains("unknown key 'settle'").contains("(line 2)");
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
        screening:
          source_peer:
            peers:
              carrier_a:
                networks: [peer.example.com]
        """);
    assertThat(message).contains("screening.source_peer.peers.carrier_a")
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
        .contains("action must be reject, drop or tag, was 'blok'");
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
}
