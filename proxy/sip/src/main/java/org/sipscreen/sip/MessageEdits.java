package org.sipscreen.sip;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Edits recorded against the received bytes of a {@link SipMessage} and applied only when the message is
 * written ("lumps", as Kamailio calls them): what the proxy did not change goes out byte for byte.
 * Edits may not overlap; inserts at the same offset come out in the order they were made.
 */
public final class MessageEdits implements WireMessage {

  private final SipMessage message;
  private int count;
  private int[] starts = new int[8];
  private int[] ends = new int[8];
  private byte[][] texts = new byte[8][];
  private int[] order = new int[8];

  public MessageEdits(SipMessage message) {
    this.message = message;
  }

  public SipMessage message() {
    return message;
  }

  public MessageEdits insert(int at, String text) {
    return replace(at, at, text);
  }

  public MessageEdits delete(int start, int end) {
    return replace(start, end, "");
  }

  /** Replaces {@code [start, end)} of the message buffer with {@code text} (ISO-8859-1, byte per char). */
  public MessageEdits replace(int start, int end, String text) {
    if (start < message.start || end > message.end || start > end) {
      throw new IllegalArgumentException(
          "edit [" + start + "," + end + ") outside message [" + message.start + "," + message.end + ")");
    }
    if (count == starts.length) {
      int n = count * 2;
      starts = Arrays.copyOf(starts, n);
      ends = Arrays.copyOf(ends, n);
      texts = Arrays.copyOf(texts, n);
      order = Arrays.copyOf(order, n);
    }
    starts[count] = start;
    ends[count] = end;
    texts[count] = text.getBytes(StandardCharsets.ISO_8859_1);
    order[count] = count;
    count++;
    return this;
  }

  /** The number of bytes {@link #writeTo} will write. */
  @Override
  public int length() {
    int len = message.end - message.start;
    for (int i = 0; i < count; i++) {
      len += texts[i].length - (ends[i] - starts[i]);
    }
    return len;
  }

  @Override
  public void writeTo(ByteSink sink) {
    sortEdits();
    byte[] buf = message.buf;
    int pos = message.start;
    for (int k = 0; k < count; k++) {
      int i = order[k];
      if (starts[i] < pos) {
        throw new IllegalStateException("overlapping edits at offset " + starts[i]);
      }
      if (starts[i] > pos) {
        sink.write(buf, pos, starts[i] - pos);
      }
      if (texts[i].length > 0) {
        sink.write(texts[i], 0, texts[i].length);
      }
      pos = ends[i];
    }
    if (message.end > pos) {
      sink.write(buf, pos, message.end - pos);
    }
  }

  public byte[] toBytes() {
    byte[] out = new byte[length()];
    int[] at = {0};
    writeTo((b, off, len) -> {
      System.arraycopy(b, off, out, at[0], len);
      at[0] += len;
    });
    return out;
  }

  /**
   * Insertion sort by start offset, stable; edits per message are few. An insert at the offset where a
   * replaced range starts goes before it whatever the recording order: the two do not overlap.
   */
  private void sortEdits() {
    for (int i = 1; i < count; i++) {
      int v = order[i];
      int j = i - 1;
      while (j >= 0 && (starts[order[j]] > starts[v]
          || (starts[order[j]] == starts[v] && ends[order[j]] > starts[v] && ends[v] == starts[v]))) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = v;
    }
  }
}
