package org.sipscreen.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.BLOCKED;
import static org.sipscreen.proxy.StatelessProxyTest.TAGGED;
import static org.sipscreen.proxy.StatelessProxyTest.UAC;
import static org.sipscreen.proxy.StatelessProxyTest.msg;
import static org.sipscreen.proxy.StatelessProxyTest.send;
import static org.sipscreen.proxy.StatelessProxyTest.sentTo;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.sip.Transport;

/**
 * {@code sips:} requests (RFC 5630: TLS on every hop): forwarded over TLS only, with our Record-Route in
 * {@code sips:}; refused with 480 and {@code Warning: 380} when they arrived without TLS or their next hop has
 * none; an emergency INVITE goes on anyway; screened exactly like {@code sip:} ones. The proxy has a UDP/TCP
 * endpoint on 127.0.0.1:5060 and a TLS one on 127.0.0.1:5061.
 */
class SipsRoutingTest {

  static final InetSocketAddress PLAIN = new InetSocketAddress("127.0.0.1", 5060);
  static final InetSocketAddress SECURE = new InetSocketAddress("127.0.0.1", 5061);
  static final NextHop TLS_HOP = new NextHop(new InetSocketAddress("127.0.0.1", 5071), Transport.TLS);
  static final NextHop UDP_HOP = new NextHop(new InetSocketAddress("127.0.0.1", 5070), Transport.UDP);
  static final String WARNING_FROM_TLS = "Warning: 380 127.0.0.1:5061 \"SIPS Not Allowed\"";

  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  static ProxySettings settings(NextHopSet hops) {
    return new ProxySettings(List.of(
        LocalEndpoint.of(PLAIN, null, EnumSet.of(Transport.UDP, Transport.TCP)),
        LocalEndpoint.of(SECURE, null, EnumSet.of(Transport.TLS), "required")),
        hops.first(), PeerTable.of(Map.of("next_hops", List.of("127.0.0.0/8"))), true).withNextHops(hops);
  }

  StatelessProxy proxy(NextHop... hops) {
    List<NextHopSet.Member> members = new java.util.ArrayList<>();
    for (int i = 0; i < hops.length; i++) {
      members.add(new NextHopSet.Member(ProxySettings.uriOf(hops[i]), hops[i], i, 1));
    }
    return new StatelessProxy(settings(new NextHopSet(members, Optional.empty())),
        StatelessProxyTest.chain(Optional.of("TN-Validation-Failed")), metrics);
  }

  static InboundMessage in(String text, Transport transport) {
    byte[] bytes = text.getBytes(ISO_8859_1);
    return new InboundMessage(bytes, 0, bytes.length, transport, UAC,
        transport == Transport.TLS ? SECURE : PLAIN, 0L);
  }

  static String invite(String requestUri, String from, String... extra) {
    List<String> lines = new java.util.ArrayList<>(List.of(
        "INVITE " + requestUri + " SIP/2.0",
        "Via: SIP/2.0/TLS uac.example:5063;branch=z9hG4bK-uac-1;rport",
        "Max-Forwards: 70"));
    lines.addAll(List.of(extra));
    lines.addAll(List.of(
        "From: " + from,
        "To: <sips:+12025550100@127.0.0.1;user=phone>",
        "Call-ID: call-1@uac.example",
        "CSeq: 1 INVITE",
        "Contact: <sips:alice@127.0.0.2:40000>",
        "Content-Length: 5"));
    return msg("v=0\r\n", lines.toArray(new String[0]));
  }

  static String sipsInvite() {
    return invite("sips:+12025550100@127.0.0.1;user=phone",
        "\"Alice\" <sips:+13035550100@uac.example;user=phone>;tag=f1");
  }

  static String bye(String requestUri, String route) {
    return msg("",
        "BYE " + requestUri + " SIP/2.0",
        "Via: SIP/2.0/TLS uac.example:5063;branch=z9hG4bK-uac-2;rport",
        "Max-Forwards: 70",
        route,
        "From: <sips:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sips:+12025550100@127.0.0.1;user=phone>;tag=t9",
        "Call-ID: call-1@uac.example",
        "CSeq: 2 BYE",
        "Content-Length: 0");
  }

  double sips(String outcome) {
    return metrics.counterValue("sipscreen_sips_requests", outcome);
  }

  @Test
  void forwardsASipsInviteOverTlsWithASipsRecordRouteAndATlsVia() {
    String out = sentTo(proxy(TLS_HOP).process(in(sipsInvite(), Transport.TLS)), TLS_HOP.address(),
        Transport.TLS);
    assertThat(out).startsWith("INVITE sips:+12025550100@127.0.0.1;user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-ss-");
    assertThat(out).contains("\r\nRecord-Route: <sips:127.0.0.1:5061;lr>\r\n")
        .doesNotContain("transport=tls").doesNotContain("<sip:127.0.0.1");
    assertThat(sips("forwarded")).isEqualTo(1);
  }

  @Test
  void aSipInviteOverTlsKeepsItsSipRecordRouteWithTransportTls() {
    String invite = invite("sip:+12025550100@127.0.0.1;user=phone",
        "<sip:+13035550100@uac.example;user=phone>;tag=f1");
    String out = sentTo(proxy(TLS_HOP).process(in(invite, Transport.TLS)), TLS_HOP.address(), Transport.TLS);
    assertThat(out).contains("\r\nRecord-Route: <sip:127.0.0.1:5061;transport=tls;lr>\r\n");
    assertThat(sips("forwarded")).isZero();
  }

  @Test
  void refusesASipsInviteThatArrivedOverUdpWith480AndWarning380() {
    String out = sentTo(proxy(TLS_HOP).process(in(sipsInvite(), Transport.UDP)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 480 Temporarily Unavailable\r\n")
        .contains("\r\nWarning: 380 127.0.0.1:5060 \"SIPS Not Allowed\"\r\n");
    assertThat(sips("refused_not_tls")).isEqualTo(1);
    assertThat(metrics.counterValue("sipscreen_requests_forwarded", "INVITE", "tls")).isZero();
  }

  @Test
  void aSipsInviteOverUdpFromAStrangerGetsWhatUnknownSourceSaysNot480() {
    InboundMessage fromStranger = new InboundMessage(sipsInvite().getBytes(ISO_8859_1), 0,
        sipsInvite().length(), Transport.UDP, StatelessProxyTest.UNKNOWN, PLAIN, 0L);
    assertThat(sentTo(proxy(TLS_HOP).process(fromStranger), StatelessProxyTest.UNKNOWN, Transport.UDP))
        .startsWith("SIP/2.0 403 Forbidden\r\n").doesNotContain("Warning:");
    StatelessProxy dropping = new StatelessProxy(new ProxySettings(
        List.of(LocalEndpoint.of(PLAIN, null, EnumSet.of(Transport.UDP))), TLS_HOP,
        PeerTable.of(Map.of("next_hops", List.of("127.0.0.0/8"))), true,
        new ProxySettings.UnknownSources(true, 403, "Forbidden")),
        StatelessProxyTest.chain(Optional.empty()), metrics);
    StatelessProxyTest.assertDropped(dropping.process(fromStranger), "unknown_source");
  }

  @Test
  void refusesASipsInviteThatArrivedOverTcp() {
    String out = sentTo(proxy(TLS_HOP).process(in(sipsInvite(), Transport.TCP)), UAC, Transport.TCP);
    assertThat(out).startsWith("SIP/2.0 480 Temporarily Unavailable\r\n");
    assertThat(sips("refused_not_tls")).isEqualTo(1);
  }

  @Test
  void refusesASipsInviteWhoseOnlyNextHopIsNotTls() {
    String out = sentTo(proxy(UDP_HOP).process(in(sipsInvite(), Transport.TLS)), UAC, Transport.TLS);
    assertThat(out).startsWith("SIP/2.0 480 Temporarily Unavailable\r\n")
        .contains("\r\n" + WARNING_FROM_TLS + "\r\n");
    assertThat(sips("refused_no_tls_next_hop")).isEqualTo(1);
  }

  @Test
  void aSipsInviteGoesToTheTlsHopEvenWhenAPlainOneIsPreferred() {
    StatelessProxy proxy = proxy(UDP_HOP, TLS_HOP);
    sentTo(proxy.process(in(sipsInvite(), Transport.TLS)), TLS_HOP.address(), Transport.TLS);
    String sip = invite("sip:+12025550100@127.0.0.1;user=phone",
        "<sip:+13035550100@uac.example;user=phone>;tag=f2").replace("call-1@", "call-2@");
    sentTo(proxy.process(in(sip, Transport.TLS)), UDP_HOP.address(), Transport.UDP);
  }

  @Test
  void anEmergencySipsInviteOverUdpIsForwardedNotRefused() {
    String invite = invite("sips:911@127.0.0.1", "<sips:+13035550100@uac.example;user=phone>;tag=f1");
    String out = sentTo(proxy(UDP_HOP).process(in(invite, Transport.UDP)), UDP_HOP.address(), Transport.UDP);
    assertThat(out).startsWith("INVITE sips:911@127.0.0.1 SIP/2.0\r\n")
        .contains("\r\nRecord-Route: <sip:127.0.0.1:5060;lr>\r\n");
    assertThat(sips("emergency_not_tls")).isEqualTo(1);
  }

  @Test
  void anEmergencySipsInviteOverUdpTakesTheTlsHopWhenThereIsOne() {
    String invite = invite("sips:911@127.0.0.1", "<sips:+13035550100@uac.example;user=phone>;tag=f1");
    String out = sentTo(proxy(TLS_HOP).process(in(invite, Transport.UDP)), TLS_HOP.address(), Transport.TLS);
    assertThat(out).as("both our entries, the TLS side's in sips:")
        .contains("\r\nRecord-Route: <sips:127.0.0.1:5061;lr>\r\nRecord-Route: <sip:127.0.0.1:5060;lr>\r\n");
    assertThat(sips("emergency_not_tls")).isEqualTo(1);
  }

  @Test
  void aSipsByeFollowsTheSipsRouteAfterOursOverTls() {
    String out = sentTo(proxy(UDP_HOP).process(in(bye("sips:bob@127.0.0.3:5090",
        "Route: <sips:127.0.0.1:5061;lr>, <sips:127.0.0.4:5081;lr>"), Transport.TLS)),
        new InetSocketAddress("127.0.0.4", 5081), Transport.TLS);
    assertThat(out).contains("\r\nRoute: <sips:127.0.0.4:5081;lr>\r\n")
        .contains("\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-ss-");
    assertThat(sips("forwarded")).isEqualTo(1);
  }

  @Test
  void aSipsByeGoesToItsRequestUriOnPort5061OverTls() {
    String out = sentTo(proxy(UDP_HOP).process(in(bye("sips:bob@127.0.0.3",
        "Route: <sips:127.0.0.1:5061;lr>"), Transport.TLS)),
        new InetSocketAddress("127.0.0.3", 5061), Transport.TLS);
    assertThat(out).startsWith("BYE sips:bob@127.0.0.3 SIP/2.0\r\n").doesNotContain("\r\nRoute:");
  }

  @Test
  void aSipByeWhoseNextRouteIsSipsGoesOverTlsOrNowhere() {
    String toTls = sentTo(proxy(UDP_HOP).process(in(bye("sip:bob@127.0.0.3:5090",
        "Route: <sip:127.0.0.1:5060;lr>, <sips:127.0.0.4;lr>"), Transport.UDP)),
        new InetSocketAddress("127.0.0.4", 5061), Transport.TLS);
    assertThat(toTls).startsWith("BYE sip:bob@127.0.0.3:5090 SIP/2.0\r\n");
    String refused = sentTo(proxy(UDP_HOP).process(in(bye("sip:bob@127.0.0.3:5090",
        "Route: <sip:127.0.0.1:5060;lr>, <sips:127.0.0.4;transport=udp;lr>"), Transport.UDP)),
        UAC, Transport.UDP);
    assertThat(refused).startsWith("SIP/2.0 480 Temporarily Unavailable\r\n");
    assertThat(sips("refused_no_tls_next_hop")).isEqualTo(1);
  }

  @Test
  void aSipsByeThatArrivedOverUdpIsRefused() {
    String out = sentTo(proxy(TLS_HOP).process(in(bye("sips:bob@127.0.0.3",
        "Route: <sips:127.0.0.1:5061;lr>"), Transport.UDP)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 480 Temporarily Unavailable\r\n");
  }

  @Test
  void aDowngradedEmergencyDialogsRequestFromItsPlainSideGoesOnOverTlsToTheOther() {
    // Our Record-Route of an emergency sips: call that arrived over UDP: sip: on the UDP side, sips: on the
    // TLS side. The caller's BYE names both, the UDP side first.
    String out = sentTo(proxy(TLS_HOP).process(in(bye("sips:bob@127.0.0.3",
        "Route: <sip:127.0.0.1:5060;lr>, <sips:127.0.0.1:5061;lr>"), Transport.UDP)),
        new InetSocketAddress("127.0.0.3", 5061), Transport.TLS);
    assertThat(out).startsWith("BYE sips:bob@127.0.0.3 SIP/2.0\r\n").doesNotContain("\r\nRoute:");
    assertThat(sips("refused_not_tls")).isZero();
  }

  @Test
  void theCancelOfAnEmergencySipsInviteOverUdpGoesOnLikeItsInvite() {
    String invite = invite("sips:911@127.0.0.1", "<sips:+13035550100@uac.example;user=phone>;tag=f1");
    String cancel = invite.replace("INVITE sips:911@127.0.0.1", "CANCEL sips:911@127.0.0.1")
        .replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL").replace("Content-Length: 5\r\n\r\nv=0\r\n",
            "Content-Length: 0\r\n\r\n");
    StatelessProxy proxy = proxy(UDP_HOP);
    sentTo(proxy.process(in(invite, Transport.UDP)), UDP_HOP.address(), Transport.UDP);
    assertThat(sentTo(proxy.process(in(cancel, Transport.UDP)), UDP_HOP.address(), Transport.UDP))
        .startsWith("CANCEL sips:911@127.0.0.1 SIP/2.0\r\n");
    assertThat(sips("emergency_not_tls")).isEqualTo(2);
  }

  @Test
  void theCancelOfAnOrdinarySipsInviteOverUdpIsRefusedLikeItsInvite() {
    String cancel = msg("",
        "CANCEL sips:+12025550100@127.0.0.1;user=phone SIP/2.0",
        "Via: SIP/2.0/UDP uac.example:5062;branch=z9hG4bK-uac-1;rport",
        "Max-Forwards: 70",
        "From: <sips:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sips:+12025550100@127.0.0.1;user=phone>",
        "Call-ID: call-1@uac.example",
        "CSeq: 1 CANCEL",
        "Content-Length: 0");
    assertThat(sentTo(proxy(TLS_HOP).process(in(cancel, Transport.UDP)), UAC, Transport.UDP))
        .startsWith("SIP/2.0 480 Temporarily Unavailable\r\n");
  }

  // ------------------------------------------------------------ screening is the same for sips: callers

  @Test
  void declinesABlockedCallerInASipsFromAsInASipOne() {
    String invite = invite("sips:+12025550100@127.0.0.1;user=phone",
        "\"Robo\" <sips:" + BLOCKED + "@uac.example;user=phone>;tag=f1");
    String out = sentTo(proxy(TLS_HOP).process(in(invite, Transport.TLS)), UAC, Transport.TLS);
    assertThat(out).startsWith("SIP/2.0 603 Decline\r\n");
    assertThat(sips("forwarded")).as("counted when it goes on, not when screening refuses it").isZero();
  }

  @Test
  void tagsASuspectCallerInASipsPaiAsInASipOne() {
    String invite = invite("sips:+12025550100@127.0.0.1;user=phone",
        "<sips:anonymous@anonymous.invalid>;tag=f1",
        "P-Asserted-Identity: \"Bob\" <sips:" + TAGGED + "@uac.example;user=phone>");
    String out = sentTo(proxy(TLS_HOP).process(in(invite, Transport.TLS)), TLS_HOP.address(), Transport.TLS);
    assertThat(out).contains("\r\nP-Asserted-Identity: \"SPAM? Bob\" <sips:+14155550177"
        + ";verstat=TN-Validation-Failed@uac.example;user=phone>\r\n");
  }

  @Test
  void aSipsOptionsToTheProxyItselfWithoutAPortIsAnsweredOnTls() {
    String options = msg("",
        "OPTIONS sips:127.0.0.1 SIP/2.0",
        "Via: SIP/2.0/TLS uac.example:5063;branch=z9hG4bK-uac-3;rport",
        "Max-Forwards: 70",
        "From: <sips:probe@uac.example>;tag=o1",
        "To: <sips:127.0.0.1>",
        "Call-ID: options-1@uac.example",
        "CSeq: 1 OPTIONS",
        "Content-Length: 0");
    ProxyAction.Send answer = send(proxy(TLS_HOP).process(in(options, Transport.TLS)));
    assertThat(answer.destination()).isEqualTo(UAC);
    assertThat(StatelessProxyTest.wire(answer.message())).startsWith("SIP/2.0 200 OK\r\n");
  }
}
