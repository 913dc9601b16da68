package org.sipscreen.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Half-sent messages on many connections share one memory budget: over it, the connection with the oldest
 * incomplete message is closed; whole messages hold nothing.
 */
class TcpBufferBudgetTest {

  static final int BODY = 60_000;
  /** A 60 KB INVITE's headers and the first 30,000 bytes of its body: what a half-sent message holds. */
  static final String HALF = "INVITE sip:+12025550100@127.0.0.1 SIP/2.0\r\n"
      + "Via: SIP/2.0/TCP 127.0.0.2:40000;branch=z9hG4bK-1\r\n"
      + "Call-ID: big\r\nCSeq: 1 INVITE\r\nContent-Length: " + BODY + "\r\n\r\n" + "x".repeat(BODY / 2);

  final AtomicInteger evicted = new AtomicInteger();
  /** Room for three half-sent messages, not four. */
  final TcpBufferBudget budget = new TcpBufferBudget(3 * HALF.length() + 1000, evicted::incrementAndGet);
  final List<EmbeddedChannel> channels = new ArrayList<>();

  EmbeddedChannel connection() {
    EmbeddedChannel ch = new EmbeddedChannel(new SipStreamDecoder(64 * 1024, () -> {}, 0, () -> {}, budget));
    channels.add(ch);
    return ch;
  }

  static void write(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, ISO_8859_1));
  }

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  @Test
  void overTheBudgetTheConnectionWithTheOldestIncompleteMessageIsClosed() {
    EmbeddedChannel first = connection();
    EmbeddedChannel second = connection();
    EmbeddedChannel third = connection();
    write(first, HALF);
    write(second, HALF);
    write(third, HALF);
    assertThat(evicted).hasValue(0);
    assertThat(budget.held()).isGreaterThanOrEqualTo(3L * HALF.length()).isLessThanOrEqualTo(budget.budget());

    EmbeddedChannel fourth = connection();
    write(fourth, HALF);

    assertThat(evicted).hasValue(1);
    assertThat(first.isOpen()).as("oldest incomplete message").isFalse();
    assertThat(List.of(second.isOpen(), third.isOpen(), fourth.isOpen())).containsOnly(true);
    assertThat(budget.held()).isLessThanOrEqualTo(budget.budget());
  }

  @Test
  void aMessageCompletedReleasesItsShareAndWholeMessagesHoldNothing() {
    EmbeddedChannel ch = connection();
    write(ch, HALF);
    assertThat(budget.held()).isPositive();
    write(ch, "x".repeat(BODY / 2));
    assertThat((byte[]) ch.readInbound()).hasSize(HALF.length() + BODY / 2);
    assertThat(budget.held()).isZero();

    for (int i = 0; i < 100; i++) {
      write(ch, SipStreamDecoderTest.message("c" + i, "v=0\r\n"));
    }
    assertThat(budget.held()).isZero();
    assertThat(evicted).hasValue(0);
  }

  @Test
  void aClosedConnectionReleasesItsShare() {
    EmbeddedChannel ch = connection();
    write(ch, HALF);
    assertThat(budget.held()).isPositive();
    ch.close();
    assertThat(budget.held()).isZero();
  }

  @Test
  void manyHalfSentMessagesNeverHoldMoreThanTheBudget() {
    for (int i = 0; i < 50; i++) {
      write(connection(), HALF);
      assertThat(budget.held()).isLessThanOrEqualTo(budget.budget());
    }
    assertThat(evicted).hasValue(47);
    assertThat(channels.stream().filter(EmbeddedChannel::isOpen).count()).isEqualTo(3);
    assertThat(channels.subList(47, 50)).allMatch(EmbeddedChannel::isOpen);
  }
}
