package org.sipscreen.proxy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The stamp that lets a stateless proxy record what became of a call: when the INVITE arrived and from
 * which peer, written into the proxy's own Via ({@value #PARAM}) and Record-Route URI of the forwarded
 * INVITE. The Via comes back on the INVITE's responses, the Record-Route in the Route of the dialog's
 * requests (RFC 3261 §12.1.1, §12.1.2: both sides keep the URI as it was, parameters included), so the
 * final response and the BYE name their call without the proxy remembering it.
 *
 * <p>A stamp is {@code <invited, base 36 ms>.<mac, 12 hex>.<peer token, 8 hex or empty>}, the MAC a
 * truncated HMAC-SHA256 over Call-ID, time and token with a key made at start: a peer cannot make a BYE
 * count for another call, and a stamp from before a restart reads as forged. The peer is named by a token
 * (a keyed hash of its name) that only this process maps back, because our Record-Route travels with the
 * call to every network downstream, and which interconnect partner handed a call over is the carrier's
 * business, not theirs.
 */
public final class CallStamps {

  /** The Via and Record-Route URI parameter. */
  public static final String PARAM = "ss-c";

  private static final int MAC_HEX = 12;
  private static final int MAX_TIME_DIGITS = 12;
  private static final int TOKEN_HEX = 8;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;
  /** Per thread: the bytes a MAC is computed over and its output, so that stamping allocates no arrays. */
  private final ThreadLocal<byte[][]> scratch = ThreadLocal.withInitial(() -> new byte[][] {new byte[256],
      new byte[32]});
  /** The tokens of the peers stamped so far, both ways: as many entries as configured peers. */
  private final java.util.concurrent.ConcurrentHashMap<String, String> tokenOfPeer =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, String> peerOfToken =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A stamp read back: {@link Valid}, or why it was ignored. */
  public sealed interface Read permits Valid, Ignored {}

  /** A stamp this process made for this call. */
  public record Valid(long invitedMillis, String peer) implements Read {}

  /** A stamp that is not one: {@code garbled} (not a stamp's form) or {@code forged} (the MAC differs). */
  public enum Ignored implements Read {
    GARBLED, FORGED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** @param key the HMAC key, at least 16 bytes */
  public CallStamps(byte[] key) {
    if (key == null || key.length < 16) {
      throw new IllegalArgumentException("key must be at least 16 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** Stamps with a random key: stamps of an earlier process read as forged. */
  public static CallStamps withRandomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new CallStamps(key);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /**
   * The stamp of a call.
   *
   * @param peer the source peer's name, or null when none
   */
  public String stamp(String callId, long invitedMillis, String peer) {
    String time = Long.toString(invitedMillis, 36);
    String p = peer == null ? "" : tokenOfPeer.computeIfAbsent(peer, this::newToken);
    StringBuilder sb = new StringBuilder(time.length() + MAC_HEX + p.length() + 2);
    sb.append(time).append('.');
    appendMac(sb, callId, time, p);
    return sb.append('.').append(p).toString();
  }

  /** Reads {@code value} as the stamp of the call {@code callId}; never throws. */
  public Read read(String value, String callId) {
    if (value == null || callId == null) {
      return Ignored.GARBLED;
    }
    int dot1 = value.indexOf('.');
    int dot2 = dot1 < 0 ? -1 : value.indexOf('.', dot1 + 1);
    int tokenLength = value.length() - dot2 - 1;
    if (dot1 < 1 || dot1 > MAX_TIME_DIGITS || dot2 != dot1 + 1 + MAC_HEX
        || (tokenLength != 0 && tokenLength != TOKEN_HEX)) {
      return Ignored.GARBLED;
    }
    String time = value.substring(0, dot1);
    String token = value.substring(dot2 + 1);
    long invited;
    try {
      invited = Long.parseLong(time, 36);
    } catch (NumberFormatException e) {
      return Ignored.GARBLED;
    }
    if (invited < 0 || !hex(token) || !time.equals(Long.toString(invited, 36))) {
      return Ignored.GARBLED;
    }
    byte[] mac = mac(callId, time, token);
    for (int i = 0; i < MAC_HEX / 2; i++) {
      if (value.charAt(dot1 + 1 + 2 * i) != HEX[(mac[i] >> 4) & 0xf]
          || value.charAt(dot1 + 2 + 2 * i) != HEX[mac[i] & 0xf]) {
        return Ignored.FORGED;
      }
    }
    if (token.isEmpty()) {
      return new Valid(invited, null);
    }
    // A valid MAC over a token this process never made: a fleet member with the same key stamped a call
    // from a peer this one has not seen; the call is recorded, under no peer.
    return new Valid(invited, peerOfToken.get(token));
  }

  /** Learns the tokens of {@code peers} now, so that stamps of them made elsewhere with this key read back. */
  public CallStamps knowing(java.util.Collection<String> peers) {
    peers.forEach(p -> tokenOfPeer.computeIfAbsent(p, this::newToken));
    return this;
  }

  private static boolean hex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** A peer's token: its name's keyed hash, remembered both ways (once per peer, not per call). */
  private String newToken(String peer) {
    Mac mac = macs.get();
    byte[] out = mac.doFinal(("peer\u0000" + peer).getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder(TOKEN_HEX);
    for (int i = 0; i < TOKEN_HEX / 2; i++) {
      sb.append(HEX[(out[i] >> 4) & 0xf]).append(HEX[out[i] & 0xf]);
    }
    String token = sb.toString();
    peerOfToken.putIfAbsent(token, peer);
    return token;
  }

  private void appendMac(StringBuilder sb, String callId, String time, String token) {
    byte[] out = mac(callId, time, token);
    for (int i = 0; i < MAC_HEX / 2; i++) {
      sb.append(HEX[(out[i] >> 4) & 0xf]).append(HEX[out[i] & 0xf]);
    }
  }

  /**
   * HMAC-SHA256 over the UTF-8 Call-ID, a zero byte, the time, a zero byte and the token, into this thread's
   * output array (valid until its next call).
   */
  private byte[] mac(String callId, String time, String token) {
    Mac mac = macs.get();
    byte[][] buffers = scratch.get();
    byte[] in = buffers[0];
    int n = 0;
    if (callId.length() + time.length() + token.length() + 2 <= in.length && isAscii(callId)) {
      n = putAscii(in, n, callId); // ASCII: its UTF-8 bytes are its chars
    } else {
      mac.update(callId.getBytes(StandardCharsets.UTF_8));
    }
    in[n++] = 0;
    n = putAscii(in, n, time);
    in[n++] = 0;
    n = putAscii(in, n, token);
    mac.update(in, 0, n);
    byte[] out = buffers[1];
    try {
      mac.doFinal(out, 0);
    } catch (javax.crypto.ShortBufferException e) {
      throw new IllegalStateException("HmacSHA256 writes 32 bytes", e);
    }
    return out;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Writes the chars of {@code s}, all below 0x80, as bytes at {@code at}; returns the end. */
  private static int putAscii(byte[] to, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      to[at++] = (byte) s.charAt(i);
    }
    return at;
  }
}
