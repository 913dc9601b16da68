package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.UAC;
import static org.sipscreen.proxy.StatelessProxyTest.UAC_VIA;
import static org.sipscreen.proxy.StatelessProxyTest.UAS;
import static org.sipscreen.proxy.StatelessProxyTest.UNKNOWN;
import static org.sipscreen.proxy.StatelessProxyTest.assertDropped;
import static org.sipscreen.proxy.StatelessProxyTest.in;
import static org.sipscreen.proxy.StatelessProxyTest.invite;
import static org.sipscreen.proxy.StatelessProxyTest.msg;
import static org.sipscreen.proxy.StatelessProxyTest.sentTo;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.sip.Transport;

/**
 * What strangers and scanners get from the proxy core: scanner-marked requests are dropped without an
 * answer (emergency INVITEs excepted), OPTIONS is answered only to known sources, and no response names the
 * product unless the config says so.
 */
class EdgeHygieneTest {

  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  StatelessProxy proxy(ProxySettings.Hygiene hygiene) {
    return new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8").withHygiene(hygiene),
        StatelessProxyTest.chain(Optional.empty()), metrics);
  }

  StatelessProxy proxy() {
    return proxy(ProxySettings.Hygiene.DEFAULT);
  }

  double counter(String name, String... labels) {
    return metrics.counterValue(name, labels);
  }

  static String options(String ruri, String... extra) {
    List<String> lines = new java.util.ArrayList<>(List.of(
        "OPTIONS " + ruri + " SIP/2.0",
        UAC_VIA,
        "Max-Forwards: 70",
        "From: \"sipvicious\" <sip:100@1.1.1.1>;tag=o1",
        "To: <sip:100@127.0.0.1>",
        "Call-ID: scan-1@uac.example",
        "CSeq: 1 OPTIONS"));
    lines.addAll(List.of(extra));
    lines.add("Content-Length: 0");
    return msg("", lines.toArray(new String[0]));
  }

  static String register(String userAgent) {
    return msg("",
        "REGISTER sip:127.0.0.1 SIP/2.0",
        UAC_VIA,
        "Max-Forwards: 70",
        "From: <sip:100@127.0.0.1>;tag=r1",
        "To: <sip:100@127.0.0.1>",
        "Call-ID: reg-1@uac.example",
        "CSeq: 1 REGISTER",
        "User-Agent: " + userAgent,
        "Content-Length: 0");
  }

  @Test
  void dropsOptionsFromFriendlyScannerOfAPeerWithoutAnswer() {
    StatelessProxy proxy = proxy();
    assertDropped(proxy.process(in(options("sip:100@127.0.0.1", "User-Agent: friendly-scanner"), UAC)),
        "scanner_user_agent");
    assertThat(counter("sipscreen_messages_dropped", "scanner_user_agent")).isEqualTo(1);
    assertThat(counter("sipscreen_scanner_requests", "user_agent", "dropped")).isEqualTo(1);
    assertThat(counter("sipscreen_responses_sent", "200")).isZero();
  }

  @Test
  void dropsRegisterAndInviteOfEveryDefaultScannerUserAgent() {
    StatelessProxy proxy = proxy();
    for (String ua : List.of("friendly-scanner", "sipvicious", "sipcli/v1.8", "VaxSIPUserAgent/3.1",
        "sundayddr", "iWar", "sip-scan", "SIPScan 1.0", "SIPVicious 0.3.4")) {
      assertDropped(proxy.process(in(register(ua), UAC)), "scanner_user_agent");
      String invite = invite("sip:100@127.0.0.1", "<sip:100@uac.example>;tag=f1", "User-Agent: " + ua);
      assertDropped(proxy.process(in(invite, UAC)), "scanner_user_agent");
    }
    assertThat(counter("sipscreen_requests_forwarded", "INVITE", "udp")).isZero();
    assertThat(counter("sipscreen_requests_forwarded", "REGISTER", "udp")).isZero();
  }

  @Test
  void dropsAScannersMalformedRequestInsteadOfAnswering400() {
    String noCseq = msg("",
        "INVITE sip:100@127.0.0.1 SIP/2.0",
        UAC_VIA,
        "From: <sip:100@uac.example>;tag=f1",
        "To: <sip:100@127.0.0.1>",
        "Call-ID: bad-1@uac.example",
        "User-Agent: friendly-scanner",
        "Content-Length: 0");
    assertDropped(proxy().process(in(noCseq, UAC)), "scanner_user_agent");
  }

  @Test
  void forwardsAnEmergencyInviteEvenFromAScannerUserAgent() {
    StatelessProxy proxy = proxy();
    for (String ruri : List.of("sip:911@127.0.0.1;user=phone", "urn:service:sos")) {
      String invite = invite(ruri, "<sip:+13035550100@uac.example>;tag=f1", "User-Agent: friendly-scanner")
          .replace("call-1@", "call-" + ruri.length() + "@");
      String out = sentTo(proxy.process(in(invite, UAC)), UAS, Transport.UDP);
      assertThat(out).startsWith("INVITE " + ruri + " SIP/2.0\r\n");
    }
    assertThat(counter("sipscreen_scanner_requests", "user_agent", "emergency_passed")).isEqualTo(2);
    assertThat(counter("sipscreen_scanner_requests", "user_agent", "dropped")).isZero();
  }

  @Test
  void forwardsCallsOfLegitimateUserAgents() {
    StatelessProxy proxy = proxy();
    int n = 0;
    for (String ua : List.of("Asterisk PBX 20.5.0", "FreeSWITCH-mod_sofia/1.10.11", "MySIPClient/2.0",
        "kamailio (5.7.4 (x86_64/linux))", "Linphone/5.2 (belle-sip/5.2)", "Yealink SIP-T46S 66.86",
        "PolycomVVX-VVX_450-UA/6.4", "Cisco-SIPGateway/IOS-15", "sipscanner-tester-no")) {
      String invite = invite("sip:+12025550100@127.0.0.1;user=phone",
          "<sip:+13035550100@uac.example;user=phone>;tag=f" + n, "User-Agent: " + ua)
          .replace("call-1@", "call-ua" + n++ + "@");
      String out = sentTo(proxy.process(in(invite, UAC)), UAS, Transport.UDP);
      assertThat(out).as(ua).startsWith("INVITE ");
    }
    assertThat(counter("sipscreen_requests_forwarded", "INVITE", "udp")).isEqualTo(n);
  }

  @Test
  void dropsConfiguredFromUsersAndNothingWhenTheFilterIsOff() {
    StatelessProxy marked = proxy(new ProxySettings.Hygiene(
        new ScannerFilter(List.of(), List.of("scanme")), Optional.empty()));
    String invite = invite("sip:+12025550100@127.0.0.1;user=phone", "<sip:scanme@uac.example>;tag=f1");
    assertDropped(marked.process(in(invite, UAC)), "scanner_from_user");
    assertThat(counter("sipscreen_scanner_requests", "from_user", "dropped")).isEqualTo(1);

    StatelessProxy off = proxy(new ProxySettings.Hygiene(ScannerFilter.OFF, Optional.empty()));
    String scanner = options("sip:127.0.0.1", "User-Agent: friendly-scanner");
    assertThat(sentTo(off.process(in(scanner, UAC)), UAC, Transport.UDP)).startsWith("SIP/2.0 200 OK\r\n");
  }

  @Test
  void dropsOptionsFromAnUnknownSourceSilently() {
    StatelessProxy proxy = proxy();
    for (String ruri : List.of("sip:127.0.0.1", "sip:100@127.0.0.1", "sip:100@192.0.2.99")) {
      assertDropped(proxy.process(in(options(ruri), UNKNOWN)), "options_from_unknown_source");
    }
    assertThat(counter("sipscreen_messages_dropped", "options_from_unknown_source")).isEqualTo(3);
    assertThat(counter("sipscreen_responses_sent", "200")).isZero();
    assertThat(counter("sipscreen_responses_sent", "403")).isZero();
  }

  @Test
  void answersOptionsOfAKnownSourceWithoutNamingTheProduct() {
    String out = sentTo(proxy().process(in(options("sip:127.0.0.1"), UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 200 OK\r\n").doesNotContain("\r\nServer:")
        .doesNotContainIgnoringCase("sipscreen");
  }

  @Test
  void namesTheConfiguredServerInItsOwnResponses() {
    StatelessProxy proxy = proxy(new ProxySettings.Hygiene(ScannerFilter.DEFAULT, Optional.of("edge-1")));
    String out = sentTo(proxy.process(in(options("sip:127.0.0.1"), UAC)), UAC, Transport.UDP);
    assertThat(out).contains("\r\nServer: edge-1\r\n");
  }
}
