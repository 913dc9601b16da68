package org.sipscreen.proxy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import org.sipscreen.sip.Transport;

/**
 * One address the proxy listens on and the name it puts in its Via and Record-Route for it (the advertised
 * host, or the address literal; IPv6 in brackets).
 *
 * @param clientCertificate on a TLS endpoint, whether peers must present a certificate: {@code required},
 *     {@code optional} or {@code none}; null on others
 */
public record LocalEndpoint(InetSocketAddress bind, String host, Set<Transport> transports,
    String clientCertificate) {

  public static LocalEndpoint of(InetSocketAddress bind, String advertise, Set<Transport> transports) {
    return of(bind, advertise, transports, null);
  }

  public static LocalEndpoint of(InetSocketAddress bind, String advertise, Set<Transport> transports,
      String clientCertificate) {
    String host = advertise != null ? advertise : literal(bind.getAddress());
    return new LocalEndpoint(bind, host, Set.copyOf(transports), clientCertificate);
  }

  public int port() {
    return bind.getPort();
  }

  /** {@code host:port} as it appears in our Via sent-by and Record-Route. */
  public String hostPort() {
    return host + ":" + bind.getPort();
  }

  public static String literal(InetAddress a) {
    String s = a.getHostAddress();
    int pct = s.indexOf('%');
    if (pct >= 0) {
      s = s.substring(0, pct);
    }
    return a instanceof Inet6Address ? "[" + s + "]" : s;
  }
}
