package org.sipscreen.sip;

/** Bytes ready to go on the wire: an edited received message or one the proxy composed. */
public interface WireMessage {
  int length();

  void writeTo(ByteSink sink);

  static WireMessage of(byte[] bytes) {
    return new WireMessage() {
      @Override
      public int length() {
        return bytes.length;
      }

      @Override
      public void writeTo(ByteSink sink) {
        sink.write(bytes, 0, bytes.length);
      }

      @Override
      public String toString() {
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
      }
    };
  }
}
