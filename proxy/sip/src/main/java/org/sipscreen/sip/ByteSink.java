package org.sipscreen.sip;

/** Where {@link MessageEdits} writes a message: a Netty buffer's {@code writeBytes}, a stream, an array. */
@FunctionalInterface
public interface ByteSink {
  void write(byte[] bytes, int offset, int length);
}
