package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.UAC;
import static org.sipscreen.proxy.StatelessProxyTest.UAC_VIA_RECEIVED;
import static org.sipscreen.proxy.StatelessProxyTest.UAS;
import static org.sipscreen.proxy.StatelessProxyTest.blockedInvite;
import static org.sipscreen.proxy.StatelessProxyTest.bye;
import static org.sipscreen.proxy.StatelessProxyTest.cleanInvite;
import static org.sipscreen.proxy.StatelessProxyTest.in;
import static org.sipscreen.proxy.StatelessProxyTest.response;
import static org.sipscreen.proxy.StatelessProxyTest.sentTo;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.sip.SipRequest;
import org.sipscreen.sip.Transport;

/**
 * Forwarded calls carry a call stamp in our Via and Record-Route; the final response and the BYE bring it
 * back, and the proxy hands their outcome to the sink without remembering the call. A stamp a peer
 * garbled or forged is ignored and counted, and the message still goes on.
 */
class CallOutcomeStampTest {

  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  /** What the proxy told the sink, as text. */
  static final class Outcomes implements DecisionSink {
    final List<String> seen = new ArrayList<>();
    boolean on = true;

    @Override
    public void decided(SipRequest request, InboundMessage in, Optional<ScreeningResult> screening,
        ProxyAction action) {}

    @Override
    public boolean wantsOutcomes() {
      return on;
    }

    @Override
    public void finalResponse(String callId, String peer, long invitedMillis, int status) {
      seen.add("final " + callId + " " + peer + " " + status + " " + (invitedMillis > 0));
    }

    @Override
    public void bye(String callId, String peer, long invitedMillis) {
      seen.add("bye " + callId + " " + peer + " " + (invitedMillis > 0));
    }
  }

  final Outcomes sink = new Outcomes();
  final StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"),
      StatelessProxyTest.chain(Optional.empty()), metrics, sink);

  double ignored(String reason) {
    return metrics.counterValue("sipscreen_call_stamps_ignored", reason);
  }

  /** The call stamp in a header line of {@code text} starting with {@code header}. */
  static String stampIn(String text, String header) {
    Matcher m = Pattern.compile("\r\n" + header + "[^\r\n]*;ss-c=([^;>\r\n]+)").matcher(text);
    assertThat(m.find()).as("%s with a call stamp in:\n%s", header, text).isTrue();
    return m.group(1);
  }

  /** Our Via, as the forwarded INVITE carries it. */
  static String ourVia(String forwarded) {
    Matcher m = Pattern.compile("\r\nVia: (SIP/2.0/UDP 127\\.0\\.0\\.1:5060;[^\r\n]+)\r\n").matcher(forwarded);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  /** Our Record-Route URI, as the forwarded INVITE carries it. */
  static String ourRecordRoute(String forwarded) {
    Matcher m = Pattern.compile("\r\nRecord-Route: (<sip:127\\.0\\.0\\.1:5060;[^>]+>)\r\n").matcher(forwarded);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void forwardedInviteCarriesTheSameStampInOurViaAndRecordRoute() {
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);

    String stamp = stampIn(forwarded, "Via: SIP/2.0/UDP 127.0.0.1:5060");
    assertThat(stampIn(forwarded, "Record-Route: <sip:127.0.0.1:5060")).isEqualTo(stamp);
    assertThat(ourRecordRoute(forwarded)).isEqualTo("<sip:127.0.0.1:5060;lr;ss-c=" + stamp + ">");
    assertThat(stamp).matches("[0-9a-z]+\\.[0-9a-f]{12}\\.[0-9a-f]{8}") // the peer by its token
        .doesNotContain("local");
  }

  @Test
  void finalResponsesAreOutcomesAndProvisionalOnesAreNot() {
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String ours = ourVia(forwarded);
    String upstream = UAC_VIA_RECEIVED.substring("Via: ".length());

    String ringing = sentTo(proxy.process(in(response("180 Ringing", ours, upstream), UAS)), UAC,
        Transport.UDP);
    String ok = sentTo(proxy.process(in(response("200 OK", ours, upstream), UAS)), UAC, Transport.UDP);

    assertThat(ringing).isEqualTo(response("180 Ringing", upstream)); // our Via, stamp and all, is gone
    assertThat(ok).isEqualTo(response("200 OK", upstream));
    assertThat(sink.seen).containsExactly("final call-1@uac.example local 200 true");
  }

  @Test
  void rejectionByTheNextHopIsAnUnansweredOutcome() {
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String upstream = UAC_VIA_RECEIVED.substring("Via: ".length());

    proxy.process(in(response("486 Busy Here", ourVia(forwarded), upstream), UAS));

    assertThat(sink.seen).containsExactly("final call-1@uac.example local 486 true");
  }

  @Test
  void byeWhoseRouteCarriesOurStampedRecordRouteIsAnOutcomeAndGoesOn() {
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String route = "Route: " + ourRecordRoute(forwarded);

    String out = sentTo(proxy.process(in(bye("sip:bob@127.0.0.3:5080", route), UAC)),
        new InetSocketAddress("127.0.0.3", 5080), Transport.UDP);

    assertThat(out).startsWith("BYE sip:bob@127.0.0.3:5080 SIP/2.0\r\n").doesNotContain("\r\nRoute:")
        .doesNotContain("ss-c="); // a BYE gets no stamp of its own
    assertThat(sink.seen).containsExactly("bye call-1@uac.example local true");
  }

  @Test
  void stampOfAnotherCallIsForgedAndCountedAndTheByeStillGoesOn() {
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String route = "Route: " + ourRecordRoute(forwarded);
    String otherCall = bye("sip:bob@127.0.0.3:5080", route)
        .replace("Call-ID: call-1@uac.example", "Call-ID: someone-else@uac.example");

    sentTo(proxy.process(in(otherCall, UAC)), new InetSocketAddress("127.0.0.3", 5080), Transport.UDP);

    assertThat(sink.seen).isEmpty();
    assertThat(ignored("forged")).isEqualTo(1);
  }

  @Test
  void stampWithAnotherTimeOrPeerIsForged() {
    String forwarded = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String stamp = stampIn(forwarded, "Record-Route: <sip:127.0.0.1:5060");
    String token = stamp.substring(stamp.lastIndexOf('.') + 1);
    String otherPeer = stamp.substring(0, stamp.lastIndexOf('.') + 1)
        + (token.charAt(0) == '0' ? '1' : '0') + token.substring(1);
    String otherTime = "1" + stamp;

    for (String forged : List.of(otherPeer, otherTime)) {
      proxy.process(in(bye("sip:bob@127.0.0.3:5080", "Route: <sip:127.0.0.1:5060;lr;ss-c=" + forged + ">"),
          UAC));
    }

    assertThat(sink.seen).isEmpty();
    assertThat(ignored("forged")).isEqualTo(2);
  }

  @Test
  void garbledStampsAreIgnoredAndCountedNeverThrown() {
    String upstream = UAC_VIA_RECEIVED.substring("Via: ".length());
    List<String> garbage = List.of("x", "...", "zz.0123456789ab.", "-1.0123456789ab.p",
        "1.0123456789a.p", "1.0123456789ab.-peer", "1.0123456789ab." + "a".repeat(9),
        "1.0123456789ab.0123456g", "1".repeat(40) + ".0123456789ab.p", "01.0123456789ab.0123abcd");
    for (String g : garbage) {
      String ours = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ss-0000abcd-1234;ss-c=" + g;
      proxy.process(in(response("200 OK", ours, upstream), UAS));
      proxy.process(in(bye("sip:bob@127.0.0.3:5080", "Route: <sip:127.0.0.1:5060;lr;ss-c=" + g + ">"), UAC));
    }

    assertThat(sink.seen).isEmpty();
    assertThat(ignored("garbled") + ignored("forged")).isEqualTo(2.0 * garbage.size());
    assertThat(ignored("forged")).isEqualTo(2); // zz.0123456789ab. has a stamp's form, not its MAC
  }

  @Test
  void stampsThatBreakTheViaOrTheUriAreNoOutcomeAndNoError() {
    String upstream = UAC_VIA_RECEIVED.substring("Via: ".length());
    for (String g : List.of("", "1.0123456789ab.p!", "1.0123456789ab.bad@peer", "%00.0123456789ab.p", "a\"b",
        "1.0123456789ab.p>x")) {
      String ours = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ss-0000abcd-1234;ss-c=" + g;
      assertThat(proxy.process(in(response("200 OK", ours, upstream), UAS))).isNotNull();
      assertThat(proxy.process(in(bye("sip:bob@127.0.0.3:5080",
          "Route: <sip:127.0.0.1:5060;lr;ss-c=" + g + ">"), UAC))).isNotNull();
    }

    assertThat(sink.seen).isEmpty();
  }

  @Test
  void byeInADialogWithoutAStampIsNoOutcomeAndNoError() {
    proxy.process(in(bye("sip:bob@127.0.0.3:5080", "Route: <sip:127.0.0.1:5060;lr>"), UAC));

    assertThat(sink.seen).isEmpty();
    assertThat(ignored("garbled") + ignored("forged")).isZero();
  }

  @Test
  void rejectedInvitesAndSinksThatWantNoOutcomesGetNoStamp() {
    String rejected = sentTo(proxy.process(in(blockedInvite(), UAC)), UAC, Transport.UDP);
    sink.on = false;
    String forwarded = sentTo(proxy.process(in(cleanInvite()
        .replace("call-1@uac.example", "call-2@uac.example"), UAC)), UAS, Transport.UDP);

    assertThat(rejected).startsWith("SIP/2.0 6").doesNotContain("ss-c=");
    assertThat(forwarded).doesNotContain("ss-c=").contains("\r\nRecord-Route: <sip:127.0.0.1:5060;lr>\r\n");
  }

  @Test
  void retransmittedInviteIsForwardedWithTheFirstCopysStamp() {
    String first = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);
    String again = sentTo(proxy.process(in(cleanInvite(), UAC)), UAS, Transport.UDP);

    assertThat(again).isEqualTo(first);
  }

  @Test
  void stampsReadBackOnlyForTheirCall() {
    CallStamps stamps = CallStamps.withRandomKey();
    String s = stamps.stamp("abc@host", 1_764_356_645_123L, "carrier-a.east");

    assertThat(stamps.read(s, "abc@host")).isEqualTo(new CallStamps.Valid(1_764_356_645_123L, "carrier-a.east"));
    assertThat(stamps.read(s, "abd@host")).isEqualTo(CallStamps.Ignored.FORGED);
    assertThat(CallStamps.withRandomKey().read(s, "abc@host")).isEqualTo(CallStamps.Ignored.FORGED);
    assertThat(stamps.read(stamps.stamp("abc@host", 5, null), "abc@host"))
        .isEqualTo(new CallStamps.Valid(5, null));
  }

  @Test
  void membersSharingAKeyReadEachOthersStamps() {
    byte[] key = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    String s = new CallStamps(key).stamp("abc@host", 7, "carrier-a");

    assertThat(new CallStamps(key).knowing(List.of("carrier-a", "carrier-b")).read(s, "abc@host"))
        .isEqualTo(new CallStamps.Valid(7, "carrier-a"));
    assertThat(new CallStamps(key).read(s, "abc@host")).isEqualTo(new CallStamps.Valid(7, null));
    assertThat(new CallStamps("another key, just as long as it...".getBytes(
        java.nio.charset.StandardCharsets.US_ASCII)).knowing(List.of("carrier-a")).read(s, "abc@host"))
        .isEqualTo(CallStamps.Ignored.FORGED);
  }

  @Test
  void aStampNamesThePeerByATokenOnlyItsProcessMapsBack() {
    CallStamps stamps = CallStamps.withRandomKey();
    String a = stamps.stamp("abc@host", 5, "carrier-a");
    String b = stamps.stamp("abd@host", 5, "carrier-b");

    assertThat(a).doesNotContain("carrier");
    assertThat(a.substring(a.lastIndexOf('.'))).isNotEqualTo(b.substring(b.lastIndexOf('.')));
    assertThat(stamps.stamp("xyz@host", 9, "carrier-a")).endsWith(a.substring(a.lastIndexOf('.')));
    assertThat(stamps.read(b, "abd@host")).isEqualTo(new CallStamps.Valid(5, "carrier-b"));
    assertThat(CallStamps.withRandomKey().stamp("abc@host", 5, "carrier-a"))
        .doesNotEndWith(a.substring(a.lastIndexOf('.')));
  }
}
