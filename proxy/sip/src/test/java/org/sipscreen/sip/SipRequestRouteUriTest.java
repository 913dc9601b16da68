package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SipRequestRouteUriTest {

  @Test
  void eachRouteUriIsReadOnceAndOneThatDoesNotReadIsNull() throws Exception {
    SipRequest r = SipRequest.validate(SipMessageParserTest.parse("BYE sip:bob@192.0.2.4 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\n"
        + "Route: <sips:proxy.example.net;lr>, <tel:+12025550100>\r\n"
        + "Route: <sip:192.0.2.9:5070;lr;ss=abc>, <sip:>\r\n"
        + "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.net>;tag=b\r\n"
        + "Call-ID: c1\r\nCSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", true));

    assertThat(r.routes()).hasSize(4);
    SipUri first = r.routeUri(0);
    assertThat(first.scheme()).isEqualTo("sips");
    assertThat(first.host()).isEqualTo("proxy.example.net");
    assertThat(r.routeUri(0)).isSameAs(first);
    assertThat(r.routeUri(1).isSip()).as("tel: reads, as a URI of another scheme").isFalse();
    assertThat(r.routeUri(3)).as("sip: without a host does not read").isNull();
    assertThat(r.routeUri(3)).isNull();
    assertThat(r.routeUri(2).port()).isEqualTo(5070);
    assertThat(r.routeUri(2).params().get("ss")).isEqualTo("abc");
  }
}
