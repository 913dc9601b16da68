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
    assertThat(error("routing:\n  next_hops: [{uri: \"sip:core-.example:5060\"}]\n"))
        .contains("next_hops.uri").contains("names neither an IP address nor a host");
    assertThat(error("routing:\n  next_hops: [{uri: \"sip:256.1.1.1\"}]\n"))
        .contains("next_hops.uri").contains("256.1.1.1");
    assertThat(error("routing:\n  next_hops: [{uri: \"sip:core.example;transport=sctp\"}]\n"))
        .contains("next_hops.uri: transport must be udp, tcp or tls, was sctp");
    assertThat(error("routing:\n  dns: {min_ttl: 10s, max_ttl: 5s}\n"))
        .contains("max_ttl (5s) must not be below min_ttl (10s)");
    assertThat(error("routing:\n  dns: {servers: [ns.example]}\n"))
        .contains("dns.servers: 'ns.example' is not an IP address literal");
    assertThat(error("routing:\n  dns: {servers: [\"127.0.0.1:0\"]}\n"))
        .contains("dns.servers: '127.0.0.1:0' has a bad port (1-65535)");
    assertThat(error("routing:\n  dns: {timeout: 10ms}\n")).contains("timeout");
    assertThat(error("routing:\n  dns: {ttl: 5s}\n")).contains("ttl");
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

  @Test
  void dnsDefaults() throws Exception {
    SipscreenConfig.Dns dns = ConfigLoader.load(write("routing: {}\n")).routing().dns();
    assertThat(dns).isEqualTo(new SipscreenConfig.Dns(java.util.List.of(), java.time.Duration.ofSeconds(5),
        java.time.Duration.ofHours(1), java.time.Duration.ofSeconds(2)));
    SipscreenConfig.Dns set = ConfigLoader.load(write("""
        routing:
          dns: {servers: ["192.0.2.53", "[2001:db8::53]:5353"], min_ttl: 1s, max_ttl: 10m, timeout: 500ms}
        """)).routing().dns();
    assertThat(set.servers()).containsExactly("192.0.2.53", "[2001:db8::53]:5353");
    assertThat(set.minTtl()).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(Networks.requireHostPort("[2001:db8::53]:5353", "k"))
        .isEqualTo(new InetSocketAddress("2001:db8::53", 5353));
    assertThat(Networks.requireHostPort("192.0.2.53", "k")).isEqualTo(new InetSocketAddress("192.0.2.53", 53));
  }

  @Test
  void aNextHopNamingAHostTakesTheHopsItsAnswerGivesInsideTheNextHopNetworks() throws Exception {
    Path file = write("""
        routing:
          next_hops:
            - {uri: "sip:10.0.0.1:5060", priority: 1}
            - {uri: "sip:Core.Example.:5080;transport=tcp", priority: 2, weight: 3}
          next_hop_networks: [10.0.0.0/24]
        """);
    NextHop inside = new NextHop(new InetSocketAddress("10.0.0.9", 5080), Transport.TCP);
    NextHop outside = new NextHop(new InetSocketAddress("10.0.1.9", 5080), Transport.TCP);
    java.util.List<org.sipscreen.proxy.NextHopName> asked = new java.util.ArrayList<>();
    ProxySettings s = ProxySettingsFactory.settings(ConfigLoader.load(file), file, (dns, plan) -> {
      asked.addAll(plan.names());
      return name -> java.util.List.of(
          new NextHopSet.Member(ProxySettings.uriOf(inside), inside, 2, 3, name.uri()),
          new NextHopSet.Member(ProxySettings.uriOf(outside), outside, 2, 3, name.uri()));
    });
    assertThat(asked).singleElement().satisfies(n -> {
      assertThat(n.host()).isEqualTo("core.example");
      assertThat(n.port()).hasValue(5080);
      assertThat(n.transport()).contains(Transport.TCP);
      assertThat(n.srvQueries()).isEmpty();
    });
    assertThat(s.nextHops().members()).extracting(NextHopSet.Member::uri)
        .containsExactly("sip:10.0.0.1:5060", "sip:10.0.0.9:5080;transport=tcp");
    assertThat(s.nextHops().members().get(1).source()).isEqualTo("sip:Core.Example.:5080;transport=tcp");
    assertThat(s.mayReach(InetAddress.getByName("10.0.1.9"))).isFalse();
  }

  @Test
  void aNameWithoutPortAsksSrvOfItsTransportOrUdpThenTcp() {
    assertThat(org.sipscreen.proxy.NextHopName.of("sip:core.example", 1, 1).orElseThrow().srvQueries())
        .extracting(org.sipscreen.proxy.NextHopName.SrvQuery::owner)
        .containsExactly("_sip._udp.core.example", "_sip._tcp.core.example");
    assertThat(org.sipscreen.proxy.NextHopName.of("sip:core.example;transport=tcp", 1, 1).orElseThrow()
        .srvQueries()).extracting(org.sipscreen.proxy.NextHopName.SrvQuery::owner)
        .containsExactly("_sip._tcp.core.example");
    assertThat(org.sipscreen.proxy.NextHopName.of("sip:10.0.0.1", 1, 1)).isEmpty();
    assertThat(org.sipscreen.proxy.NextHopName.of("sip:[::1]:5060", 1, 1)).isEmpty();
  }

  @Test
  void aConfigWhoseOnlyNextHopNameResolvesToNothingIsRefused() throws Exception {
    Path file = write("routing:\n  next_hops: [{uri: \"sip:core.example\"}]\n");
    String message = catchThrowableOfType(ConfigException.class, () -> ProxySettingsFactory.settings(
        ConfigLoader.load(file), file, (dns, plan) -> new org.sipscreen.proxy.NextHopAnswers() {
          @Override
          public java.util.List<NextHopSet.Member> hops(org.sipscreen.proxy.NextHopName name) {
            return java.util.List.of();
          }

          @Override
          public Optional<String> failing(org.sipscreen.proxy.NextHopName name) {
            return Optional.of("SRV _sip._udp.core.example.: 192.0.2.53:53 timeout");
          }
        })).getMessage();
    assertThat(message).contains("sipscreen.yaml: routing.next_hops: no next hop has an address"
        + " (sip:core.example: SRV _sip._udp.core.example.: 192.0.2.53:53 timeout)");
  }

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
