package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SipUriTest {

  @Test
  void readsUserHostPortAndParameters() {
    SipUri u = SipUri.parse("sip:alice@Atlanta.Example.com:5070;transport=TCP;lr;maddr=[2001:db8::1]");
    assertThat(u.scheme()).isEqualTo("sip");
    assertThat(u.isSip()).isTrue();
    assertThat(u.user()).isEqualTo("alice");
    assertThat(u.host()).isEqualTo("atlanta.example.com");
    assertThat(u.port()).isEqualTo(5070);
    assertThat(u.transport()).isEqualTo("tcp");
    assertThat(u.looseRouting()).isTrue();
    assertThat(u.params().get("maddr")).isEqualTo("[2001:db8::1]");
    assertThat(u.hasHeaders()).isFalse();
  }

  @Test
  void lowerCasesSchemeAndLeavesPasswordOutOfUser() {
    SipUri u = SipUri.parse("SIPS:alice:secret@example.com");
    assertThat(u.scheme()).isEqualTo("sips");
    assertThat(u.isSip()).isTrue();
    assertThat(u.user()).isEqualTo("alice");
    assertThat(u.port()).isEqualTo(-1);
  }

  @Test
  void readsUriWithoutUserPart() {
    SipUri u = SipUri.parse("sip:proxy.example.com;lr");
    assertThat(u.user()).isEmpty();
    assertThat(u.host()).isEqualTo("proxy.example.com");
    assertThat(u.looseRouting()).isTrue();
  }

  @Test
  void readsIpv6HostWithAndWithoutPort() {
    SipUri withPort = SipUri.parse("sip:bob@[2001:DB8::10]:5061");
    assertThat(withPort.host()).isEqualTo("[2001:db8::10]");
    assertThat(withPort.port()).isEqualTo(5061);
    assertThat(SipUri.parse("sip:[::1]").host()).isEqualTo("[::1]");
  }

  @Test
  void keepsSemicolonInUserPartAsUser() {
    SipUri u = SipUri.parse("sip:user;par=u%40example.net@example.com");
    assertThat(u.user()).isEqualTo("user;par=u%40example.net");
    assertThat(u.host()).isEqualTo("example.com");
    assertThat(u.params().size()).isZero();
  }

  @Test
  void keepsQuestionMarkInUserPartAsUserNotHeaders() {
    SipUri u = SipUri.parse(
        "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"
            + "@example.com");
    assertThat(u.user()).isEqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assertThat(u.host()).isEqualTo("example.com");
    assertThat(u.hasHeaders()).isFalse();
  }

  @Test
  void flagsHeadersAfterTheHost() {
    SipUri u = SipUri.parse("sip:user@example.com?Route=%3Csip:example.com%3E");
    assertThat(u.hasHeaders()).isTrue();
    assertThat(u.user()).isEqualTo("user");
    assertThat(u.host()).isEqualTo("example.com");
    SipUri q = SipUri.parse("sip:us?er@example.com;lr?Subject=x");
    assertThat(q.user()).isEqualTo("us?er");
    assertThat(q.hasHeaders()).isTrue();
    assertThat(q.looseRouting()).isTrue();
  }

  @Test
  void readsTelNumberAndParameters() {
    SipUri u = SipUri.parse("tel:+1-201-555-0123;phone-context=example.com");
    assertThat(u.isTel()).isTrue();
    assertThat(u.user()).isEqualTo("+1-201-555-0123");
    assertThat(u.params().get("phone-context")).isEqualTo("example.com");
  }

  @Test
  void readsOnlyTheSchemeOfOtherUris() {
    SipUri u = SipUri.parse("nobodyKnowsThisScheme:totallyopaquecontent");
    assertThat(u.scheme()).isEqualTo("nobodyknowsthisscheme");
    assertThat(u.isSip()).isFalse();
    assertThat(u.isTel()).isFalse();
    assertThat(u.host()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "sip:alice@example.com:0",
      "sip:alice@example.com:65536",
      "sip:alice@example.com:123456",
      "sip:alice@example.com:",
      "sip:alice@example.com:50a",
      "sip:[2001:db8::1",             // unterminated IPv6 reference
      "sip:[2001:db8::1]x",
      "sip:alice@",                   // no host
      "sip:",
      "sip:alice@exa mple.com",
      "sip:alice@example.com;;lr",    // empty parameter
      "sip:alice@example.com;lr;",
      "tel:",
      "alice@example.com",            // no scheme
      ":alice"})
  void refusesMalformedUris(String uri) {
    assertThatThrownBy(() -> SipUri.parse(uri)).isInstanceOf(SipSyntaxException.class);
  }

  @Test
  void acceptsPortBoundaries() {
    assertThat(SipUri.parse("sip:h.example.com:1").port()).isEqualTo(1);
    assertThat(SipUri.parse("sip:h.example.com:65535").port()).isEqualTo(65535);
  }
}
