package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of framing, validation and the lazy header accessors (Jazzer). Run as part of
 * every build: on its seeds in the normal test run, and mutating for a bounded time in the {@code fuzz}
 * execution of this module's pom (environment {@code JAZZER_FUZZ=1}). Seeds are RFC 4475's messages and,
 * when the shared corpus is beside the checkout, the PROTOS INVITEs (copied in by the build); an input that
 * breaks an invariant is written by Jazzer into {@code SipParserFuzzTestInputs/framesAndValidates/} under
 * src/test/resources, where it stays as a regression case.
 *
 * <p>The invariant is the proxy's contract with a hostile peer: bytes end in a message, or in one of the two
 * refusals the proxy turns into a counted drop or a 400/505, never in any other exception; what is
 * accepted lies inside the input, and every typed header of a valid request can be read.
 */
class SipParserFuzzTest {

  static final String SNAKE_CASE = "[a-z][a-z0-9]*(_[a-z0-9]+)*";

  @FuzzTest(maxDuration = "30s")
  void framesAndValidates(byte[] input) {
    for (boolean datagram : new boolean[] {true, false}) {
      SipMessage message;
      try {
        message = SipMessageParser.parse(input, 0, input.length, datagram);
      } catch (MalformedMessageException e) {
        assertThat(e.reason()).matches(SNAKE_CASE);
        continue;
      }
      assertThat(message.start()).isBetween(0, input.length);
      assertThat(message.end()).isBetween(message.start(), input.length);
      assertThat(message.bodyLength()).isBetween(0, message.end() - message.start());
      assertThat(message.headerCount()).isBetween(0, SipMessageParser.MAX_HEADERS);
      for (int i = 0; i < message.headerCount(); i++) {
        assertThat(message.lineStart(i)).isBetween(message.start(), message.headersEnd());
        message.headerName(i);
        message.headerValue(i);
      }
      try {
        if (message.isRequest()) {
          readEveryTypedHeader(SipRequest.validate(message));
        } else {
          SipResponse.validate(message);
        }
      } catch (BadMessageException e) {
        assertThat(e.reason()).matches(SNAKE_CASE);
        assertThat(e.status()).isIn(400, 505);
      }
    }
  }

  private static void readEveryTypedHeader(SipRequest request) {
    assertThat(request.method()).isNotEmpty();
    assertThat(request.requestUri()).isNotNull();
    assertThat(request.vias()).isNotEmpty();
    assertThat(request.topVia()).isNotNull();
    request.from();
    request.to();
    assertThat(request.callId()).isNotEmpty();
    assertThat(request.cseq()).isNotNegative();
    request.maxForwards();
    request.routes();
    request.proxyRequire();
    request.isInitial();
  }
}
