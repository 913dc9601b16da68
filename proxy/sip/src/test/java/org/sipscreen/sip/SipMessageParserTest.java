package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SipMessageParserTest {

  static final String HEADERS = "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n"
      + "Max-Forwards: 70\r\n"
      + "From: Alice <sip:alice@example.com>;tag=9fxced76sl\r\n"
      + "To: <sip:bob@example.net>\r\n"
      + "Call-ID: 3848276298220188511@192.0.2.1\r\n"
      + "CSeq: 1 INVITE\r\n"
      + "Contact: <sip:alice@192.0.2.1>\r\n";

  static final String INVITE_LINE = "INVITE sip:bob@example.net SIP/2.0\r\n";

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static SipMessage parse(String s, boolean datagram) throws MalformedMessageException {
    byte[] b = bytes(s);
    return SipMessageParser.parse(b, 0, b.length, datagram);
  }

  static String body(SipMessage m) {
    return new String(m.buffer(), m.end() - m.bodyLength(), m.bodyLength(), StandardCharsets.ISO_8859_1);
  }

  static int badMessageStatus(SipMessage m) {
    try {
      SipRequest.validate(m);
    } catch (BadMessageException e) {
      return e.status();
    }
    throw new AssertionError("validate accepted " + m);
  }

  // --- Start line ---------------------------------------------------------------------------------

  @Test
  void readsRequestLineIntoMethodUriAndVersion() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "Content-Length: 0\r\n\r\n", true);
    assertThat(m.isRequest()).isTrue();
    assertThat(m.method()).isEqualTo("INVITE");
    assertThat(m.requestUri()).isEqualTo("sip:bob@example.net");
    assertThat(m.version()).isEqualTo("SIP/2.0");
    assertThat(m.startLineProblem()).isNull();
    assertThat(m.status()).isZero();
    assertThat(SipRequest.validate(m).requestUri().user()).isEqualTo("bob");
  }

  @Test
  void keepsUnknownMethodExactlyAsReceived() throws Exception {
    SipMessage m = parse("FOO-bar sip:bob@example.net SIP/2.0\r\n"
        + HEADERS.replace("1 INVITE", "1 FOO-bar") + "\r\n", false);
    assertThat(m.method()).isEqualTo("FOO-bar");
    assertThat(SipRequest.validate(m).method()).isEqualTo("FOO-bar");
  }

  @Test
  void readsStatusLineIntoCodeAndReasonPhrase() throws Exception {
    SipMessage m = parse("SIP/2.0 486 Busy Here\r\n" + HEADERS + "Content-Length: 0\r\n\r\n", true);
    assertThat(m.isRequest()).isFalse();
    assertThat(m.status()).isEqualTo(486);
    assertThat(m.reasonPhrase()).isEqualTo("Busy Here");
    assertThat(m.method()).isEmpty();
    assertThat(SipResponse.validate(m).status()).isEqualTo(486);
  }

  @Test
  void acceptsStatusLineWithoutReasonPhrase() throws Exception {
    SipMessage m = parse("SIP/2.0 100\r\n" + HEADERS + "\r\n", true);
    assertThat(m.status()).isEqualTo(100);
    assertThat(m.reasonPhrase()).isEmpty();
  }

  @Test
  void recordsUnknownSipVersionInRequestAsUnsupportedVersionAnsweredWith505() throws Exception {
    SipMessage m = parse("INVITE sip:bob@example.net SIP/7.0\r\n" + HEADERS + "\r\n", true);
    assertThat(m.startLineProblem()).isEqualTo("unsupported_version");
    assertThat(badMessageStatus(m)).isEqualTo(505);
  }

  @Test
  void recordsNonSipProtocolInRequestLineAsBadRequestLineAnsweredWith400() throws Exception {
    SipMessage m = parse("INVITE sip:bob@example.net HTTP/1.1\r\n" + HEADERS + "\r\n", true);
    assertThat(m.startLineProblem()).isEqualTo("bad_request_line");
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @Test
  void recordsNonTokenMethodAsBadMethod() throws Exception {
    SipMessage m = parse("INV(ITE sip:bob@example.net SIP/2.0\r\n" + HEADERS + "\r\n", true);
    assertThat(m.startLineProblem()).isEqualTo("bad_method");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "INVITE <sip:bob@example.net> SIP/2.0",
      "INVITE  sip:bob@example.net SIP/2.0",
      "INVITE sip:bob@example.net SIP/2.0 ",
      "INVITE sip:bob@example.net; lr SIP/2.0"})
  void recordsAngleBracketsOrExtraSpacesInRequestLineAsBadRequestUri(String line) throws Exception {
    SipMessage m = parse(line + "\r\n" + HEADERS + "\r\n", true);
    assertThat(m.startLineProblem()).isEqualTo("bad_request_uri");
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SIP/2.0 1000 Big", "SIP/2.0 20 Short", "SIP/2.0 2x0 Letters", "SIP/2.0 099 Low",
      "SIP/2.0 700 High", "SIP/2.0"})
  void refusesStatusLineWhoseCodeIsNotThreeDigitsInRange(String line) {
    assertThatThrownBy(() -> parse(line + "\r\n" + HEADERS + "\r\n", true))
        .isInstanceOfSatisfying(MalformedMessageException.class,
            e -> assertThat(e.reason()).isIn("bad_status_code", "bad_status_line"));
  }

  @Test
  void refusesResponseWithUnknownSipVersion() {
    assertThatThrownBy(() -> parse("SIP/3.0 200 OK\r\n" + HEADERS + "\r\n", true))
        .isInstanceOfSatisfying(MalformedMessageException.class,
            e -> assertThat(e.reason()).isEqualTo("bad_version"));
  }

  @Test
  void refusesRequestLineWithoutVersion() {
    assertThatThrownBy(() -> parse("INVITE sip:bob@example.net\r\n" + HEADERS + "\r\n", true))
        .isInstanceOfSatisfying(MalformedMessageException.class,
            e -> assertThat(e.reason()).isEqualTo("bad_request_line"));
  }

  @Test
  void skipsLeadingCrlfsBeforeTheStartLine() throws Exception {
    String msg = INVITE_LINE + HEADERS + "Content-Length: 0\r\n\r\n";
    SipMessage m = parse("\r\n\r\n\n" + msg, true);
    assertThat(m.start()).isEqualTo(5);
    assertThat(m.method()).isEqualTo("INVITE");
    assertThat(m.toString()).isEqualTo(msg);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\r\n", "\r\n\r\n", "\n"})
  void refusesBytesThatAreOnlyCrlfAsEmpty(String keepalive) {
    assertThatThrownBy(() -> parse(keepalive, true))
        .isInstanceOfSatisfying(MalformedMessageException.class,
            e -> assertThat(e.reason()).isEqualTo("empty"));
  }

  @Test
  void refusesHeadersThatNeverEndWithAnEmptyLine() {
    assertThatThrownBy(() -> parse(INVITE_LINE + HEADERS, true))
        .isInstanceOfSatisfying(MalformedMessageException.class,
            e -> assertThat(e.reason()).isEqualTo("no_header_end"));
  }

  // --- Header lines -------------------------------------------------------------------------------

  @Test
  void unfoldsContinuationLinesIntoOneSpaceSeparatedValue() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS.replace("Contact: <sip:alice@192.0.2.1>\r\n",
        "Subject: first part  \r\n   second part\r\n\tthird part\r\n") + "\r\n", true);
    int i = m.headerCount() - 1;
    assertThat(m.rawHeaderName(i)).isEqualTo("Subject");
    assertThat(m.headerValue(i)).isEqualTo("first part second part third part");
    assertThat(m.headerCount()).isEqualTo(7);
  }

  @Test
  void unfoldsFoldedViaAndKeepsItParseable() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS.replace(
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n",
        "Via: SIP/2.0/UDP 192.0.2.1:5060\r\n ;branch=z9hG4bK74bf9\r\n") + "\r\n", true);
    assertThat(m.first(HeaderName.VIA)).isEqualTo("SIP/2.0/UDP 192.0.2.1:5060 ;branch=z9hG4bK74bf9");
    assertThat(SipRequest.validate(m).topVia().branch()).isEqualTo("z9hG4bK74bf9");
  }

  @Test
  void readsCompactHeaderNamesAsTheirLongForms() throws Exception {
    SipMessage m = parse(INVITE_LINE
        + "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKcompact\r\n"
        + "f: <sip:alice@example.com>;tag=1\r\n"
        + "t: <sip:bob@example.net>\r\n"
        + "i: compact@192.0.2.1\r\n"
        + "CSeq: 7 INVITE\r\n"
        + "m: <sip:alice@192.0.2.1>\r\n"
        + "l: 4\r\n\r\nbody", true);
    assertThat(m.headerName(0)).isEqualTo(HeaderName.VIA);
    assertThat(m.headerName(1)).isEqualTo(HeaderName.FROM);
    assertThat(m.headerName(2)).isEqualTo(HeaderName.TO);
    assertThat(m.headerName(3)).isEqualTo(HeaderName.CALL_ID);
    assertThat(m.headerName(5)).isEqualTo(HeaderName.CONTACT);
    assertThat(m.headerName(6)).isEqualTo(HeaderName.CONTENT_LENGTH);
    assertThat(m.rawHeaderName(1)).isEqualTo("f");
    assertThat(body(m)).isEqualTo("body");
    SipRequest r = SipRequest.validate(m);
    assertThat(r.callId()).isEqualTo("compact@192.0.2.1");
    assertThat(r.from().tag()).isEqualTo("1");
  }

  @Test
  void matchesHeaderNamesCaseInsensitively() throws Exception {
    SipMessage m = parse(INVITE_LINE + "vIA: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKcase\r\n"
        + "FROM: <sip:alice@example.com>;tag=1\r\nto: <sip:bob@example.net>\r\n"
        + "CALL-id: case@192.0.2.1\r\ncseq: 1 INVITE\r\nmax-FORWARDS: 5\r\n"
        + "V: SIP/2.0/TCP 192.0.2.9;branch=z9hG4bKupper\r\ncontent-LENGTH: 0\r\n\r\n", true);
    assertThat(m.count(HeaderName.VIA)).isEqualTo(2);
    SipRequest r = SipRequest.validate(m);
    assertThat(r.maxForwards()).isEqualTo(5);
    assertThat(r.vias()).extracting(Via::branch).containsExactly("z9hG4bKcase", "z9hG4bKupper");
  }

  @Test
  void classifiesUnknownHeadersAsOtherAndKeepsTheirValues() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "X-Custom : some ; value\r\nl: 0\r\n\r\n", true);
    int i = m.headerCount() - 2;
    assertThat(m.headerName(i)).isEqualTo(HeaderName.OTHER);
    assertThat(m.rawHeaderName(i)).isEqualTo("X-Custom");
    assertThat(m.headerValue(i)).isEqualTo("some ; value");
  }

  @Test
  void splitsCommaSeparatedValuesButNotInsideQuotesOrBrackets() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS.replace("Contact: <sip:alice@192.0.2.1>\r\n",
        "Contact: \"Smith, J\" <sip:a@x.example>, <sip:b@y.example;p=1,2>\r\nContact: sip:c@z.example\r\n")
        + "\r\n", true);
    assertThat(m.values(HeaderName.CONTACT)).containsExactly(
        "\"Smith, J\" <sip:a@x.example>", "<sip:b@y.example;p=1,2>", "sip:c@z.example");
  }

  @Test
  void recordsHeaderLineWithoutColonAndValidateAnswers400() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "Foobar roobar\r\n\r\n", true);
    assertThat(m.headerProblem()).isEqualTo("header_without_colon");
    assertThat(m.headerCount()).as("the bad line is not indexed").isEqualTo(7);
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @Test
  void recordsHeaderNameThatIsNoTokenAsBadHeaderName() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "Bad Name: x\r\n\r\n", true);
    assertThat(m.headerProblem()).isEqualTo("bad_header_name");
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @Test
  void recordsContinuationLineBeforeAnyHeaderAsFoldingWithoutHeader() throws Exception {
    SipMessage m = parse(INVITE_LINE + " orphan continuation\r\n" + HEADERS + "\r\n", true);
    assertThat(m.headerProblem()).isEqualTo("folding_without_header");
  }

  @Test
  void framesLfOnlyLineEndingsButValidateRefusesThemAsBareLf() throws Exception {
    String crlf = INVITE_LINE + HEADERS + "Content-Length: 4\r\n\r\nv=0\n";
    SipMessage m = parse(crlf.replace("\r\n", "\n"), false);
    assertThat(m.method()).isEqualTo("INVITE");
    assertThat(m.headerCount()).isEqualTo(8);
    assertThat(m.first(HeaderName.CALL_ID)).isEqualTo("3848276298220188511@192.0.2.1");
    assertThat(body(m)).isEqualTo("v=0\n");
    assertThat(m.headerProblem()).isEqualTo(SipMessageParser.BARE_LF);
    assertThatThrownBy(() -> SipRequest.validate(m)).isInstanceOfSatisfying(BadMessageException.class,
        e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.reason()).isEqualTo("bare_lf");
          assertThat(e.getMessage()).isEqualTo("Illegal Control Character");
        });
  }

  @Test
  void refusesHeaderHiddenBehindBareCr() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS
        + "Subject: hi\rP-Asserted-Identity: <tel:+18008291040>\r\nContent-Length: 0\r\n\r\n", true);
    assertThat(m.headerProblem()).isEqualTo(SipMessageParser.BARE_CR);
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @Test
  void refusesBareLfInsideHeaderBlockEvenWhenOtherLinesEndInCrlf() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "Subject: hi\nP-Asserted-Identity: <tel:+18008291040>\r\n\r\n",
        true);
    assertThat(m.headerProblem()).isEqualTo(SipMessageParser.BARE_LF);
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x01, 0x07, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f})
  void refusesControlCharacterInHeaderValue(int c) throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "Subject: a" + (char) c + "b\r\n\r\n", true);
    assertThat(m.headerProblem()).isEqualTo(SipMessageParser.CONTROL_CHARACTER);
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @Test
  void refusesControlCharacterInRequestLine() throws Exception {
    SipMessage m = parse("INVITE sip:bob\u0000@example.net SIP/2.0\r\n" + HEADERS + "\r\n", true);
    assertThat(m.headerProblem()).isEqualTo(SipMessageParser.CONTROL_CHARACTER);
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @Test
  void acceptsEscapedControlCharactersInQuotedString() throws Exception {
    // RFC 4475 §3.1.1.2: NUL, BEL and DEL as quoted-pairs are legal.
    SipMessage m = parse(INVITE_LINE + HEADERS.replace("To: <sip:bob@example.net>",
        "To: \"BEL:\\\u0007 NUL:\\\u0000 DEL:\\\u007f\" <sip:bob@example.net>") + "\r\n", true);
    assertThat(m.headerProblem()).isNull();
    assertThat(SipRequest.validate(m).method()).isEqualTo("INVITE");
  }

  @Test
  void acceptsTabsAndFoldedLinesAndBinaryBody() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "Subject:\tfolded\r\n  continued\r\n"
        + "Content-Length: 3\r\n\r\n\u0000\r\u0001", true);
    assertThat(m.headerProblem()).isNull();
    assertThat(m.headerCount()).isEqualTo(9);
    assertThat(SipRequest.validate(m).method()).isEqualTo("INVITE");
  }

  @Test
  void refusesMoreHeadersThanTheLimit() {
    StringBuilder sb = new StringBuilder(INVITE_LINE).append(HEADERS);
    for (int i = 7; i <= SipMessageParser.MAX_HEADERS; i++) {
      sb.append("X-H").append(i).append(": ").append(i).append("\r\n");
    }
    sb.append("\r\n");
    assertThatThrownBy(() -> parse(sb.toString(), true))
        .isInstanceOfSatisfying(MalformedMessageException.class,
            e -> assertThat(e.reason()).isEqualTo("too_many_headers"));
  }

  @Test
  void acceptsExactlyTheHeaderLimit() throws Exception {
    StringBuilder sb = new StringBuilder(INVITE_LINE).append(HEADERS);
    for (int i = 8; i <= SipMessageParser.MAX_HEADERS; i++) {
      sb.append("X-H").append(i).append(": ").append(i).append("\r\n");
    }
    SipMessage m = parse(sb.append("\r\n").toString(), true);
    assertThat(m.headerCount()).isEqualTo(SipMessageParser.MAX_HEADERS);
    assertThat(m.headerValue(SipMessageParser.MAX_HEADERS - 1)).isEqualTo("256");
  }

  // --- Content-Length framing ---------------------------------------------------------------------

  @Test
  void framesBodyByContentLengthAndIgnoresTrailingDatagramBytes() throws Exception {
    String msg = INVITE_LINE + HEADERS + "Content-Length: 5\r\n\r\nhello";
    SipMessage m = parse(msg + "TRAILING GARBAGE", true);
    assertThat(body(m)).isEqualTo("hello");
    assertThat(m.end()).isEqualTo(msg.length());
    assertThat(m.toString()).isEqualTo(msg);
  }

  @Test
  void framesOneMessageOutOfAStreamAndLeavesTheNextOne() throws Exception {
    String first = INVITE_LINE + HEADERS + "Content-Length: 3\r\n\r\nabc";
    SipMessage m = parse(first + INVITE_LINE + HEADERS + "Content-Length: 0\r\n\r\n", false);
    assertThat(m.end()).isEqualTo(first.length());
    assertThat(body(m)).isEqualTo("abc");
  }

  @Test
  void takesRestOfDatagramAsBodyWhenContentLengthIsMissing() throws Exception {
    String msg = INVITE_LINE + HEADERS + "\r\nv=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n";
    SipMessage m = parse(msg, true);
    assertThat(body(m)).isEqualTo("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
    assertThat(m.end()).isEqualTo(msg.length());
    assertThat(m.framingProblem()).isNull();
  }

  @Test
  void takesEmptyBodyOverAStreamWhenContentLengthIsMissing() throws Exception {
    String head = INVITE_LINE + HEADERS + "\r\n";
    SipMessage m = parse(head + "v=0\r\n", false);
    assertThat(m.bodyLength()).isZero();
    assertThat(m.end()).isEqualTo(head.length());
    assertThat(m.framingProblem()).isNull();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void recordsContentLengthLargerThanTheMessage(boolean datagram) throws Exception {
    String msg = INVITE_LINE + HEADERS + "Content-Length: 100\r\n\r\nshort";
    SipMessage m = parse(msg, datagram);
    assertThat(m.framingProblem()).isEqualTo("content_length_exceeds_message");
    assertThat(m.end()).as("the whole input stays in the message").isEqualTo(msg.length());
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-5", "abc", "5x", "", "1 2", "+5", "9999999999", "0x10"})
  void recordsNegativeOrNonNumericContentLengthAsBadContentLength(String value) throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "Content-Length: " + value + "\r\n\r\nhello", true);
    assertThat(m.framingProblem()).isEqualTo("bad_content_length");
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @Test
  void acceptsContentLengthWithLeadingZerosAndSurroundingWhitespace() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "Content-Length :  0005 \r\n\r\nhello", false);
    assertThat(m.framingProblem()).isNull();
    assertThat(body(m)).isEqualTo("hello");
  }

  @Test
  void recordsMultipleContentLengthsEvenWhenTheyAgree() throws Exception {
    SipMessage m = parse(INVITE_LINE + HEADERS + "Content-Length: 5\r\nl: 5\r\n\r\nhello", true);
    assertThat(m.framingProblem()).isEqualTo("multiple_content_length");
    assertThat(badMessageStatus(m)).isEqualTo(400);
  }

  @Test
  void parsesFromAnOffsetInsideALargerBuffer() throws Exception {
    String msg = INVITE_LINE + HEADERS + "Content-Length: 2\r\n\r\nok";
    byte[] buf = bytes("XXXX" + msg + "YYYY");
    SipMessage m = SipMessageParser.parse(buf, 4, msg.length(), true);
    assertThat(m.start()).isEqualTo(4);
    assertThat(m.end()).isEqualTo(4 + msg.length());
    assertThat(m.toString()).isEqualTo(msg);
  }

  @Test
  void parseDecimalRefusesOverlongAndNonDigitInput() {
    byte[] b = bytes("000123|12a|1234567890");
    assertThat(SipMessageParser.parseDecimal(b, 0, 6, 3)).isEqualTo(123);
    assertThat(SipMessageParser.parseDecimal(b, 7, 10, 9)).isEqualTo(-1);
    assertThat(SipMessageParser.parseDecimal(b, 11, 21, 9)).isEqualTo(-1);
    assertThat(SipMessageParser.parseDecimal(b, 11, 21, 10)).isEqualTo(1234567890L);
    assertThat(SipMessageParser.parseDecimal(b, 3, 3, 9)).isEqualTo(-1);
  }
}
