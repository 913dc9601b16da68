package org.sipscreen.flood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sipscreen.flood.SourceRateTableTest.address;

import org.junit.jupiter.api.Test;

class SourceKeyTest {

  @Test
  void anIpv4AddressIsItsOwnSource() {
    assertThat(SourceKey.of(address("192.0.2.7"))).isNotEqualTo(SourceKey.of(address("192.0.2.8")));
    assertThat(SourceKey.text(SourceKey.of(address("192.0.2.7")))).isEqualTo("192.0.2.7");
    assertThat(SourceKey.of(address("::ffff:192.0.2.7"))).isEqualTo(SourceKey.of(address("192.0.2.7")));
  }

  @Test
  void anIpv6SourceIsItsSlash64() {
    assertThat(SourceKey.of(address("2001:db8:1:2::1"))).isEqualTo(SourceKey.of(address("2001:db8:1:2:ffff::9")));
    assertThat(SourceKey.of(address("2001:db8:1:2::1"))).isNotEqualTo(SourceKey.of(address("2001:db8:1:3::1")));
    assertThat(SourceKey.text(SourceKey.of(address("2001:db8:1:2::1")))).isEqualTo("2001:db8:1:2::/64");
    assertThat(SourceKey.of(address("::1"))).isNotEqualTo(SourceKey.of(address("0.0.0.1")));
  }

  @Test
  void parsesWhatItWrites() {
    for (String text : new String[] {"192.0.2.7", "2001:db8:1:2::/64", "::/64"}) {
      assertThat(SourceKey.text(SourceKey.parse(text))).isEqualTo(text);
    }
    assertThat(SourceKey.parse("[2001:db8:1:2::5]")).isEqualTo(SourceKey.parse("2001:db8:1:2::/64"));
  }

  @Test
  void refusesWhatIsNoAddress() {
    assertThatThrownBy(() -> SourceKey.parse("example.net")).hasMessage("'example.net' is not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> SourceKey.parse("192.0.2.7/64")).hasMessage("'192.0.2.7/64': /64 is only for IPv6 prefixes");
  }
}
