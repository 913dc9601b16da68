package org.sipscreen.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.check.calling_number.CallingNumberCheck;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.sip.Transport;
import org.sipscreen.sip.WireMessage;

/**
 * The proxy core without sockets: hand-written SIP in, the exact bytes it would send out. The proxy listens
 * on 127.0.0.1:5060, its default route (the UAS) is 127.0.0.1:5070, and the UAC sends from 127.0.0.2:40000
 * with a Via naming uac.example:5062, so received/rport are visible.
 */
public class StatelessProxyTest {

  static final InetSocketAddress PROXY = new InetSocketAddress("127.0.0.1", 5060);
  static final InetSocketAddress UAS = new InetSocketAddress("127.0.0.1", 5070);
  static final InetSocketAddress UAC = new InetSocketAddress("127.0.0.2", 40000);
  static final InetSocketAddress UNKNOWN = new InetSocketAddress("192.0.2.1", 5060);

  static final String BLOCKED = "+12025550199";
  static final String TAGGED = "+14155550177";
  static final Pattern OUR_BRANCH = Pattern.compile("z9hG4bK-ss-[0-9a-f]{8}-[0-9a-f]+");

  final PrometheusRegistry registry = new PrometheusRegistry();
  final ProxyMetrics metrics = new ProxyMetrics(registry);

  // ---------------------------------------------------------------------------------------------- setup

  public static ProxySettings settings(String... destinationNetworks) {
    return new ProxySettings(
        List.of(LocalEndpoint.of(PROXY, null, EnumSet.of(Transport.UDP, Transport.TCP))),
        new NextHop(UAS, Transport.UDP),
        PeerTable.of(Map.of("next_hops", List.of(destinationNetworks))),
        true);
  }

  public static ScreeningChain chain(Optional<String> verstat) {
    PeerTable peers = PeerTable.of(Map.of("local", List.of("127.0.0.0/8")));
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY, List.of(
        new SourcePeerCheck(peers),
        new CallingNumberCheck(),
        new NumberListCheck("block_list", NumberList.of("block.txt", BLOCKED)),
        new NumberListCheck("tag_list", NumberList.of("suspect.txt", TAGGED),
            NumberListCheck.tag(Optional.of("SPAM?"), verstat))));
  }

  StatelessProxy proxy() {
    return new StatelessProxy(settings("127.0.0.0/8"), chain(Optional.empty()), metrics);
  }

  StatelessProxy verstatProxy() {
    return new StatelessProxy(settings("127.0.0.0/8"), chain(Optional.of("TN-Validation-Failed")),
        metrics);
  }

  // -------------------------------------------------------------------------------------------- helpers

  /** Header lines joined with CRLF, the blank line, then the body. */
  static String msg(String body, String... headerLines) {
    return String.join("\r\n", headerLines) + "\r\n\r\n" + body;
  }

  static InboundMessage in(String text, InetSocketAddress sender) {
    return in(text, sender, Transport.UDP);
  }

  static InboundMessage in(String text, InetSocketAddress sender, Transport transport) {
    byte[] bytes = text.getBytes(ISO_8859_1);
    return new InboundMessage(bytes, 0, bytes.length, transport, sender, PROXY, 0L);
  }

  /** The message as it would go on the wire; also checks that length() agrees with writeTo. */
  static String wire(WireMessage m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out::write);
    assertThat(out.size()).as("WireMessage.length()").isEqualTo(m.length());
    return out.toString(ISO_8859_1);
  }

  static ProxyAction.Send send(ProxyAction action) {
    assertThat(action).isInstanceOf(ProxyAction.Send.class);
    return (ProxyAction.Send) action;
  }

  static String sentTo(ProxyAction action, InetSocketAddress destination, Transport transport) {
    ProxyAction.Send s = send(action);
    assertThat(s.destination()).isEqualTo(destination);
    assertThat(s.transport()).isEqualTo(transport);
    return wire(s.message());
  }

  static void assertDropped(ProxyAction action, String reason) {
    assertThat(action).isEqualTo(new ProxyAction.Drop(reason));
  }

  /** Our branch in the top Via of a forwarded request. */
  static String topBranch(String forwarded) {
    Matcher m = Pattern.compile("\r\nVia: SIP/2.0/(UDP|TCP) 127\\.0\\.0\\.1:5060;branch=(" + OUR_BRANCH
        + ")\r\n").matcher(forwarded);
    assertThat(m.find()).as("our Via on top in:\n%s", forwarded).isTrue();
    assertThat(forwarded.indexOf("\r\nVia:")).isEqualTo(m.start());
    return m.group(2);
  }

  /** The To tag of a response we generated. */
  static String toTag(String response) {
    Matcher m = Pattern.compile("\r\nTo: [^\r\n]*;tag=([^;\r\n]+)\r\n").matcher(response);
    assertThat(m.find()).as("To tag in:\n%s", response).isTrue();
    return m.group(1);
  }

  static final String UAC_VIA = "Via: SIP/2.0/UDP uac.example:5062;branch=z9hG4bK-uac-1;rport";
  static final String UAC_VIA_RECEIVED =
      "Via: SIP/2.0/UDP uac.example:5062;branch=z9hG4bK-uac-1;received=127.0.0.2;rport=40000";

  static String invite(String requestUri, String from, String... extraHeaders) {
    return inviteWith(requestUri, from, UAC_VIA, "Max-Forwards: 70", extraHeaders);
  }

  static String inviteWith(String requestUri, String from, String via, String maxForwards,
      String... extraHeaders) {
    List<String> lines = new java.util.ArrayList<>(List.of(
        "INVITE " + requestUri + " SIP/2.0",
        via));
    if (maxForwards != null) {
      lines.add(maxForwards);
    }
    lines.addAll(List.of(extraHeaders));
    lines.addAll(List.of(
        "From: " + from,
        "To: <sip:+12025550100@127.0.0.1;user=phone>",
        "Call-ID: call-1@uac.example",
        "CSeq: 1 INVITE",
        "Contact: <sip:alice@127.0.0.2:40000>",
        "Content-Type: application/sdp",
        "Content-Length: 5"));
    return msg("v=0\r\n", lines.toArray(new String[0]));
  }

  static String cleanInvite(String... extraHeaders) {
    return invite("sip:+12025550100@127.0.0.1;user=phone",
        "\"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1", extraHeaders);
  }

  static String blockedInvite() {
    return invite("sip:+12025550100@127.0.0.1;user=phone",
        "\"Robo\" <sip:" + BLOCKED + "@uac.example;user=phone>;tag=f1");
  }

  /**
   * A counter by its exposed name ({@code ..._total}). ProxyMetrics.counterValue only matches the name
   * without the suffix (see ProxyMetricsTest), so strip it here.
   */
  double counter(String name, String... labels) {
    return metrics.counterValue(name.replaceFirst("_total$", ""), labels);
  }

  // ------------------------------------------------------------------------------ forwarding an INVITE

  @Test
  void forwardsInitialInviteToDefaultRouteWithOurViaReceivedRportAndRecordRoute() {
    String out = sentTo(proxy().process(in(cleanInvite("Route: <sip:127.0.0.9;lr>"), UAC)), UAS,
        Transport.UDP);
    String branch = topBranch(out);
    assertThat(out).isEqualTo(msg("v=0\r\n",
        "INVITE sip:+12025550100@127.0.0.1;user=phone SIP/2.0",
        "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=" + branch,
        UAC_VIA_RECEIVED,
        "Max-Forwards: 69",
        "From: \"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>",
        "Call-ID: call-1@uac.example",
        "CSeq: 1 INVITE",
        "Contact: <sip:alice@127.0.0.2:40000>",
        "Content-Type: application/sdp",
        "Content-Length: 5",
        "Record-Route: <sip:127.0.0.1:5060;lr>"));
  }

  @Test
  void addsMaxForwards70WhenAbsent() {
    String invite = inviteWith("sip:+12025550100@127.0.0.1", "<sip:+13035550100@uac.example>;tag=f1",
        UAC_VIA, null);
    String out = sentTo(proxy().process(in(invite, UAC)), UAS, Transport.UDP);
    assertThat(out).contains("\r\nMax-Forwards: 70\r\n").doesNotContain("Max-Forwards: 69");
    assertThat(out.indexOf("Max-Forwards: 70")).isLessThan(out.indexOf("\r\n\r\n"));
    assertThat(out).endsWith("\r\n\r\nv=0\r\n");
  }

  @Test
  void putsOurRecordRouteAboveExistingOnes() {
    String out = sentTo(proxy().process(in(cleanInvite("Record-Route: <sip:10.9.9.9;lr>"), UAC)),
        UAS, Transport.UDP);
    assertThat(out).contains("\r\nRecord-Route: <sip:127.0.0.1:5060;lr>\r\n"
        + "Record-Route: <sip:10.9.9.9;lr>\r\n");
  }

  @Test
  void stripsEveryPreloadedRouteFromAnInitialRequest() {
    String out = sentTo(proxy().process(in(cleanInvite(
        "Route: <sip:127.0.0.1:5060;lr>, <sip:127.0.0.9:5099;lr>", "Route: <sip:127.0.0.8;lr>"), UAC)),
        UAS, Transport.UDP);
    assertThat(out).doesNotContain("Route: <sip:127.0.0.9").doesNotContain("\r\nRoute:");
  }

  @Test
  void doubleRecordRoutesWhenTheTransportChanges() {
    String out = sentTo(proxy().process(in(cleanInvite(), UAC, Transport.TCP)), UAS, Transport.UDP);
    assertThat(out).contains("\r\nRecord-Route: <sip:127.0.0.1:5060;lr>\r\n"
        + "Record-Route: <sip:127.0.0.1:5060;transport=tcp;lr>\r\n");
  }

  @Test
  void retransmissionAndCancelShareTheInviteBranchAndByeGetsAnother() {
    StatelessProxy proxy = proxy();
    String first = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String again = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    assertThat(again).isEqualTo(first);

    String cancel = msg("",
        "CANCEL sip:+12025550100@127.0.0.1;user=phone SIP/2.0",
        UAC_VIA,
        "Max-Forwards: 70",
        "From: \"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>",
        "Call-ID: call-1@uac.example",
        "CSeq: 1 CANCEL",
        "Content-Length: 0");
    String cancelOut = sentTo(proxy.process(in(cancel, UAC)), UAS, Transport.UDP);
    assertThat(topBranch(cancelOut)).isEqualTo(topBranch(first));
    assertThat(cancelOut).doesNotContain("Record-Route");

    String bye = msg("",
        "BYE sip:+12025550100@127.0.0.1;user=phone SIP/2.0",
        "Via: SIP/2.0/UDP uac.example:5062;branch=z9hG4bK-uac-2;rport",
        "Max-Forwards: 70",
        "Route: <sip:127.0.0.1:5060;lr>",
        "From: \"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=t9",
        "Call-ID: call-1@uac.example",
        "CSeq: 2 BYE",
        "Content-Length: 0");
    String byeOut = sentTo(proxy.process(in(bye, UAC)), UAS, Transport.UDP);
    assertThat(topBranch(byeOut)).isNotEqualTo(topBranch(first));
  }

  @Test
  void sameUpstreamBranchWithAnotherMethodGetsAnotherBranch() {
    StatelessProxy proxy = proxy();
    String first = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String message = msg("",
        "MESSAGE sip:+12025550100@127.0.0.1;user=phone SIP/2.0",
        UAC_VIA,
        "Max-Forwards: 70",
        "From: \"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>",
        "Call-ID: call-1@uac.example",
        "CSeq: 1 MESSAGE",
        "Content-Length: 0");
    String out = sentTo(proxy.process(in(message, UAC)), UAS, Transport.UDP);
    assertThat(topBranch(out)).isNotEqualTo(topBranch(first));
  }

  // ------------------------------------------------------------------------ RFC 3261 §16.3 validation

  @Test
  void answers483AtMaxForwardsZero() {
    String invite = inviteWith("sip:+12025550100@127.0.0.1", "<sip:+13035550100@uac.example>;tag=f1",
        UAC_VIA, "Max-Forwards: 0");
    String out = sentTo(proxy().process(in(invite, UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 483 Too Many Hops\r\n" + UAC_VIA_RECEIVED + "\r\n");
    assertThat(out).contains("\r\nCSeq: 1 INVITE\r\n").endsWith("\r\nContent-Length: 0\r\n\r\n");
    assertThat(toTag(out)).startsWith("ss");
  }

  @Test
  void aStrangersFaultyInviteGetsWhatUnknownSourceSaysNotTheFault() {
    String maxForwardsZero = inviteWith("sip:+12025550100@127.0.0.1", "<sip:+13035550100@uac.example>;tag=f1",
        UAC_VIA, "Max-Forwards: 0");
    String proxyRequire = cleanInvite("Proxy-Require: foo");
    String otherScheme = invite("im:+12025550100@127.0.0.1", "<sip:+13035550100@uac.example>;tag=f1");
    String emergency = inviteWith("sip:911@127.0.0.1", "<sip:+13035550100@uac.example>;tag=f1", UAC_VIA,
        "Max-Forwards: 0");
    for (String invite : List.of(maxForwardsZero, proxyRequire, otherScheme, emergency)) {
      assertThat(sentTo(proxy().process(in(invite, UNKNOWN)), UNKNOWN, Transport.UDP))
          .as(invite).startsWith("SIP/2.0 403 Forbidden\r\n");
      StatelessProxy dropping = new StatelessProxy(new ProxySettings(settings("127.0.0.0/8").endpoints(),
          new NextHop(UAS, Transport.UDP), PeerTable.of(Map.of("next_hops", List.of("127.0.0.0/8"))), true,
          new ProxySettings.UnknownSources(true, 403, "Forbidden")), chain(Optional.empty()), metrics);
      assertDropped(dropping.process(in(invite, UNKNOWN)), "unknown_source");
    }
    // From a peer the same INVITEs get the answer to what is wrong with them.
    assertThat(sentTo(proxy().process(in(maxForwardsZero, UAC)), UAC, Transport.UDP))
        .startsWith("SIP/2.0 483 Too Many Hops\r\n");
    assertThat(sentTo(proxy().process(in(proxyRequire, UAC)), UAC, Transport.UDP))
        .startsWith("SIP/2.0 420 Bad Extension\r\n");
    assertThat(sentTo(proxy().process(in(otherScheme, UAC)), UAC, Transport.UDP))
        .startsWith("SIP/2.0 416 Unsupported URI Scheme\r\n");
  }

  @Test
  void answers482WhenTheRequestComesBackWithOurViaUnchanged() {
    StatelessProxy proxy = proxy();
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    // The UAS (or a misconfigured peer) sends it straight back to us.
    String out = sentTo(proxy.process(in(forwarded, UAS)), UAS, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 482 Loop Detected\r\n");
  }

  @Test
  void forwardsASpiralWhoseRequestUriChanged() {
    StatelessProxy proxy = proxy();
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String spiral = forwarded.replace("INVITE sip:+12025550100@127.0.0.1;user=phone SIP/2.0",
        "INVITE sip:+12025550101@127.0.0.1;user=phone SIP/2.0");
    String out = sentTo(proxy.process(in(spiral, UAS)), UAS, Transport.UDP);
    assertThat(out).startsWith("INVITE sip:+12025550101@127.0.0.1;user=phone SIP/2.0\r\n");
    assertThat(out.split("\r\nVia: ", -1)).hasSize(4);
  }

  @Test
  void answers420WithUnsupportedForProxyRequire() {
    String out = sentTo(proxy().process(in(cleanInvite("Proxy-Require: foo, bar"), UAC)), UAC,
        Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 420 Bad Extension\r\n");
    assertThat(out).contains("\r\nUnsupported: foo, bar\r\n");
  }

  @Test
  void answers416ForAnUnknownRequestUriScheme() {
    String invite = invite("mailto:bob@example.com", "<sip:+13035550100@uac.example>;tag=f1");
    String out = sentTo(proxy().process(in(invite, UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 416 Unsupported URI Scheme\r\n");
  }

  @Test
  void answersOptionsForTheProxyItselfWith200AndAllow() {
    StatelessProxy proxy = proxy();
    for (String ruri : List.of("sip:127.0.0.1:5060", "sip:127.0.0.1")) {
      String options = msg("",
          "OPTIONS " + ruri + " SIP/2.0",
          UAC_VIA,
          "Max-Forwards: 70",
          "From: <sip:monitor@uac.example>;tag=o1",
          "To: <" + ruri + ">",
          "Call-ID: ping-1@uac.example",
          "CSeq: 7 OPTIONS",
          "Content-Length: 0");
      String out = sentTo(proxy.process(in(options, UAC)), UAC, Transport.UDP);
      assertThat(out).startsWith("SIP/2.0 200 OK\r\n" + UAC_VIA_RECEIVED + "\r\n");
      assertThat(out).contains("\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS")
          .contains("\r\nCSeq: 7 OPTIONS\r\n")
          .contains("\r\nTo: <" + ruri + ">;tag=ss");
    }
  }

  @Test
  void answers400WithReasonForAMalformedRequestWithReadableVia() {
    String noCseq = msg("",
        "INVITE sip:+12025550100@127.0.0.1 SIP/2.0",
        UAC_VIA,
        "Max-Forwards: 70",
        "From: <sip:+13035550100@uac.example>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1>",
        "Call-ID: bad-1@uac.example",
        "Content-Length: 0");
    String out = sentTo(proxy().process(in(noCseq, UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 400 Bad Request - Missing CSeq\r\n" + UAC_VIA_RECEIVED + "\r\n");
    assertThat(counter("sipscreen_malformed_messages_total", "missing_cseq")).isEqualTo(1);
  }

  @Test
  void answersAMalformedRequestWithUnreadableViaToItsSourceCopyingTheVia() {
    String badVia = msg("",
        "INVITE sip:+12025550100@127.0.0.1 SIP/2.0",
        "Via: SIP/2.0/UDP",
        "Max-Forwards: 70",
        "From: <sip:+13035550100@uac.example>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1>",
        "Call-ID: bad-4@uac.example",
        "CSeq: 1 INVITE",
        "Content-Length: 0");
    String out = sentTo(proxy().process(in(badVia, UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 400 Bad Request - Malformed Via\r\nVia: SIP/2.0/UDP\r\n");
  }

  @Test
  void dropsAMalformedRequestWithoutVia() {
    String noVia = msg("",
        "INVITE sip:+12025550100@127.0.0.1 SIP/2.0",
        "Max-Forwards: 70",
        "From: <sip:+13035550100@uac.example>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1>",
        "Call-ID: bad-2@uac.example",
        "CSeq: 1 INVITE",
        "Content-Length: 0");
    assertDropped(proxy().process(in(noVia, UAC)), "unanswerable");
  }

  @Test
  void dropsAMalformedAckInsteadOfAnsweringIt() {
    String ack = msg("",
        "ACK sip:+12025550100@127.0.0.1 SIP/2.0",
        UAC_VIA,
        "Max-Forwards: 70",
        "From: <sip:+13035550100@uac.example>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1>;tag=x",
        "Call-ID: bad-3@uac.example",
        "Content-Length: 0");
    assertDropped(proxy().process(in(ack, UAC)), "malformed");
  }

  @Test
  void dropsAKeepaliveAndGarbage() {
    assertDropped(proxy().process(in("\r\n\r\n", UAC)), "keepalive");
    assertDropped(proxy().process(in("hello\r\n", UAC)), "malformed");
  }

  @Test
  void answers505ForAnotherSipVersion() {
    String invite = cleanInvite().replace(" SIP/2.0\r\n", " SIP/3.0\r\n");
    String out = sentTo(proxy().process(in(invite, UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 505 Version Not Supported\r\n");
  }

  @Test
  void answers400WhenContentLengthExceedsTheDatagram() {
    String invite = cleanInvite().replace("Content-Length: 5", "Content-Length: 500");
    String out = sentTo(proxy().process(in(invite, UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 400 Bad Request - Bad Content-Length\r\n");
  }

  @Test
  void forwardsOnlyContentLengthBytesOfADatagramAndAddsContentLengthWhenAbsent() {
    String trailing = cleanInvite() + "junk after the body";
    String out = sentTo(proxy().process(in(trailing, UAC)), UAS, Transport.UDP);
    assertThat(out).endsWith("\r\nContent-Length: 5\r\nRecord-Route: <sip:127.0.0.1:5060;lr>\r\n\r\nv=0\r\n");

    String noLength = cleanInvite().replace("Content-Length: 5\r\n", "");
    String out2 = sentTo(proxy().process(in(noLength, UAC)), UAS, Transport.UDP);
    assertThat(out2).endsWith("\r\nRecord-Route: <sip:127.0.0.1:5060;lr>\r\nContent-Length: 5\r\n\r\nv=0\r\n");
  }

  @Test
  void keepsFurtherViasOfTheSendersViaLine() {
    String invite = cleanInvite().replace(UAC_VIA, UAC_VIA + ", SIP/2.0/UDP 10.1.1.1;branch=z9hG4bK-far");
    String out = sentTo(proxy().process(in(invite, UAC)), UAS, Transport.UDP);
    String branch = topBranch(out);
    assertThat(out).contains("\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=" + branch + "\r\n"
        + UAC_VIA_RECEIVED + "\r\n"
        + "Via: SIP/2.0/UDP 10.1.1.1;branch=z9hG4bK-far\r\nMax-Forwards: 69\r\n");
  }

  @Test
  void forwardsAViaOverTcpWithTcpInOurVia() {
    StatelessProxy tcp = new StatelessProxy(new ProxySettings(
        List.of(LocalEndpoint.of(PROXY, null, EnumSet.of(Transport.UDP, Transport.TCP))),
        new NextHop(UAS, Transport.TCP), PeerTable.of(Map.of("n", List.of("127.0.0.0/8"))), true),
        chain(Optional.empty()), metrics);
    String out = sentTo(tcp.process(in(cleanInvite(), UAC)), UAS, Transport.TCP);
    assertThat(out).contains("\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-ss-")
        .contains("\r\nRecord-Route: <sip:127.0.0.1:5060;transport=tcp;lr>\r\n"
            + "Record-Route: <sip:127.0.0.1:5060;lr>\r\n");
  }

  @Test
  void doesNotRecordRouteWhenDisabled() {
    StatelessProxy noRr = new StatelessProxy(new ProxySettings(
        List.of(LocalEndpoint.of(PROXY, null, EnumSet.of(Transport.UDP))),
        new NextHop(UAS, Transport.UDP), PeerTable.of(Map.of("n", List.of("127.0.0.0/8"))), false),
        chain(Optional.empty()), metrics);
    String out = sentTo(noRr.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    assertThat(out).doesNotContain("Record-Route");
  }

  // ------------------------------------------------------------------------------------- screening

  @Test
  void rejectsUnknownSourceWith403() {
    String out = sentTo(proxy().process(in(cleanInvite(), UNKNOWN)), UNKNOWN, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 403 Forbidden\r\n"
        + "Via: SIP/2.0/UDP uac.example:5062;branch=z9hG4bK-uac-1;received=192.0.2.1;rport=5060\r\n");
    assertThat(counter("sipscreen_screening_outcomes_total", "source_peer", "reject")).isEqualTo(1);
  }

  @Test
  void refusesInitialNonInviteFromUnknownSource() {
    String message = msg("",
        "MESSAGE sip:+12025550100@127.0.0.1 SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-m1",
        "Max-Forwards: 70",
        "From: <sip:+13035550100@attacker.example>;tag=m1",
        "To: <sip:+12025550100@127.0.0.1>",
        "Call-ID: msg-1@attacker.example",
        "CSeq: 1 MESSAGE",
        "Content-Length: 0");
    String out = sentTo(proxy().process(in(message, UNKNOWN)), UNKNOWN, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 403 ");
  }

  @Test
  void refusesInDialogRequestFromUnknownSource() {
    String reinvite = cleanInvite().replace("To: <sip:+12025550100@127.0.0.1;user=phone>",
        "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=forged")
        .replace("INVITE sip:+12025550100@127.0.0.1;user=phone", "INVITE sip:+12025550100@127.0.0.1:5070");
    ProxyAction action = proxy().process(in(reinvite, UNKNOWN));
    assertThat(sentTo(action, UNKNOWN, Transport.UDP)).startsWith("SIP/2.0 403 ");
  }

  @Test
  void declinesBlockedCallerWithDeterministicToTagAndNeverAddressesTheUas() {
    StatelessProxy proxy = proxy();
    String out = sentTo(proxy.process(in(blockedInvite(), UAC)), UAC, Transport.UDP);
    String again = sentTo(proxy.process(in(blockedInvite(), UAC)), UAC, Transport.UDP);
    assertThat(again).isEqualTo(out);
    String tag = toTag(out);
    assertThat(out).isEqualTo(msg("",
        "SIP/2.0 603 Decline",
        UAC_VIA_RECEIVED,
        "From: \"Robo\" <sip:+12025550199@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=" + tag,
        "Call-ID: call-1@uac.example",
        "CSeq: 1 INVITE",
        "Content-Length: 0"));
    assertThat(counter("sipscreen_requests_forwarded_total", "INVITE", "udp")).isZero();
    assertThat(counter("sipscreen_responses_sent_total", "603")).isEqualTo(2);
  }

  @Test
  void absorbsTheAckForOur603() {
    StatelessProxy proxy = proxy();
    String tag = toTag(sentTo(proxy.process(in(blockedInvite(), UAC)), UAC, Transport.UDP));
    String ack = msg("",
        "ACK sip:+12025550100@127.0.0.1;user=phone SIP/2.0",
        UAC_VIA,
        "Max-Forwards: 70",
        "From: \"Robo\" <sip:+12025550199@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=" + tag,
        "Call-ID: call-1@uac.example",
        "CSeq: 1 ACK",
        "Content-Length: 0");
    assertDropped(proxy.process(in(ack, UAC)), "ack_for_local_response");
    assertThat(counter("sipscreen_requests_forwarded_total", "ACK", "udp")).isZero();
  }

  @Test
  void forwardsEmergencyCallFromBlockedCaller() {
    String invite = invite("sip:911@127.0.0.1",
        "\"Robo\" <sip:" + BLOCKED + "@uac.example;user=phone>;tag=f1");
    String out = sentTo(proxy().process(in(invite, UAC)), UAS, Transport.UDP);
    assertThat(out).startsWith("INVITE sip:911@127.0.0.1 SIP/2.0\r\n");
    assertThat(out).contains("\r\nFrom: \"Robo\" <sip:+12025550199@uac.example;user=phone>;tag=f1\r\n");
    assertThat(counter("sipscreen_screening_outcomes_total", "emergency", "bypass")).isEqualTo(1);
  }

  @Test
  void refusesEmergencyCallFromUnknownSourceAndCountsItAsRefusedEmergency() {
    String invite = invite("sip:911@127.0.0.1", "<sip:+13035550100@uac.example>;tag=f1");
    assertThat(sentTo(proxy().process(in(invite, UNKNOWN)), UNKNOWN, Transport.UDP))
        .startsWith("SIP/2.0 403 Forbidden\r\n");
    assertThat(counter("sipscreen_peer_invites_total", "unknown", "emergency_refused")).isEqualTo(1);
    assertThat(counter("sipscreen_screening_outcomes_total", "emergency", "refused")).isEqualTo(1);
  }

  @Test
  void forwardsEmergencyCallFromAPeerAndRelaysItsAnswersBack() {
    StatelessProxy proxy = proxy();
    String invite = invite("sip:911@127.0.0.1", "<sip:+13035550100@uac.example>;tag=f1");
    String forwarded = sentTo(proxy.process(in(invite, UAC)), UAS, Transport.UDP);
    String ourVia = forwarded.substring(forwarded.indexOf("\r\nVia: ") + 7,
        forwarded.indexOf("\r\n", forwarded.indexOf("\r\nVia: ") + 2));
    for (String status : List.of("100 Trying", "180 Ringing", "200 OK")) {
      assertThat(sentTo(proxy.process(in(response(status, ourVia, UAC_VIA_RECEIVED.substring(5)), UAS)),
          UAC, Transport.UDP)).startsWith("SIP/2.0 " + status);
    }
  }

  @Test
  void forwardsEmergencyServiceUrnFromBlockedCaller() {
    String invite = invite("urn:service:sos",
        "\"Robo\" <sip:" + BLOCKED + "@uac.example;user=phone>;tag=f1");
    String out = sentTo(proxy().process(in(invite, UAC)), UAS, Transport.UDP);
    assertThat(out).startsWith("INVITE urn:service:sos SIP/2.0\r\n");
  }

  @Test
  void labelsTaggedCallerInFromKeepingTheTag() {
    String invite = invite("sip:+12025550100@127.0.0.1;user=phone",
        "\"Bob Smith\" <sip:" + TAGGED + "@uac.example;user=phone>;tag=f1");
    String out = sentTo(proxy().process(in(invite, UAC)), UAS, Transport.UDP);
    assertThat(out).contains(
        "\r\nFrom: \"SPAM? Bob Smith\" <sip:+14155550177@uac.example;user=phone>;tag=f1\r\n");
  }

  @Test
  void labelsTaggedCallerWithoutDisplayName() {
    String invite = invite("sip:+12025550100@127.0.0.1;user=phone",
        "<sip:" + TAGGED + "@uac.example;user=phone>;tag=f1");
    String out = sentTo(proxy().process(in(invite, UAC)), UAS, Transport.UDP);
    assertThat(out).contains("\r\nFrom: \"SPAM?\" <sip:+14155550177@uac.example;user=phone>;tag=f1\r\n");
  }

  @Test
  void putsVerstatOnTelUriInPaiAndLeavesFromAlone() {
    String from = "\"Bob\" <sip:" + TAGGED + "@uac.example;user=phone>;tag=f1";
    String invite = invite("sip:+12025550100@127.0.0.1;user=phone", from,
        "P-Asserted-Identity: \"Bob\" <tel:" + TAGGED + ">");
    String out = sentTo(verstatProxy().process(in(invite, UAC)), UAS, Transport.UDP);
    assertThat(out).contains(
        "\r\nP-Asserted-Identity: \"SPAM? Bob\" <tel:+14155550177;verstat=TN-Validation-Failed>\r\n");
    assertThat(out).contains("\r\nFrom: " + from + "\r\n");
  }

  @Test
  void replacesPeerVerstatInSipUserPartOfPai() {
    String invite = invite("sip:+12025550100@127.0.0.1;user=phone",
        "<sip:anonymous@anonymous.invalid>;tag=f1",
        "P-Asserted-Identity: <sip:" + TAGGED
            + ";verstat=TN-Validation-Passed@uac.example;user=phone>");
    String out = sentTo(verstatProxy().process(in(invite, UAC)), UAS, Transport.UDP);
    assertThat(out).contains("\r\nP-Asserted-Identity: \"SPAM?\" <sip:+14155550177"
        + ";verstat=TN-Validation-Failed@uac.example;user=phone>\r\n");
    assertThat(out).doesNotContain("TN-Validation-Passed");
  }

  @Test
  void putsVerstatInFromWhenThereIsNoPaiKeepingTheTag() {
    String invite = invite("sip:+12025550100@127.0.0.1;user=phone",
        "\"Bob\" <sip:" + TAGGED + "@uac.example;user=phone>;tag=f1");
    String out = sentTo(verstatProxy().process(in(invite, UAC)), UAS, Transport.UDP);
    assertThat(out).contains("\r\nFrom: \"SPAM? Bob\" <sip:+14155550177;verstat=TN-Validation-Failed"
        + "@uac.example;user=phone>;tag=f1\r\n");
  }

  @Test
  void forwardsCleanCallerUntouched() {
    String out = sentTo(verstatProxy().process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    assertThat(out).contains("\r\nFrom: \"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1\r\n")
        .doesNotContain("verstat").doesNotContain("SPAM");
  }

  // ----------------------------------------------------------------------------- in-dialog requests

  static String bye(String requestUri, String... routes) {
    List<String> lines = new java.util.ArrayList<>(List.of(
        "BYE " + requestUri + " SIP/2.0",
        "Via: SIP/2.0/UDP uac.example:5062;branch=z9hG4bK-uac-2;rport",
        "Max-Forwards: 70"));
    lines.addAll(List.of(routes));
    lines.addAll(List.of(
        "From: \"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=t9",
        "Call-ID: call-1@uac.example",
        "CSeq: 2 BYE",
        "Content-Length: 0"));
    return msg("", lines.toArray(new String[0]));
  }

  @Test
  void inDialogByeLosesOurRouteAndGoesToTheRequestUri() {
    String out = sentTo(proxy().process(in(bye("sip:bob@127.0.0.3:5080",
        "Route: <sip:127.0.0.1:5060;lr>"), UAC)), new InetSocketAddress("127.0.0.3", 5080), Transport.UDP);
    String branch = topBranch(out);
    assertThat(out).isEqualTo(msg("",
        "BYE sip:bob@127.0.0.3:5080 SIP/2.0",
        "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=" + branch,
        "Via: SIP/2.0/UDP uac.example:5062;branch=z9hG4bK-uac-2;received=127.0.0.2;rport=40000",
        "Max-Forwards: 69",
        "From: \"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=t9",
        "Call-ID: call-1@uac.example",
        "CSeq: 2 BYE",
        "Content-Length: 0"));
  }

  @Test
  void inDialogRequestFollowsTheNextRouteAfterOurs() {
    String out = sentTo(proxy().process(in(bye("sip:bob@127.0.0.3:5080",
        "Route: <sip:127.0.0.1:5060;lr>, <sip:127.0.0.4:5090;transport=tcp;lr>"), UAC)),
        new InetSocketAddress("127.0.0.4", 5090), Transport.TCP);
    assertThat(out).contains("\r\nRoute: <sip:127.0.0.4:5090;transport=tcp;lr>\r\n")
        .contains("\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-ss-")
        .doesNotContain("<sip:127.0.0.1:5060;lr>");
  }

  @Test
  void inDialogRequestToANextHopOutsideTheNetworksGets403() {
    String out = sentTo(proxy().process(in(bye("sip:bob@192.0.2.50:5080",
        "Route: <sip:127.0.0.1:5060;lr>"), UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 403 Next Hop Not Allowed\r\n");
    assertThat(toTag(out)).isEqualTo("t9");
  }

  @Test
  void inDialogRequestToAHostNameGoesToTheDefaultRoute() {
    // The proxy does no DNS; the core behind the default route does.
    String out = sentTo(proxy().process(in(bye("sip:bob@uas.example.com",
        "Route: <sip:127.0.0.1:5060;lr>"), UAC)), UAS, Transport.UDP);
    assertThat(out).startsWith("BYE sip:bob@uas.example.com SIP/2.0\r\n").doesNotContain("\r\nRoute:");
  }

  // ------------------------------------------------------------------------------------- responses

  static String response(String status, String... vias) {
    List<String> lines = new java.util.ArrayList<>();
    lines.add("SIP/2.0 " + status);
    for (String v : vias) {
      lines.add("Via: " + v);
    }
    lines.addAll(List.of(
        "From: \"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=t9",
        "Call-ID: call-1@uac.example",
        "CSeq: 1 INVITE",
        "Content-Length: 0"));
    return msg("", lines.toArray(new String[0]));
  }

  @Test
  void relaysResponseWithoutOurViaToTheReceivedAndRport() {
    StatelessProxy proxy = proxy();
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String ours = "SIP/2.0/UDP 127.0.0.1:5060;branch=" + topBranch(forwarded);
    String upstream = UAC_VIA_RECEIVED.substring("Via: ".length());
    String out = sentTo(proxy.process(in(response("180 Ringing", ours, upstream), UAS)), UAC,
        Transport.UDP);
    assertThat(out).isEqualTo(response("180 Ringing", upstream));
  }

  @Test
  void relaysResponseWhoseViasShareOneLine() {
    String ours = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ss-0000abcd-1234";
    String upstream = "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-uac-1";
    String text = response("200 OK", ours + ", " + upstream);
    String out = sentTo(proxy().process(in(text, UAS)), new InetSocketAddress("127.0.0.2", 5062),
        Transport.UDP);
    assertThat(out).isEqualTo(response("200 OK", upstream));
  }

  @Test
  void addsContentLengthWhenRelayingAResponseWithoutOneOntoTcp() {
    String ours = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ss-0000abcd-1234";
    String upstream = "SIP/2.0/TCP uac.example:5062;branch=z9hG4bK-uac-1;received=127.0.0.2;rport=40000";
    String text = msg("v=0\r\n",
        "SIP/2.0 200 OK",
        "Via: " + ours,
        "Via: " + upstream,
        "From: <sip:+13035550100@uac.example>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1>;tag=t9",
        "Call-ID: call-1@uac.example",
        "CSeq: 1 INVITE",
        "Content-Type: application/sdp");
    String out = sentTo(proxy().process(in(text, UAS)), UAC, Transport.TCP);
    assertThat(out).contains("\r\nContent-Length: 5\r\n");
  }

  @Test
  void dropsResponseWhoseTopViaIsNotOurs() {
    String text = response("200 OK", "SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK-other",
        "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-uac-1");
    assertDropped(proxy().process(in(text, UAS)), "response_not_ours");
    // Our address but not our branch is not ours either.
    String text2 = response("200 OK", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-other",
        "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-uac-1");
    assertDropped(proxy().process(in(text2, UAS)), "response_not_ours");
    assertThat(counter("sipscreen_messages_dropped_total", "response_not_ours")).isEqualTo(2);
  }

  @Test
  void dropsResponseAimedAtBroadcastOrMulticastEvenWhenEverythingIsReachable() {
    StatelessProxy open = new StatelessProxy(settings("0.0.0.0/0"), chain(Optional.empty()), metrics);
    String ours = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ss-0000abcd-1234";
    for (String target : List.of("255.255.255.255", "224.0.0.1", "239.1.2.3", "0.0.0.0")) {
      String text = response("200 OK", ours, "SIP/2.0/UDP " + target + ":5060;branch=z9hG4bK-uac-1");
      assertDropped(open.process(in(text, UAS)), "destination_not_allowed");
      String viaReceived = response("200 OK", ours,
          "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-uac-1;received=" + target);
      assertDropped(open.process(in(viaReceived, UAS)), "destination_not_allowed");
    }
  }

  @Test
  void dropsResponseAimedAtTheBroadcastAddressOfANextHopNetwork() {
    StatelessProxy proxy = new StatelessProxy(settings("10.0.0.0/24"), chain(Optional.empty()), metrics);
    String text = response("200 OK", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ss-0000abcd-1234",
        "SIP/2.0/UDP 10.0.0.255:5060;branch=z9hG4bK-uac-1");
    assertThat(proxy.process(in(text, UAS))).isInstanceOf(ProxyAction.Drop.class);
  }

  @Test
  void dropsResponseToAnAddressOutsideTheNetworks() {
    String text = response("200 OK", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ss-0000abcd-1234",
        "SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK-uac-1");
    assertDropped(proxy().process(in(text, UAS)), "destination_not_allowed");
  }

  @Test
  void dropsResponseWithOnlyOurVia() {
    String text = response("200 OK", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ss-0000abcd-1234");
    assertDropped(proxy().process(in(text, UAS)), "response_without_upstream");
  }

  // ------------------------------------------------------------------------ no way around the screen

  @Test
  void aBlockedCallerCannotSkipScreeningByAddingAToTag() {
    String sneaky = blockedInvite().replace("To: <sip:+12025550100@127.0.0.1;user=phone>",
        "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=x");
    String out = sentTo(proxy().process(in(sneaky, UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 481 Call/Transaction Does Not Exist\r\n");
    assertThat(counter("sipscreen_requests_forwarded_total", "INVITE", "udp")).isZero();
    assertThat(counter("sipscreen_messages_dropped_total", "not_in_dialog")).isEqualTo(1);
  }

  @Test
  void aByeForADialogThatNeverRecordRoutedThroughUsGets481() {
    String out = sentTo(proxy().process(in(bye("sip:bob@127.0.0.3:5080"), UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 481 ");
  }

  @Test
  void otherRequestsWithAToTagButNoRouteOfOursAreForbidden() {
    String info = bye("sip:bob@127.0.0.3:5080").replace("BYE sip:", "INFO sip:").replace("CSeq: 2 BYE",
        "CSeq: 2 INFO");
    assertThat(sentTo(proxy().process(in(info, UAC)), UAC, Transport.UDP)).startsWith("SIP/2.0 403 ");
  }

  @Test
  void anAckWithoutRouteFollowsItsInviteToTheDefaultRouteNeverItsRequestUri() {
    String ack = msg("",
        "ACK sip:bob@127.0.0.3:5080 SIP/2.0",
        UAC_VIA,
        "Max-Forwards: 70",
        "From: \"Alice\" <sip:+13035550100@uac.example;user=phone>;tag=f1",
        "To: <sip:+12025550100@127.0.0.1;user=phone>;tag=uas-486",
        "Call-ID: call-1@uac.example",
        "CSeq: 1 ACK",
        "Content-Length: 0");
    sentTo(proxy().process(in(ack, UAC)), UAS, Transport.UDP);
  }

  @Test
  void aHeaderHiddenBehindABareCrIsAnswered400AndNeverForwarded() {
    String hidden = cleanInvite("Subject: hi\rP-Asserted-Identity: <tel:+18008291040>");
    String out = sentTo(proxy().process(in(hidden, UAC)), UAC, Transport.UDP);
    assertThat(out).startsWith("SIP/2.0 400 Bad Request - Illegal Control Character\r\n");
    assertThat(counter("sipscreen_malformed_messages_total", "bare_cr")).isEqualTo(1);
    assertThat(counter("sipscreen_requests_forwarded_total", "INVITE", "udp")).isZero();
  }

  @Test
  void aResponseWithOurViaFromOutsideEveryNetworkIsDropped() {
    StatelessProxy proxy = proxy();
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String ourVia = forwarded.substring(forwarded.indexOf("\r\nVia: ") + 7,
        forwarded.indexOf("\r\n", forwarded.indexOf("\r\nVia: ") + 2));
    assertDropped(proxy.process(in(response("200 OK", ourVia, UAC_VIA_RECEIVED.substring(5)), UNKNOWN)),
        "response_from_unknown_source");
    assertThat(counter("sipscreen_messages_dropped_total", "response_from_unknown_source")).isEqualTo(1);
  }

  /** An INVITE whose forwarded copy is about {@code size} bytes. */
  static String inviteOfSize(int size) {
    String base = cleanInvite();
    return cleanInvite("X-Padding: " + "p".repeat(Math.max(1, size - base.length() - 200)));
  }

  @Test
  void aRequestTooLargeForAUdpDatagramIsAnswered513NotSent() {
    StatelessProxy proxy = new StatelessProxy(settings("127.0.0.0/8")
        .withLimits(new ProxySettings.Limits(1300, false, 65536)), chain(Optional.empty()), metrics);
    String out = sentTo(proxy.process(in(inviteOfSize(2000), UAC, Transport.TCP)), UAC, Transport.TCP);
    assertThat(out).startsWith("SIP/2.0 513 Message Too Large\r\n");
    assertThat(counter("sipscreen_udp_too_large_total", "answered_513")).isEqualTo(1);
    // A small one still goes over UDP.
    sentTo(proxy.process(in(cleanInvite().replace("call-1@", "call-2@"), UAC)), UAS, Transport.UDP);
  }

  @Test
  void aRequestTooLargeForUdpMovesToTcpWhenConfigured() {
    StatelessProxy proxy = new StatelessProxy(settings("127.0.0.0/8")
        .withLimits(new ProxySettings.Limits(1300, true, 65536)), chain(Optional.empty()), metrics);
    String out = sentTo(proxy.process(in(inviteOfSize(2000), UAC)), UAS, Transport.TCP);
    assertThat(out).contains("\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=");
    assertThat(counter("sipscreen_udp_too_large_total", "moved_to_tcp")).isEqualTo(1);
  }

  @Test
  void aResponseTooLargeForUdpIsDroppedAndCounted() {
    StatelessProxy proxy = new StatelessProxy(settings("127.0.0.0/8")
        .withLimits(new ProxySettings.Limits(1300, false, 65536)), chain(Optional.empty()), metrics);
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String ourVia = forwarded.substring(forwarded.indexOf("\r\nVia: ") + 7,
        forwarded.indexOf("\r\n", forwarded.indexOf("\r\nVia: ") + 2));
    String big = response("200 OK", ourVia, UAC_VIA_RECEIVED.substring(5))
        .replace("Content-Length: 0", "X-Padding: " + "p".repeat(2000) + "\r\nContent-Length: 0");
    assertDropped(proxy.process(in(big, UAS)), "udp_too_large");
    assertThat(counter("sipscreen_udp_too_large_total", "response_dropped")).isEqualTo(1);
  }
}
