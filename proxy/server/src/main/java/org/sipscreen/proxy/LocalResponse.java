package org.sipscreen.proxy;

import java.util.Objects;
import org.sipscreen.sip.ByteSink;
import org.sipscreen.sip.WireMessage;

/** A response the proxy composed itself, with its status, so that records can tell it from a forward. */
public record LocalResponse(int status, String reasonPhrase, byte[] bytes) implements WireMessage {

  public LocalResponse {
    Objects.requireNonNull(reasonPhrase, "reasonPhrase");
    Objects.requireNonNull(bytes, "bytes");
  }

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
}
