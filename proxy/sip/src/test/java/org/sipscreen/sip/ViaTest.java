package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ViaTest {

  @Test
  void readsTransportSentByAndBranch() {
    Via v = Via.parse("SIP/2.0/udp PC33.Atlanta.example.com:5066;branch=z9hG4bK776asdhds");
    assertThat(v.transport()).isEqualTo("UDP");
    assertThat(v.host()).isEqualTo("pc33.atlanta.example.com");
    assertThat(v.port()).isEqualTo(5066);
    assertThat(v.sentBy()).isEqualTo("pc33.atlanta.example.com:5066");
    assertThat(v.branch()).isEqualTo("z9hG4bK776asdhds");
    assertThat(v.hasRfc3261Branch()).isTrue();
  }

  @Test
  void acceptsLwsAroundSlashesColonAndParameters() {
    Via v = Via.parse("SIP  /   2.0 / TCP     spindle.example.com : 5070  ;  branch  =   z9hG4bK9ikj8");
    assertThat(v.transport()).isEqualTo("TCP");
    assertThat(v.host()).isEqualTo("spindle.example.com");
    assertThat(v.port()).isEqualTo(5070);
    assertThat(v.branch()).isEqualTo("z9hG4bK9ikj8");
  }

  @Test
  void readsIpv6SentByAndIpv6Received() {
    Via v = Via.parse("SIP/2.0/TLS [2001:DB8::9:1]:5061;branch=z9hG4bKa;received=[2001:db8::9:255]");
    assertThat(v.host()).isEqualTo("[2001:db8::9:1]");
    assertThat(v.port()).isEqualTo(5061);
    assertThat(v.received()).isEqualTo("[2001:db8::9:255]");
  }

  @Test
  void leavesPortNegativeWhenAbsentAndReadsUnknownTransports() {
    Via v = Via.parse("SIP/2.0/UNKNOWN 192.0.2.1;branch=z9hG4bKx");
    assertThat(v.port()).isEqualTo(-1);
    assertThat(v.sentBy()).isEqualTo("192.0.2.1");
    assertThat(v.transport()).isEqualTo("UNKNOWN");
  }

  @Test
  void readsRportFlagAsMinusOneAndRportValueAsPort() {
    assertThat(Via.parse("SIP/2.0/UDP h.example.com;rport;branch=z9hG4bKa").rport()).isEqualTo(-1);
    assertThat(Via.parse("SIP/2.0/UDP h.example.com;rport=5062;branch=z9hG4bKa").rport()).isEqualTo(5062);
    assertThat(Via.parse("SIP/2.0/UDP h.example.com;rport=99999").rport()).isEqualTo(-1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"z9hG4bK", "abc", "z9hG4b"})
  void doesNotTakeBareCookieOrOldBranchForRfc3261Branch(String branch) {
    assertThat(Via.parse("SIP/2.0/UDP 192.0.2.1;branch=" + branch).hasRfc3261Branch()).isFalse();
  }

  @Test
  void withReceivedReplacesExistingReceivedAndRportAndKeepsOtherParametersInOrder() {
    Via v = Via.parse("SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKx;received=10.9.9.9;ttl=4");
    assertThat(v.withReceived("192.0.2.7", 40000))
        .isEqualTo("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx;ttl=4;received=192.0.2.7;rport=40000");
  }

  @Test
  void withReceivedAddsReceivedAndRportWhenAbsent() {
    Via v = Via.parse("SIP/2.0/TCP client.example.com;branch=z9hG4bK1");
    String written = v.withReceived("[2001:db8::1]", 5060);
    assertThat(written).isEqualTo("SIP/2.0/TCP client.example.com;branch=z9hG4bK1;received=[2001:db8::1];rport=5060");
    Via reread = Via.parse(written);
    assertThat(reread.received()).isEqualTo("[2001:db8::1]");
    assertThat(reread.rport()).isEqualTo(5060);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SIP/2.0/UDP 192.0.2.15;;,;,,",       // RFC 4475 badinv01
      "SIP/2.0/UDP host;branch=a;;x=1",     // empty parameter
      "SIP/2.0/UDP host;branch=",           // empty value
      "SIP/2.0/UDP host:0",                 // port out of range
      "SIP/2.0/UDP host:65536",
      "SIP/2.0/UDP host:123456",
      "SIP/2.0/UDP host:",
      "SIP/2.0/UDP host:50x0",
      "SIP/2.0/UDP [2001:db8::1",           // unterminated IPv6 reference
      "SIP/3.0/UDP host",                   // wrong version
      "SIPS/2.0/UDP host",
      "SIP/2.0 host",                       // no transport
      "SIP/2.0/UDP",                        // no sent-by
      "SIP/2.0/UDP;branch=z9hG4bKa",
      "SIP/2.0/UDP host1, SIP/2.0/UDP host2", // two values: split first
      "SIP/2.0/UDP ex$mple.com",
      ""})
  void refusesMalformedValues(String value) {
    assertThatThrownBy(() -> Via.parse(value)).isInstanceOf(SipSyntaxException.class);
  }
}
