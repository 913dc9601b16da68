package org.sipscreen.flood;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A flood-control source as one {@code long}: an IPv4 address, or the /64 prefix of an IPv6 address (one
 * host's subnet: a source that may pick any of 2^64 addresses is still one source). IPv4 keys are placed in
 * {@code ff ff ff ff ::/32}, a multicast range no packet comes from, so the two kinds never collide.
 */
public final class SourceKey {

  private static final long V4_TAG = 0xFFFF_FFFFL << 32;

  private SourceKey() {}

  /** The key of a source address; allocates nothing. */
  public static long of(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length == 4) {
      return V4_TAG | (Integer.toUnsignedLong(
          (a[0] & 0xff) << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | (a[3] & 0xff)));
    }
    long high = 0;
    for (int i = 0; i < 8; i++) {
      high = high << 8 | (a[i] & 0xff);
    }
    if (high == 0 && a[8] == 0 && a[9] == 0 && a[10] == (byte) 0xff && a[11] == (byte) 0xff) {
      return V4_TAG | Integer.toUnsignedLong(
          (a[12] & 0xff) << 24 | (a[13] & 0xff) << 16 | (a[14] & 0xff) << 8 | (a[15] & 0xff));
    }
    return high;
  }

  /** {@code 192.0.2.7} or {@code 2001:db8:1:2::/64}. */
  public static String text(long key) {
    try {
      if ((key & V4_TAG) == V4_TAG) {
        int v4 = (int) key;
        return InetAddress.getByAddress(new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8),
            (byte) v4}).getHostAddress();
      }
      byte[] a = new byte[16];
      for (int i = 0; i < 8; i++) {
        a[i] = (byte) (key >>> (56 - 8 * i));
      }
      return io.netty.util.NetUtil.toAddressString(InetAddress.getByAddress(a)) + "/64";
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // a byte array of length 4 or 16 is always an address
    }
  }

  /**
   * The key of an operator's text: an IPv4 address, an IPv6 address or its /64 prefix.
   *
   * @throws IllegalArgumentException when the text is none of these
   */
  public static long parse(String text) {
    String s = text.strip();
    if (s.endsWith("/64")) {
      s = s.substring(0, s.length() - 3);
      if (!s.contains(":")) {
        throw new IllegalArgumentException("'" + text + "': /64 is only for IPv6 prefixes");
      }
    }
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(s);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
    try {
      return of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
  }
}
