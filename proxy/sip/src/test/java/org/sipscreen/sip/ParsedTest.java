package org.sipscreen.sip;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Peer input is read into values or findings, never exceptions; the throwing forms are for trusted text and
 * say the same thing.
 */
class ParsedTest {

  @Test
  void readingABadValueGivesItsProblem() {
    assertThat(NameAddr.read("\"Alice <sip:a@example.com>"))
        .isEqualTo(new SyntaxError<>("unterminated quoted string"));
    assertThat(Via.read("SIP/2.0/UDP host:0")).isEqualTo(new SyntaxError<>("bad port: not 1-65535"));
    assertThat(SipUri.read("sip:a@host;=x")).isEqualTo(new SyntaxError<>("empty parameter name"));
    assertThat(NameAddr.read("<sip:a@example.com>;tag")).isInstanceOf(NameAddr.class);
    assertThat(NameAddr.read("<sip:a@example.com>;tag").ok()).isTrue();
    assertThat(Via.read("SIP/2.0/UDP").ok()).isFalse();
  }

  @Test
  void theThrowingFormsSayTheSameProblem() {
    assertThatThrownBy(() -> NameAddr.parse("\"Alice <sip:a@example.com>"))
        .isInstanceOf(SipSyntaxException.class).hasMessage("unterminated quoted string");
    assertThatThrownBy(() -> Via.parse("SIP/2.0/UDP host:70000"))
        .isInstanceOf(SipSyntaxException.class).hasMessage("bad port: not 1-65535");
  }

  @Test
  void checkingARequestGivesTheAnswerItDeserves() throws Exception {
    byte[] bytes = ("INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP\r\n"
        + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c\r\n"
        + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n").getBytes(US_ASCII);
    Framed framed = SipMessageParser.frame(bytes, 0, bytes.length, true);
    assertThat(framed).isInstanceOf(SipMessage.class);

    assertThat(SipRequest.check((SipMessage) framed))
        .isEqualTo(new Invalid<>(400, "bad_via", "Malformed Via"));
    assertThatThrownBy(() -> SipRequest.validate((SipMessage) framed))
        .isInstanceOf(BadMessageException.class).hasMessage("Malformed Via");
  }

  @Test
  void bytesThatAreNoMessageAreMalformedNotThrown() {
    byte[] bytes = "\r\n\r\n".getBytes(US_ASCII);
    assertThat(SipMessageParser.frame(bytes, 0, bytes.length, true))
        .isEqualTo(new Framed.Malformed("empty", "no bytes besides CRLF"));
    byte[] noEnd = "INVITE sip:b@example.com SIP/2.0\r\nVia: x\r\n".getBytes(US_ASCII);
    assertThat(SipMessageParser.frame(noEnd, 0, noEnd.length, true))
        .isInstanceOfSatisfying(Framed.Malformed.class,
            m -> assertThat(m.reason()).isEqualTo("no_header_end"));
  }
}
