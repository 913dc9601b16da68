package org.sipscreen.transport;

import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The datagrams an event loop writes while it handles what one wake-up read, flushed together when the
 * read is complete: Netty then hands the kernel several in one {@code sendmmsg} instead of a
 * {@code sendto} each (a request's forward and the answers to the datagrams read with it). What is written
 * outside a read of a SIP UDP socket (another thread, a timer, a TCP read) is flushed at once, as is a
 * batch that reaches {@link #MAX_HELD} datagrams, so nothing waits for more than one read's handling.
 */
final class UdpWriteBatch {

  /** Datagrams held before the batch is flushed anyway: the first of them waits for at most this many. */
  static final int MAX_HELD = 16;

  private static final FastThreadLocal<UdpWriteBatch> CURRENT = new FastThreadLocal<>() {
    @Override
    protected UdpWriteBatch initialValue() {
      return new UdpWriteBatch();
    }
  };

  private boolean open;
  private int held;
  /** The channels written to since the batch opened, each once; usually the one socket that read. */
  private Channel[] written = new Channel[2];
  private int writtenCount;

  private UdpWriteBatch() {}

  /** Opens the calling event loop's batch, when it is not open yet: a read of a SIP UDP socket begins. */
  static void open() {
    CURRENT.get().open = true;
  }

  /** Flushes what the calling thread's batch holds and closes it: the read is complete. */
  static void close() {
    UdpWriteBatch batch = CURRENT.get();
    batch.flush();
    batch.open = false;
  }

  /**
   * Writes {@code packet} on {@code channel}: held in the batch when one is open on the channel's own event
   * loop, otherwise flushed now.
   */
  static void write(Channel channel, DatagramPacket packet) {
    // Another thread's batch (or none) is not this channel's: only the loop that flushes may hold.
    UdpWriteBatch batch = channel.eventLoop().inEventLoop() ? CURRENT.get() : null;
    if (batch == null || !batch.open) {
      channel.writeAndFlush(packet, channel.voidPromise());
      return;
    }
    channel.write(packet, channel.voidPromise());
    batch.remember(channel);
    if (++batch.held >= MAX_HELD) {
      batch.flush();
    }
  }

  private void remember(Channel channel) {
    for (int i = 0; i < writtenCount; i++) {
      if (written[i] == channel) {
        return;
      }
    }
    if (writtenCount == written.length) {
      written = java.util.Arrays.copyOf(written, writtenCount * 2);
    }
    written[writtenCount++] = channel;
  }

  private void flush() {
    for (int i = 0; i < writtenCount; i++) {
      written[i].flush();
      written[i] = null;
    }
    writtenCount = 0;
    held = 0;
  }
}
