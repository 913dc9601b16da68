package org.sipscreen.sip;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The framer looks for control characters and line ends eight bytes at a time; this puts one odd byte at
 * every offset of every header line (so at every position within a word) and compares what the framer says
 * with a byte-by-byte reading of the same rules.
 */
class ControlCharacterScanTest {

  private static final String INVITE = "INVITE sip:+13107940100@127.0.0.1:5060 SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1;rport\r\n"
      + "From: \"Caller \\\"q\\\"\" <sip:+12122340100@127.0.0.1:5062>;tag=f1\r\n"
      + "To: <sip:+13107940100@127.0.0.1:5060>\r\n"
      + "Call-ID: 1-bench@127.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
      + "Subject: caf\u00e9 \u00fcber\r\n"
      + "Content-Length: 0\r\n\r\n";

  private static final byte[] ODD = {0x00, 0x01, 0x08, 0x09, 0x0b, 0x0d, 0x1f, 0x20, 0x5c, 0x7e, 0x7f,
      (byte) 0x80, (byte) 0xc3, (byte) 0xff};

  @Test
  void everyOddByteAtEveryOffsetIsFoundAsByteByByteReadingFindsIt() throws Exception {
    byte[] base = INVITE.getBytes(ISO_8859_1);
    int headersEnd = INVITE.indexOf("\r\n\r\n") + 2;
    int checked = 0;
    for (int at = 1; at < headersEnd; at++) { // a CR or LF first would be a keepalive's, skipped
      if (base[at] == '\r' || base[at] == '\n') {
        continue; // the line structure stays as it is
      }
      for (byte odd : ODD) {
        for (int lead = 0; lead < 8; lead++) { // the message at every alignment in its array
          byte[] buf = new byte[lead + base.length];
          System.arraycopy(base, 0, buf, lead, base.length);
          buf[lead + at] = odd;
          String expected = byteByByte(buf, lead, lead + headersEnd);
          Framed framed = SipMessageParser.frame(buf, lead, base.length, true);
          if (!(framed instanceof SipMessage m)) {
            continue; // a start line broken beyond framing: no header problem to compare
          }
          String problem = m.headerProblem();
          if (expected != null) {
            assertThat(problem).as("byte 0x%02x at %d (lead %d)", odd, at, lead).isEqualTo(expected);
          } else {
            assertThat(problem == null || !SipMessageParser.isControlCharacterProblem(problem))
                .as("byte 0x%02x at %d (lead %d): %s", odd, at, lead, problem).isTrue();
          }
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(30_000);
  }

  @Test
  void newlineIsFoundAtEveryPositionOfAWordAndInTheTail() {
    for (int length = 0; length < 40; length++) {
      for (int lf = -1; lf < length; lf++) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) 'a');
        if (lf >= 0) {
          b[lf] = '\n';
        }
        assertThat(SipMessageParser.newline(b, 0, length)).as("length %d, LF at %d", length, lf).isEqualTo(lf);
      }
    }
  }

  /** The rules of RFC 3261 §7 and §25.1 as the framer applies them, one byte at a time. */
  private static String byteByByte(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = buf[i] & 0xff;
      if (b >= 0x20 && b != 0x7f) {
        continue;
      }
      if (b == '\r') {
        if (i + 1 >= to || buf[i + 1] != '\n') {
          return SipMessageParser.BARE_CR;
        }
        i++;
      } else if (b == '\n') {
        return SipMessageParser.BARE_LF;
      } else if (b != '\t' && (i == from || buf[i - 1] != '\\')) {
        return SipMessageParser.CONTROL_CHARACTER;
      }
    }
    return null;
  }
}
