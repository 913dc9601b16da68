package org.sipscreen.stir;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import org.sipscreen.http.client.AddressPolicy;

/**
 * The SSRF guard for certificate fetches: which resolved addresses an x5u URL may make the proxy connect
 * to. Refused unless private addresses are allowed: loopback, any-local, link-local, multicast, broadcast,
 * RFC 1918 private, CGNAT shared space (100.64.0.0/10, RFC 6598), "this network" 0.0.0.0/8, reserved
 * 240.0.0.0/4, IPv6 unique-local fc00::/7 (RFC 4193) and site-local fec0::/10, and IPv6 forms that embed an
 * IPv4 address (mapped, NAT64 64:ff9b::/96, 6to4 2002::/16) judged by that IPv4 address.
 */
final class DestinationGuard {

  /** The guard as the HTTP client's address policy. */
  static final AddressPolicy POLICY = address -> Optional.ofNullable(whyRefused(address));

  private DestinationGuard() {}

  /** Null when {@code address} may be connected to, else a short reason for the log. */
  static String whyRefused(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      Inet4Address embedded = embeddedIpv4(b);
      if (embedded != null) {
        String why = whyRefused(embedded);
        return why == null ? null : why + " (embedded in " + address.getHostAddress() + ")";
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return "unique-local address";
      }
    }
    if (address.isAnyLocalAddress()) {
      return "any-local address";
    }
    if (address.isLoopbackAddress()) {
      return "loopback address";
    }
    if (address.isLinkLocalAddress()) {
      return "link-local address";
    }
    if (address.isSiteLocalAddress()) {
      return "private address";
    }
    if (address.isMulticastAddress()) {
      return "multicast address";
    }
    if (address instanceof Inet4Address) {
      byte[] b = address.getAddress();
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 0) {
        return "'this network' address";
      }
      if (first == 100 && (second & 0xc0) == 64) {
        return "carrier-grade NAT address";
      }
      if (first >= 240) {
        return first == 255 && (b[1] & b[2] & b[3] & 0xff) == 0xff ? "broadcast address" : "reserved address";
      }
    }
    return null;
  }

  /** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), NAT64 or 6to4 IPv6 address, else null. */
  private static Inet4Address embeddedIpv4(byte[] b) {
    int offset = -1;
    if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      offset = 12;
    } else if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
        && (b[3] & 0xff) == 0x9b && isZero(b, 4, 12)) {
      offset = 12;
    } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      offset = 2;
    }
    if (offset < 0) {
      return null;
    }
    try {
      return (Inet4Address) InetAddress.getByAddress(
          new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
