package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseBuilderTest {

  static final String REQUEST = "INVITE sip:bob@example.net SIP/2.0\r\n"
      + "v: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9, SIP/2.0/TCP 198.51.100.7;branch=z9hG4bKup\r\n"
      + "Via: SIP/2.0/UDP 203.0.113.9;branch=z9hG4bKfirst\r\n"
      + "Max-Forwards: 70\r\n"
      + "f: Alice <sip:alice@example.com>;tag=9fxced76sl\r\n"
      + "To: <sip:bob@example.net>\r\n"
      + "i: 3848276298220188511@192.0.2.1\r\n"
      + "CSeq: 1 INVITE\r\n"
      + "Subject: not copied\r\n"
      + "Content-Length: 4\r\n"
      + "\r\n"
      + "v=0\n";

  static SipMessage parse(String s) throws MalformedMessageException {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    return SipMessageParser.parse(b, 0, b.length, true);
  }

  static String build(SipMessage request, int status, String phrase, String toTag, List<String> extra) {
    String topVia = Via.parse(request.values(HeaderName.VIA).get(0)).withReceived("192.0.2.99", 5070);
    return new String(ResponseBuilder.build(request, topVia, status, phrase, toTag, extra),
        StandardCharsets.ISO_8859_1);
  }

  @Test
  void copiesViasFromToCallIdAndCSeqAndAddsToTagAndEmptyBody() throws Exception {
    String response = build(parse(REQUEST), 403, "Forbidden", "ss1234", List.of());
    assertThat(response).isEqualTo("SIP/2.0 403 Forbidden\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9;received=192.0.2.99;rport=5070\r\n"
        + "Via: SIP/2.0/TCP 198.51.100.7;branch=z9hG4bKup\r\n"
        + "Via: SIP/2.0/UDP 203.0.113.9;branch=z9hG4bKfirst\r\n"
        + "From: Alice <sip:alice@example.com>;tag=9fxced76sl\r\n"
        + "To: <sip:bob@example.net>;tag=ss1234\r\n"
        + "Call-ID: 3848276298220188511@192.0.2.1\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n");
  }

  @Test
  void buildsAResponseThatParsesAndValidates() throws Exception {
    String response = build(parse(REQUEST), 483, "Too Many Hops", "t1", List.of());
    SipResponse r = SipResponse.validate(parse(response));
    assertThat(r.status()).isEqualTo(483);
    assertThat(r.vias()).hasSize(3);
    assertThat(r.vias().get(0).received()).isEqualTo("192.0.2.99");
    assertThat(r.message().bodyLength()).isZero();
    assertThat(NameAddr.parse(r.message().first(HeaderName.TO)).tag()).isEqualTo("t1");
  }

  @Test
  void keepsTheExistingToTagAndAddsNoSecondOne() throws Exception {
    SipMessage request = parse(REQUEST.replace("To: <sip:bob@example.net>",
        "To: <sip:bob@example.net>;tag=dialog7"));
    String response = build(request, 481, "Call/Transaction Does Not Exist", "ss1234", List.of());
    assertThat(response).contains("\r\nTo: <sip:bob@example.net>;tag=dialog7\r\n").doesNotContain("ss1234");
  }

  @Test
  void addsNoToTagTo100TryingOrWhenNoTagIsGiven() throws Exception {
    assertThat(build(parse(REQUEST), 100, "Trying", "ss1234", List.of()))
        .contains("\r\nTo: <sip:bob@example.net>\r\n");
    assertThat(build(parse(REQUEST), 400, "Bad Request", null, List.of()))
        .contains("\r\nTo: <sip:bob@example.net>\r\n");
  }

  @Test
  void writesExtraHeadersBeforeContentLengthAndStripsCrlfFromThePhrase() throws Exception {
    String response = build(parse(REQUEST), 420, "Bad\r\nExtension", "x",
        List.of("Unsupported: foo, bar"));
    assertThat(response).startsWith("SIP/2.0 420 Bad  Extension\r\n")
        .contains("\r\nUnsupported: foo, bar\r\n")
        .endsWith("Content-Length: 0\r\n\r\n");
  }

  @Test
  void leavesOutHeadersTheRequestLacks() throws Exception {
    SipMessage request = parse("OPTIONS sip:bob@example.net SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\nCSeq: 2 OPTIONS\r\n\r\n");
    String response = build(request, 400, "Bad Request", "x", List.of());
    assertThat(response).doesNotContain("From:").doesNotContain("To:").doesNotContain("Call-ID:")
        .contains("\r\nCSeq: 2 OPTIONS\r\n").endsWith("Content-Length: 0\r\n\r\n");
  }

  @Test
  void writesViaValuesBeyondTheLineLimitOnOneLineSoTheAnswerStillParses() throws Exception {
    String many = "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n"
        + ("Via: " + "SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKx, ".repeat(20) + "SIP/2.0/UDP 192.0.2.3\r\n").repeat(20);
    String request = "OPTIONS sip:127.0.0.1 SIP/2.0\r\n" + many
        + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.net>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";
    SipMessage parsed = parse(request);
    assertThat(parsed.values(HeaderName.VIA)).hasSize(421);
    String response = build(parsed, 400, "Bad Request", "t1", List.of());
    SipMessage answer = parse(response);
    assertThat(answer.values(HeaderName.VIA)).hasSize(421);
    assertThat(answer.count(HeaderName.VIA)).isEqualTo(ResponseBuilder.VIA_LINES + 1);
  }
}
