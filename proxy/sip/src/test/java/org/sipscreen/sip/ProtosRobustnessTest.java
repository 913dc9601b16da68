package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sipscreen.testkit.Corpus;

/**
 * Feeds the PROTOS c07-sip INVITEs (overflows, format strings, integer extremes, CRLF injection; shared
 * corpus) through framing and validation: each must end in an accepted message or in one of the two
 * exceptions the proxy turns into a drop or a 400/505, never in anything else. The PROTOS cases are GPL
 * and stay outside the repository: without the shared corpus these tests are skipped, with the reason.
 */
class ProtosRobustnessTest {

  static final String SNAKE_CASE = "[a-z][a-z0-9]*(_[a-z0-9]+)*";

  static List<Path> cases() {
    return Corpus.files("protos-c07-sip", ".sip");
  }

  /**
   * Any other exception fails the test. A refusal must carry a snake_case reason (it becomes a metric
   * label) and a status the proxy can send; an accepted message must lie inside the input.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void framesAndValidatesWithoutUnexpectedExceptions(Path file) {
    byte[] bytes = Corpus.read(file);
    for (boolean datagram : new boolean[] {true, false}) {
      try {
        SipMessage m = SipMessageParser.parse(bytes, 0, bytes.length, datagram);
        if (m.isRequest()) {
          SipRequest.validate(m);
        } else {
          SipResponse.validate(m);
        }
        assertThat(m.start()).isGreaterThanOrEqualTo(0);
        assertThat(m.end()).isLessThanOrEqualTo(bytes.length);
        assertThat(m.bodyLength()).isBetween(0, m.end() - m.start());
      } catch (MalformedMessageException e) {
        assertThat(e.reason()).matches(SNAKE_CASE);
      } catch (BadMessageException e) {
        assertThat(e.reason()).matches(SNAKE_CASE);
        assertThat(e.status()).isIn(400, 505);
      }
    }
  }

  @Test
  void acceptsTheUnmutatedReferenceInvite() throws Exception {
    byte[] bytes = Corpus.read(Corpus.folder("protos-c07-sip").resolve("0000000_valid.sip"));
    SipRequest r = SipRequest.validate(SipMessageParser.parse(bytes, 0, bytes.length, true));
    assertThat(r.method()).isEqualTo("INVITE");
    assertThat(r.callId()).isEqualTo("protos-0000000@192.0.2.10");
  }

  @Test
  void coversTheWholeSelection() {
    assertThat(cases()).hasSize(83);
  }
}
