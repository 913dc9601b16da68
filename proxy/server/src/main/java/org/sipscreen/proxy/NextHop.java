package org.sipscreen.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.sipscreen.sip.SipUri;

/** Where a request goes next: an address and a transport, resolved from a URI without DNS. */
public record NextHop(InetSocketAddress address, Transport transport) {

  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9a-fA-F:.]+");

  /**
   * The next hop a SIP URI names (RFC 3263 §4 for IP literals: transport param, else UDP; port, else
   * 5060). Returns null when the URI names a host name, a transport we do not speak, or a sips: URI.
   */
  public static NextHop of(SipUri uri) {
    if (!uri.scheme().equals("sip")) {
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
    if (transport == null) {
      return null;
    }
    int port = uri.port() > 0 ? uri.port() : 5060;
    return new NextHop(new InetSocketAddress(ip, port), transport);
  }

  /** The address an IP literal names (IPv6 with or without brackets), or null for anything else. */
  public static InetAddress ipLiteral(String host) {
    if (host == null || host.isEmpty()) {
      return null;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean v4 = IPV4.matcher(h).matches();
    boolean v6 = h.indexOf(':') >= 0 && IPV6.matcher(h).matches();
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(h);
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }
}
