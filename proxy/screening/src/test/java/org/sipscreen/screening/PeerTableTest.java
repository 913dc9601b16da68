package org.sipscreen.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerTableTest {

  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  private static PeerTable table() {
    Map<String, List<String>> peers = new LinkedHashMap<>();
    peers.put("local", List.of("127.0.0.0/8", "::1/128"));
    peers.put("carrier_a", List.of("10.1.0.0/16", "2001:db8::/32"));
    peers.put("carrier_b", List.of("10.1.2.0/24", "2001:db8:1::/48", "192.0.2.7"));
    return PeerTable.of(peers);
  }

  @Test
  void findsPeerOfIpv4Address() throws Exception {
    assertThat(table().peerOf(ip("127.0.0.1"))).contains("local");
    assertThat(table().peerOf(ip("10.1.9.9"))).contains("carrier_a");
    assertThat(table().peerOf(ip("192.0.2.7"))).contains("carrier_b");
  }

  @Test
  void longestPrefixWinsRegardlessOfConfigOrder() throws Exception {
    assertThat(table().peerOf(ip("10.1.2.200"))).contains("carrier_b");
    assertThat(table().peerOf(ip("2001:db8:1::5"))).contains("carrier_b");
    assertThat(table().peerOf(ip("2001:db8:2::5"))).contains("carrier_a");
  }

  @Test
  void findsPeerOfIpv6Address() throws Exception {
    assertThat(table().peerOf(ip("::1"))).contains("local");
  }

  @Test
  void bareAddressIsAHostRoute() throws Exception {
    assertThat(table().peerOf(ip("192.0.2.8"))).isEmpty();
  }

  @Test
  void unknownAddressHasNoPeer() throws Exception {
    assertThat(table().peerOf(ip("203.0.113.1"))).isEmpty();
    assertThat(table().peerOf(ip("2001:db9::1"))).isEmpty();
    assertThat(PeerTable.EMPTY.peerOf(ip("127.0.0.1"))).isEmpty();
  }

  @Test
  void zeroPrefixMatchesEverything() throws Exception {
    PeerTable any = PeerTable.of(Map.of("any", List.of("0.0.0.0/0", "::/0")));
    assertThat(any.peerOf(ip("203.0.113.1"))).contains("any");
    assertThat(any.peerOf(ip("2001:db9::1"))).contains("any");
  }

  @Test
  void ipv4MappedIpv6SourceMatchesIpv4Block() throws Exception {
    assertThat(table().peerOf(ip("::ffff:10.1.2.3"))).contains("carrier_b");
  }

  @Test
  void badCidrTextIsRejectedNamingPeerAndEntry() {
    for (String bad : List.of("10.1.2.0/33", "10.1.2/24", "10.1.2.256", "example.com", "10.1.2.0/",
        "2001:db8::/129", "10.1.2.0/24x", "fe80::1%eth0", "")) {
      assertThatThrownBy(() -> PeerTable.of(Map.of("carrier_a", List.of(bad))))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("peer 'carrier_a': bad CIDR block '" + bad + "': ");
    }
  }

  @Test
  void hostBitsBeyondThePrefixAreRejected() {
    assertThatThrownBy(() -> PeerTable.of(Map.of("p", List.of("10.1.2.3/24"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("peer 'p': bad CIDR block '10.1.2.3/24': address has bits set beyond the /24 prefix");
  }

  @Test
  void sameBlockUnderTwoPeersIsRejected() {
    Map<String, List<String>> peers = new LinkedHashMap<>();
    peers.put("a", List.of("10.0.0.0/8"));
    peers.put("b", List.of("10.0.0.0/8"));
    assertThatThrownBy(() -> PeerTable.of(peers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CIDR block '10.0.0.0/8' of peer 'b' is already assigned to peer 'a' as '10.0.0.0/8'");
  }

  @Test
  void peerWithoutBlocksOrWithBadNameIsRejected() {
    assertThatThrownBy(() -> PeerTable.of(Map.of("a", List.of())))
        .hasMessage("peer 'a' has no CIDR blocks");
    assertThatThrownBy(() -> PeerTable.of(Map.of("bad name", List.of("10.0.0.1"))))
        .hasMessage("peer name must be letters, digits and _.-: 'bad name'");
  }
}
