package org.sipscreen.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TCP framing by Content-Length, without sockets. Every input buffer must be released by the decoder. */
class SipStreamDecoderTest {

  static final int MAX = 1024;

  final AtomicInteger framingErrors = new AtomicInteger();
  final EmbeddedChannel channel = new EmbeddedChannel(new SipStreamDecoder(MAX, framingErrors::incrementAndGet));
  final List<ByteBuf> inputs = new ArrayList<>();

  static String message(String callId, String body) {
    return "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/TCP 127.0.0.2:40000;branch=z9hG4bK-" + callId + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: " + body.getBytes(ISO_8859_1).length + "\r\n"
        + "\r\n"
        + body;
  }

  ByteBuf buf(String text) {
    ByteBuf b = Unpooled.copiedBuffer(text, ISO_8859_1);
    inputs.add(b);
    return b;
  }

  /** Writes each chunk as one read; returns whether anything came out. */
  boolean write(String... chunks) {
    boolean produced = false;
    for (String c : chunks) {
      produced |= channel.writeInbound(buf(c));
    }
    return produced;
  }

  String nextFrame() {
    byte[] frame = channel.readInbound();
    assertThat(frame).as("a framed message").isNotNull();
    return new String(frame, ISO_8859_1);
  }

  String nextOutbound() {
    ByteBuf out = channel.readOutbound();
    if (out == null) {
      return null;
    }
    try {
      return out.toString(ISO_8859_1);
    } finally {
      out.release();
    }
  }

  @AfterEach
  void noLeaks() {
    channel.finishAndReleaseAll();
    for (ByteBuf b : inputs) {
      assertThat(b.refCnt()).as("input buffer released").isZero();
    }
  }

  @Test
  void framesTwoPipelinedMessagesFromOneRead() {
    String a = message("a", "");
    String b = message("b", "v=0\r\n");
    assertThat(write(a + b)).isTrue();
    assertThat(nextFrame()).isEqualTo(a);
    assertThat(nextFrame()).isEqualTo(b);
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void framesAMessageSplitAcrossThreeReads() {
    String m = message("split", "v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\n");
    int third = m.length() / 3;
    // Cut inside the start line, inside the blank line, and inside the body.
    int blank = m.indexOf("\r\n\r\n") + 2;
    assertThat(write(m.substring(0, third))).isFalse();
    assertThat(write(m.substring(third, blank))).isFalse();
    assertThat(write(m.substring(blank, m.length() - 3))).isFalse();
    assertThat(write(m.substring(m.length() - 3))).isTrue();
    assertThat(nextFrame()).isEqualTo(m);
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void framesTwoMessagesArrivingOneByteAtATime() {
    // Each read resumes the search where the last one stopped, including inside a CRLFCRLF.
    String a = message("bytewise-a", "v=0\r\n");
    String b = message("bytewise-b", "");
    String both = a + b;
    for (int i = 0; i < both.length(); i++) {
      write(both.substring(i, i + 1));
    }
    assertThat(nextFrame()).isEqualTo(a);
    assertThat(nextFrame()).isEqualTo(b);
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void framesBodyStrictlyByContentLengthWhateverItContains() {
    String body = "a\nb\0c\r\n\r\nINVITE sip:x SIP/2.0\r\n\n\0";
    String m = message("binary", body);
    String next = message("next", "");
    assertThat(write(m + next)).isTrue();
    assertThat(nextFrame()).isEqualTo(m);
    assertThat(nextFrame()).isEqualTo(next);
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void framesAMessageWithoutContentLengthAsHeadersOnly() {
    String m = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nCall-ID: x\r\n\r\n";
    assertThat(write(m + message("b", ""))).isTrue();
    assertThat(nextFrame()).isEqualTo(m);
    assertThat(nextFrame()).isEqualTo(message("b", ""));
  }

  @Test
  void framesCompactContentLengthAndBareLfHeaders() {
    String m = "OPTIONS sip:127.0.0.1 SIP/2.0\nCall-ID: x\nl: 3\n\nabc";
    assertThat(write(m + "OPTIONS")).isTrue();
    assertThat(nextFrame()).isEqualTo(m);
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void skipsLeadingCrlfWithoutAnsweringASingleOne() {
    String m = message("a", "");
    assertThat(write("\r\n" + m)).isTrue();
    assertThat(nextFrame()).isEqualTo(m);
    assertThat(nextOutbound()).isNull();
  }

  @Test
  void answersCrlfCrlfKeepaliveWithCrlf() {
    assertThat(write("\r\n\r\n")).isFalse();
    assertThat(nextOutbound()).isEqualTo("\r\n");
    assertThat(nextOutbound()).isNull();
    assertThat(channel.isOpen()).isTrue();

    String m = message("after", "");
    assertThat(write("\r\n\r\n" + m)).isTrue();
    assertThat(nextOutbound()).isEqualTo("\r\n");
    assertThat(nextFrame()).isEqualTo(m);
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void answersKeepaliveSplitAcrossReads() {
    write("\r\n", "\r\n");
    assertThat(nextOutbound()).isEqualTo("\r\n");
  }

  void assertClosedWithFramingError(String... chunks) {
    Throwable thrown = catchThrowable(() -> write(chunks));
    assertThat(thrown).isInstanceOf(TooLongFrameException.class);
    assertThat(framingErrors).hasValue(1);
    assertThat(channel.isOpen()).isFalse();
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void closesOnBadContentLength() {
    assertClosedWithFramingError(message("a", "").replace("Content-Length: 0", "Content-Length: zero"));
  }

  @Test
  void closesOnNegativeContentLength() {
    assertClosedWithFramingError(message("a", "").replace("Content-Length: 0", "Content-Length: -1"));
  }

  @Test
  void closesOnMultipleContentLength() {
    assertClosedWithFramingError(message("a", "abc").replace("Content-Length: 3\r\n",
        "Content-Length: 3\r\nContent-Length: 3\r\n"));
  }

  @Test
  void closesOnOversizeHeadersEvenWhenTheyArriveInPieces() {
    StringBuilder sb = new StringBuilder("OPTIONS sip:127.0.0.1 SIP/2.0\r\n");
    while (sb.length() < MAX) {
      sb.append("X-Padding: 0123456789012345678901234567890123456789\r\n");
    }
    String headers = sb.toString();
    assertClosedWithFramingError(headers.substring(0, 500), headers.substring(500));
  }

  @Test
  void closesWhenContentLengthMakesTheMessageTooLarge() {
    assertClosedWithFramingError(message("a", "").replace("Content-Length: 0", "Content-Length: 5000"));
  }

  @Test
  void acceptsAMessageOfExactlyTheMaximumSize() {
    String head = message("max", "");
    String body = "x".repeat(MAX - head.length() - 2);
    String m = message("max", body);
    assertThat(m.length()).isEqualTo(MAX);
    assertThat(write(m)).isTrue();
    assertThat(nextFrame()).isEqualTo(m);
    assertThat(framingErrors).hasValue(0);
  }
}
