package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.NextHopSet;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.sip.Transport;

/** {@code routing.next_hops} and {@code routing.probing}: the settings they make and every refused value. */
class NextHopsConfigTest {

  @TempDir
  Path dir;

  private ProxySettings settings(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return ProxySettingsFactory.settings(ConfigLoader.load(file), file);
  }

  private String error(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return catchThrowableOfType(ConfigException.class,
        () -> ProxySettingsFactory.settings(ConfigLoader.load(file), file)).getMessage();
  }

  @Test
  void theDefaultRouteAloneIsOneHopNeverProbed() throws Exception {
    ProxySettings s = settings("routing:\n  default_route: sip:127.0.0.1:5090;transport=tcp\n");
    NextHop hop = new NextHop(new InetSocketAddress("127.0.0.1", 5090), Transport.TCP);
    assertThat(s.nextHops().members()).containsExactly(
        new NextHopSet.Member("sip:127.0.0.1:5090;transport=tcp", hop, 1, 1));
    assertThat(s.nextHops().probing()).isEmpty();
    assertThat(s.defaultRoute()).isEqualTo(hop);
  }

  @Test
  void nextHopsWithPrioritiesWeightsAndProbing() throws Exception {
    ProxySettings s = settings("""
        routing:
          next_hops:
            - {uri: "sip:10.0.1.1:5060", priority: 2}
            - {uri: "sip:10.0.0.1:5060", priority: 1, weight: 50}
            - {uri: "sip:10.0.0.2:5080;transport=tcp", priority: 1, weight: 70}
          probing: {interval: 10s, timeout: 1500ms, failures_to_down: 3, successes_to_up: 1}
          next_hop_networks: [127.0.0.0/8]
        """);
    assertThat(s.nextHops().members()).extracting(NextHopSet.Member::uri)
        .containsExactly("sip:10.0.0.1:5060", "sip:10.0.0.2:5080;transport=tcp", "sip:10.0.1.1:5060");
    assertThat(s.nextHops().members()).extracting(NextHopSet.Member::weight).containsExactly(50, 70, 1);
    assertThat(s.nextHops().probing()).contains(new NextHopSet.Probing(10_000, 1500, 3, 1));
    assertThat(s.defaultRoute().address()).isEqualTo(new InetSocketAddress("10.0.0.2", 5080));
    // Every next hop is reachable although next_hop_networks names none of them.
    for (String a : new String[] {"10.0.0.1", "10.0.0.2", "10.0.1.1"}) {
      assertThat(s.mayReach(InetAddress.getByName(a))).as(a).isTrue();
    }
    assertThat(s.mayReach(InetAddress.getByName("10.0.0.3"))).isFalse();
  }

  @Test
  void probingDefaults() throws Exception {
    ProxySettings s = settings("routing:\n  probing: {}\n");
    assertThat(s.nextHops().probing()).contains(new NextHopSet.Probing(5000, 2000, 2, 2));
    assertThat(Optional.of(s.nextHops().members().size())).contains(1);
  }

  @Test
  void refusedValuesNameTheKey() throws Exception {
    assertThat(error("""
        routing:
          default_route: sip:127.0.0.1:5070
          next_hops: [{uri: "sip:127.0.0.1:5071"}]
        """)).contains("sipscreen.yaml").contains("default_route and next_hops are exclusive");
    assertThat(error("routing:\n  next_hops: []\n")).contains("next_hops: at least one next hop is required");
    assertThat(error("routing:\n  next_hops: [{uri: \"sip:core.example:5060\"}]\n"))
        .contains("next_hops.uri").contains("core.example");
    assertThat(error("routing:\n  next_hops: [{uri: \"sip:127.0.0.1\", weight: 0}]\n"))
        .contains("next_hops.weight must be 1-65535, was 0");
    assertThat(error("routing:\n  next_hops: [{uri: \"sip:127.0.0.1\"}, {uri: \"sip:127.0.0.1\"}]\n"))
        .contains("sip:127.0.0.1 is listed twice");
    assertThat(error("routing:\n  next_hops: [{uri: \"sip:127.0.0.1\", prio: 1}]\n")).contains("prio");
    assertThat(error("routing:\n  probing: {interval: 1s, timeout: 2s}\n"))
        .contains("timeout (2000ms) must not exceed interval (1000ms)");
    assertThat(error("routing:\n  probing: {failures_to_down: 0}\n"))
        .contains("failures_to_down must be 1-100, was 0");
  }
}
