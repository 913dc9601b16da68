package org.sipscreen.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.sipscreen.sip.StreamFraming;

/**
 * Frames SIP messages out of a TCP stream by Content-Length (RFC 3261 §18.3) and emits each as a
 * {@code byte[]}; it parses nothing else. Leading CRLFs are skipped, and a CRLFCRLF keepalive is answered
 * with CRLF (RFC 5626 §3.5.1). A message larger than the cap, or a bad Content-Length, closes the
 * connection: after a framing error nothing on the stream can be trusted. So does a message that has not
 * arrived whole within the message timeout of its first byte: a sender that trickles headers (slowloris)
 * holds a connection no longer than that, however steadily it trickles.
 */
final class SipStreamDecoder extends ByteToMessageDecoder {

  private static final byte[] PONG = {'\r', '\n'};

  private final int maxMessageBytes;
  private final Runnable onFramingError;
  /** LFs seen since the last message, across reads, so a keepalive split over two reads is answered. */
  private int keepaliveLfs;
  /** Bytes of the current message already searched for the end of its headers, so no read rescans them. */
  private int scanned;
  /** The current message's whole length once its headers are framed; -1 before. */
  private long pendingTotal = -1;

  private final long messageTimeoutNanos;
  private final Runnable onMessageTimeout;
  /** Armed while a message is incomplete in the buffer; null otherwise. */
  private ScheduledFuture<?> deadline;

  private final TcpBufferBudget buffers;
  /** What this connection holds of the budget while a message is incomplete; null otherwise. */
  private TcpBufferBudget.Partial held;

  /** A decoder without a message timeout. */
  SipStreamDecoder(int maxMessageBytes, Runnable onFramingError) {
    this(maxMessageBytes, onFramingError, 0, () -> {});
  }

  /**
   * @param messageTimeoutNanos how long a message may take to arrive whole from its first byte; 0: no limit
   * @param onMessageTimeout counts a connection closed for it
   */
  SipStreamDecoder(int maxMessageBytes, Runnable onFramingError, long messageTimeoutNanos,
      Runnable onMessageTimeout) {
    this(maxMessageBytes, onFramingError, messageTimeoutNanos, onMessageTimeout, TcpBufferBudget.unlimited());
  }

  /** @param buffers the budget every connection's incomplete messages share */
  SipStreamDecoder(int maxMessageBytes, Runnable onFramingError, long messageTimeoutNanos,
      Runnable onMessageTimeout, TcpBufferBudget buffers) {
    this.buffers = buffers;
    this.maxMessageBytes = maxMessageBytes;
    this.onFramingError = onFramingError;
    this.messageTimeoutNanos = messageTimeoutNanos;
    this.onMessageTimeout = onMessageTimeout;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (pendingTotal < 0 && scanned == 0 && in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
      if (in.readByte() == '\n' && ++keepaliveLfs == 2) {
        keepaliveLfs = 0;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(PONG));
      }
    }
    if (!in.isReadable()) {
      return;
    }
    int start = in.readerIndex();
    if (pendingTotal < 0) {
      int limit = Math.min(in.writerIndex(), start + maxMessageBytes);
      // Resume a few bytes back, so a CRLFCRLF split across two reads is still found.
      int headerEnd = findHeaderEnd(in, Math.max(start, start + scanned - 3), limit);
      if (headerEnd < 0) {
        scanned = limit - start;
        if (in.readableBytes() >= maxMessageBytes) {
          fail(ctx, in, "headers exceed " + maxMessageBytes + " bytes");
          return;
        }
        arm(ctx);
        return;
      }
      int headerLength = headerEnd - start;
      byte[] headers = new byte[headerLength];
      in.getBytes(start, headers);
      int contentLength = StreamFraming.contentLength(headers, headerLength);
      if (contentLength == StreamFraming.INVALID) {
        fail(ctx, in, "bad Content-Length");
        return;
      }
      long total = (long) headerLength + contentLength;
      if (total > maxMessageBytes) {
        fail(ctx, in, "message of " + total + " bytes exceeds " + maxMessageBytes);
        return;
      }
      pendingTotal = total;
    }
    if (in.readableBytes() < pendingTotal) {
      arm(ctx);
      return;
    }
    disarm();
    byte[] message = new byte[(int) pendingTotal];
    in.readBytes(message);
    pendingTotal = -1;
    scanned = 0;
    keepaliveLfs = 0;
    out.add(message);
  }

  /**
   * Starts the message timeout when a message stays incomplete after a read. Only then: a message that
   * arrives whole in one read, the common case, schedules nothing.
   */
  private void arm(ChannelHandlerContext ctx) {
    if (deadline == null && messageTimeoutNanos > 0) {
      deadline = ctx.executor().schedule(() -> {
        deadline = null;
        onMessageTimeout.run();
        ctx.close();
      }, messageTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void disarm() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  /** After each read, tells the budget what the cumulation buffer holds now (its capacity: the memory). */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    super.channelRead(ctx, msg);
    ByteBuf kept = internalBuffer();
    long bytes = kept.isReadable() ? kept.capacity() : 0;
    if (bytes > 0) {
      if (held == null) {
        held = buffers.start(ctx.channel());
      }
      held.hold(bytes);
    } else {
      release();
    }
  }

  private void release() {
    if (held != null) {
      held.release();
      held = null;
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    disarm();
    release();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    release();
    super.channelInactive(ctx);
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, String why) {
    disarm();
    in.skipBytes(in.readableBytes());
    pendingTotal = -1;
    scanned = 0;
    onFramingError.run();
    ctx.fireExceptionCaught(new TooLongFrameException(why));
    ctx.close();
  }

  /** Index just past the blank line ending the headers (CRLFCRLF or LFLF), or -1. */
  private static int findHeaderEnd(ByteBuf in, int from, int to) {
    for (int i = from; i < to; i++) {
      if (in.getByte(i) == '\n') {
        if (i + 1 < to && in.getByte(i + 1) == '\n') {
          return i + 2;
        }
        if (i + 2 < to && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') {
          return i + 3;
        }
      }
    }
    return -1;
  }
}
