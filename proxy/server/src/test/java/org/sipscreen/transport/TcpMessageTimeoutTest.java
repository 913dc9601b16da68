package org.sipscreen.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slowloris over SIP/TCP, on a fake clock: a message must arrive whole within the message timeout of its
 * first byte, and only whole messages reset the idle timer (the framer sits in front of it), so trickling
 * bytes never keeps a connection open.
 */
class TcpMessageTimeoutTest {

  static final long TIMEOUT_SECONDS = 10;

  final AtomicInteger timeouts = new AtomicInteger();
  final AtomicInteger idleCloses = new AtomicInteger();
  EmbeddedChannel channel;

  /** The framer, then the idle timer (300 s), as SipServer composes them. */
  EmbeddedChannel pipeline() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(new SipStreamDecoder(64 * 1024, () -> {},
        TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS), timeouts::incrementAndGet));
    ch.pipeline().addLast(new IdleStateHandler(0, 0, 300, TimeUnit.SECONDS));
    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
          idleCloses.incrementAndGet();
          ctx.close();
        }
      }
    });
    return ch;
  }

  @AfterEach
  void release() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  void write(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, ISO_8859_1));
  }

  void advance(long seconds) {
    channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
  }

  static String options(String callId) {
    return SipStreamDecoderTest.message(callId, "");
  }

  @Test
  void closesAConnectionWhoseHeadersTrickleBeyondTheMessageTimeout() {
    channel = pipeline();
    write("OPTIONS sip:127.0.0.1 SIP/2.0\r\n");
    for (int i = 0; i < 9; i++) {
      advance(1);
      write("X-Slow: " + i + "\r\n");
    }
    assertThat(channel.isOpen()).isTrue();
    advance(2);
    assertThat(channel.isOpen()).isFalse();
    assertThat(timeouts).hasValue(1);
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void closesAConnectionWhoseBodyDoesNotArriveInTime() {
    channel = pipeline();
    String whole = SipStreamDecoderTest.message("c1", "v=0\r\n");
    write(whole.substring(0, whole.length() - 2));
    advance(TIMEOUT_SECONDS + 1);
    assertThat(channel.isOpen()).isFalse();
    assertThat(timeouts).hasValue(1);
  }

  @Test
  void aMessageCompletedInTimeDisarmsTheTimeoutAndTheNextOneGetsItsOwn() {
    channel = pipeline();
    String first = options("c1");
    write(first.substring(0, 20));
    advance(8);
    write(first.substring(20));
    assertThat(new String((byte[]) channel.readInbound(), ISO_8859_1)).isEqualTo(first);
    advance(8);
    String second = options("c2");
    write(second.substring(0, 20));
    advance(8);
    assertThat(channel.isOpen()).isTrue();
    write(second.substring(20));
    assertThat((Object) channel.readInbound()).isNotNull();
    advance(30);
    assertThat(channel.isOpen()).isTrue();
    assertThat(timeouts).hasValue(0);
  }

  @Test
  void keepaliveBytesDoNotKeepAConnectionOpenPastTheIdleTimeout() {
    channel = pipeline();
    write(options("c1"));
    channel.readInbound();
    for (int i = 0; i < 40 && channel.isOpen(); i++) {
      write("\r\n\r\n"); // RFC 5626 keepalive: answered, but no message
      advance(9);
    }
    assertThat(channel.isOpen()).isFalse();
    assertThat(idleCloses).hasValue(1);
    assertThat(timeouts).hasValue(0);
  }

  @Test
  void wholeMessagesKeepAConnectionOpen() {
    channel = pipeline();
    for (int i = 0; i < 40; i++) {
      advance(9);
      write(options("c" + i));
      assertThat((Object) channel.readInbound()).isNotNull();
    }
    assertThat(channel.isOpen()).isTrue();
    assertThat(idleCloses).hasValue(0);
  }
}
