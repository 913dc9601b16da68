package org.sipscreen.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MessageEditsTest {

  static final String MESSAGE = "INVITE sip:bob@example.net SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n"
      + "Max-Forwards: 70\r\n"
      + "Route: <sip:proxy.example.com;lr>\r\n"
      + "From: Alice <sip:alice@example.com>;tag=9fxced76sl\r\n"
      + "To: <sip:bob@example.net>\r\n"
      + "Call-ID: 3848276298220188511@192.0.2.1\r\n"
      + "CSeq: 1 INVITE\r\n"
      + "Content-Length: 4\r\n"
      + "\r\n"
      + "v=0\n";

  static SipMessage parse(String s) throws MalformedMessageException {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    return SipMessageParser.parse(b, 0, b.length, true);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void writesReceivedBytesUnchangedWhenNothingWasEdited() throws Exception {
    SipMessage m = parse(MESSAGE);
    MessageEdits edits = new MessageEdits(m);
    assertThat(edits.length()).isEqualTo(MESSAGE.length());
    assertThat(edits.toBytes()).isEqualTo(MESSAGE.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void appliesInsertReplaceAndDeleteAtSeveralOffsetsToExactBytes() throws Exception {
    SipMessage m = parse(MESSAGE);
    int via = m.indexOf(HeaderName.VIA);
    int mf = m.indexOf(HeaderName.MAX_FORWARDS);
    int route = m.indexOf(HeaderName.ROUTE);
    MessageEdits edits = new MessageEdits(m)
        .delete(m.lineStart(route), m.lineEnd(route))
        .insert(m.headersEnd(), "Record-Route: <sip:192.0.2.254;lr>\r\n")
        .replace(m.valueStart(mf), m.valueEnd(mf), "69")
        .insert(m.lineStart(via), "Via: SIP/2.0/UDP 192.0.2.254;branch=z9hG4bKproxy\r\n");

    String expected = "INVITE sip:bob@example.net SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.254;branch=z9hG4bKproxy\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n"
        + "Max-Forwards: 69\r\n"
        + "From: Alice <sip:alice@example.com>;tag=9fxced76sl\r\n"
        + "To: <sip:bob@example.net>\r\n"
        + "Call-ID: 3848276298220188511@192.0.2.1\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Content-Length: 4\r\n"
        + "Record-Route: <sip:192.0.2.254;lr>\r\n"
        + "\r\n"
        + "v=0\n";
    byte[] out = edits.toBytes();
    assertThat(text(out)).isEqualTo(expected);
    assertThat(edits.length()).isEqualTo(out.length);
  }

  @Test
  void leavesEveryByteOutsideTheEditsIdentical() throws Exception {
    byte[] in = MESSAGE.getBytes(StandardCharsets.ISO_8859_1);
    SipMessage m = parse(MESSAGE);
    int mf = m.indexOf(HeaderName.MAX_FORWARDS);
    byte[] out = new MessageEdits(m).replace(m.valueStart(mf), m.valueEnd(mf), "9").toBytes();

    int s = m.valueStart(mf);
    int e = m.valueEnd(mf);
    assertThat(Arrays.copyOfRange(out, 0, s)).isEqualTo(Arrays.copyOfRange(in, 0, s));
    assertThat(out[s]).isEqualTo((byte) '9');
    assertThat(Arrays.copyOfRange(out, s + 1, out.length)).isEqualTo(Arrays.copyOfRange(in, e, in.length));
  }

  @Test
  void keepsBinaryBodyAndNonAsciiHeaderBytesByteForByte() throws Exception {
    byte[] head = ("MESSAGE sip:bob@example.net SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKb\r\n"
        + "From: \"J\u00f6rg \u00e9\" <sip:j@example.com>;tag=1\r\nTo: <sip:bob@example.net>\r\nCall-ID: b\r\n"
        + "CSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\nContent-Length: 6\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    byte[] in = Arrays.copyOf(head, head.length + 6);
    byte[] body = {0, (byte) 0xff, '\n', '\r', (byte) 0x80, 7};
    System.arraycopy(body, 0, in, head.length, 6);
    SipMessage m = SipMessageParser.parse(in, 0, in.length, true);
    int mf = m.indexOf(HeaderName.MAX_FORWARDS);
    byte[] out = new MessageEdits(m).replace(m.valueStart(mf), m.valueEnd(mf), "69").toBytes();
    assertThat(out).hasSize(in.length);
    assertThat(Arrays.copyOfRange(out, out.length - 6, out.length)).isEqualTo(body);
    assertThat(text(out)).contains("\"J\u00f6rg \u00e9\"").contains("Max-Forwards: 69\r\n");
  }

  @Test
  void writesInsertsAtTheSameOffsetInTheOrderTheyWereMade() throws Exception {
    SipMessage m = parse(MESSAGE);
    String out = text(new MessageEdits(m)
        .insert(m.headersEnd(), "X-A: 1\r\n")
        .insert(m.headersEnd(), "X-B: 2\r\n")
        .insert(m.headersEnd(), "X-C: 3\r\n")
        .toBytes());
    assertThat(out).contains("Content-Length: 4\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n\r\nv=0\n");
  }

  @Test
  void writesInsertAtStartOfReplacedRangeBeforeTheReplacementWhateverTheRecordingOrder() throws Exception {
    SipMessage m = parse(MESSAGE);
    int route = m.indexOf(HeaderName.ROUTE);
    String insertFirst = text(new MessageEdits(m)
        .insert(m.lineStart(route), "X-New: 1\r\n")
        .delete(m.lineStart(route), m.lineEnd(route))
        .toBytes());
    String deleteFirst = text(new MessageEdits(m)
        .delete(m.lineStart(route), m.lineEnd(route))
        .insert(m.lineStart(route), "X-New: 1\r\n")
        .toBytes());
    assertThat(insertFirst).isEqualTo(deleteFirst)
        .contains("Max-Forwards: 70\r\nX-New: 1\r\nFrom: ")
        .doesNotContain("Route:");
  }

  @Test
  void acceptsAdjacentEditsThatTouchButDoNotOverlap() throws Exception {
    SipMessage m = parse(MESSAGE);
    int mf = m.indexOf(HeaderName.MAX_FORWARDS);
    int route = m.indexOf(HeaderName.ROUTE);
    String out = text(new MessageEdits(m)
        .delete(m.lineStart(route), m.lineEnd(route))
        .delete(m.lineStart(mf), m.lineEnd(mf))
        .insert(m.lineEnd(route), "X-After: 1\r\n")
        .toBytes());
    assertThat(out).contains("branch=z9hG4bK74bf9\r\nX-After: 1\r\nFrom: ");
  }

  @Test
  void refusesOverlappingEditsWhenWritten() throws Exception {
    SipMessage m = parse(MESSAGE);
    int mf = m.indexOf(HeaderName.MAX_FORWARDS);
    MessageEdits overlapping = new MessageEdits(m)
        .delete(m.lineStart(mf), m.lineEnd(mf))
        .replace(m.valueStart(mf), m.valueEnd(mf), "69");
    assertThatThrownBy(overlapping::toBytes).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("overlapping");

    MessageEdits insertInside = new MessageEdits(m)
        .replace(m.lineStart(mf), m.lineEnd(mf), "Max-Forwards: 1\r\n")
        .insert(m.valueStart(mf), "X");
    assertThatThrownBy(insertInside::toBytes).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesEditsOutsideTheMessage() throws Exception {
    String trailing = "XYZ";
    byte[] b = ("\r\n" + MESSAGE + trailing).getBytes(StandardCharsets.ISO_8859_1);
    SipMessage m = SipMessageParser.parse(b, 0, b.length, true);
    MessageEdits edits = new MessageEdits(m);
    assertThatThrownBy(() -> edits.insert(0, "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("edit [0,0) outside message [2," + (2 + MESSAGE.length()) + ")");
    assertThatThrownBy(() -> edits.delete(m.end() - 1, m.end() + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> edits.replace(20, 10, "")).isInstanceOf(IllegalArgumentException.class);
    assertThat(text(edits.toBytes())).as("leading CRLF and trailing datagram bytes are not written")
        .isEqualTo(MESSAGE);
  }

  @Test
  void writeToSinkDeliversTheSameBytesAsToBytes() throws Exception {
    SipMessage m = parse(MESSAGE);
    int mf = m.indexOf(HeaderName.MAX_FORWARDS);
    MessageEdits edits = new MessageEdits(m)
        .replace(m.valueStart(mf), m.valueEnd(mf), "69")
        .insert(m.headersEnd(), "X-A: 1\r\n");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    edits.writeTo(sink::write);
    assertThat(sink.toByteArray()).isEqualTo(edits.toBytes()).hasSize(edits.length());
  }

  @Test
  void growsBeyondItsInitialCapacity() throws Exception {
    SipMessage m = parse(MESSAGE);
    MessageEdits edits = new MessageEdits(m);
    for (int i = 0; i < 20; i++) {
      edits.insert(m.headersEnd(), "X-" + i + ": " + i + "\r\n");
    }
    String out = text(edits.toBytes());
    assertThat(out).contains("X-0: 0\r\nX-1: 1\r\n").contains("X-19: 19\r\n\r\nv=0\n");
    assertThat(out).hasSize(edits.length());
  }
}
