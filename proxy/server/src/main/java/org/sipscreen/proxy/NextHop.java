package org.sipscreen.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import org.sipscreen.sip.SipUri;
import org.sipscreen.sip.Transport;

/**
 * Where a request goes next: an address and a transport, resolved from a URI without DNS.
 *
 * @param tlsName for a TLS hop that a configured next hop names by host: that name, which its certificate
 *     must carry as a DNS subject alternative name and which the handshake sends as SNI (RFC 5922 §7.2, RFC
 *     6125); empty for every other hop (a TLS hop named by address must carry its address)
 */
public record NextHop(InetSocketAddress address, Transport transport, Optional<String> tlsName) {

  public NextHop {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(tlsName, "tlsName");
    if (tlsName.isPresent() && transport != Transport.TLS) {
      throw new IllegalArgumentException("a tlsName is for a TLS hop, this one is " + transport.label());
    }
  }

  /** A hop named by its address. */
  public NextHop(InetSocketAddress address, Transport transport) {
    this(address, transport, Optional.empty());
  }

  /**
   * The next hop a SIP URI names (RFC 3263 §4 for IP literals: transport param, else UDP; port, else
   * 5060, or 5061 for TLS). A {@code sips:} URI names a TLS hop (RFC 5630: TLS over TCP, whatever its
   * {@code transport} says, except UDP, which has no TLS here). Returns null when the URI names a host name,
   * a transport we do not speak, or a {@code sips:} URI with {@code transport=udp}.
   */
  public static NextHop of(SipUri uri) {
    boolean sips = uri.scheme().equals("sips");
    if (!sips && !uri.scheme().equals("sip")) {
      return null;
    }
    String maddr = uri.params().get("maddr");
    String host = maddr != null ? maddr : uri.host();
    InetAddress ip = ipLiteral(host);
    if (ip == null) {
      return null;
    }
    String t = uri.transport();
    Transport transport = t == null ? Transport.UDP : Transport.fromName(t);
    if (transport == null || (sips && transport == Transport.UDP && t != null)) {
      return null;
    }
    if (sips) {
      transport = Transport.TLS;
    }
    int port = uri.port() > 0 ? uri.port() : transport.defaultPort();
    return new NextHop(new InetSocketAddress(ip, port), transport);
  }

  /** The address an IP literal names (IPv6 with or without brackets), or null for anything else. */
  public static InetAddress ipLiteral(String host) {
    if (host == null || host.isEmpty()) {
      return null;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    // Never InetAddress.getByName on the text as it is: a dotted quad out of range ("256.1.1.1") is a host
    // name to it, and it would ask DNS, on an event loop, for a name a peer chose.
    try {
      if (isDottedQuad(h)) {
        byte[] b = dottedQuad(h);
        return b == null ? null : InetAddress.getByAddress(b);
      }
      if (h.indexOf(':') >= 0 && isIpv6Chars(h)) {
        return InetAddress.getByName("[" + h + "]"); // brackets: an IPv6 literal or an error, never DNS
      }
    } catch (java.net.UnknownHostException e) {
      return null;
    }
    return null;
  }

  /** The four bytes of a dotted quad (groups already checked to be 1-3 digits), or null if one is > 255. */
  private static byte[] dottedQuad(String h) {
    byte[] b = new byte[4];
    int group = 0;
    int value = 0;
    for (int i = 0; i <= h.length(); i++) {
      if (i == h.length() || h.charAt(i) == '.') {
        if (value > 255) {
          return null;
        }
        b[group++] = (byte) value;
        value = 0;
      } else {
        value = value * 10 + (h.charAt(i) - '0');
      }
    }
    return b;
  }

  /** Four groups of 1-3 digits separated by dots (the range is InetAddress's business); no regex per call. */
  private static boolean isDottedQuad(String h) {
    int groups = 0;
    int digits = 0;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits > 3) {
          return false;
        }
      } else if (c == '.' && digits > 0 && groups < 3) {
        groups++;
        digits = 0;
      } else {
        return false;
      }
    }
    return groups == 3 && digits > 0;
  }

  /** Only hex digits, colons and dots (an IPv6 literal, possibly with an embedded IPv4 tail). */
  private static boolean isIpv6Chars(String h) {
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
          || c == ':' || c == '.';
      if (!ok) {
        return false;
      }
    }
    return !h.isEmpty();
  }
}
