package org.sipscreen.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.sipscreen.sip.SipUri;
import org.sipscreen.sip.Transport;

/**
 * A configured next hop that names a host instead of an address, resolved by DNS off the event loops as RFC
 * 3263 §4 says for a URI without NAPTR: with a port, the host's A and AAAA records on that port; without one,
 * its SRV records ({@code _sip._udp}, {@code _sip._tcp} for {@code transport=tcp}, {@code _sips._tcp} for
 * {@code transport=tls}; with no transport parameter UDP's, then TCP's when UDP has none), each target's
 * priority and weight becoming its hop's, and the host's A and AAAA records on port 5060 (5061 for TLS) when
 * there is no SRV record at all. The hops of a TLS name must prove that name, not the SRV target's nor their
 * address (RFC 5922): their {@link NextHop#tlsName} is {@link #host}.
 *
 * @param uri the URI as configured, which names the hops it resolves to in logs and the admin API
 * @param host the host name, lower case, without a trailing dot
 * @param port the URI's port, if it has one
 * @param transport the URI's transport parameter, if it has one
 * @param priority the priority of the hops its A and AAAA records give (SRV records bring their own)
 * @param weight the weight of the hops its A and AAAA records give
 */
public record NextHopName(String uri, String host, OptionalInt port, Optional<Transport> transport,
    int priority, int weight) {

  /** The SIP port a host without SRV records listens on (RFC 3263 §4.2); 5061 for TLS. */
  public static final int DEFAULT_PORT = 5060;

  public NextHopName {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(transport, "transport");
    if (!isHostName(host)) {
      throw new IllegalArgumentException("'" + host + "' is not a host name");
    }
  }

  /**
   * The name a {@code sip:} URI's host gives, or empty when the host is an IP literal (a {@link NextHop}
   * without DNS), the URI is not {@code sip:}, or its transport is one we do not speak.
   */
  public static Optional<NextHopName> of(String text, int priority, int weight) {
    SipUri uri = SipUri.parse(text);
    if (!uri.scheme().equals("sip") || NextHop.ipLiteral(uri.host()) != null || !isHostName(uri.host())) {
      return Optional.empty();
    }
    Optional<Transport> transport = Optional.empty();
    if (uri.transport() != null) {
      Transport t = Transport.fromName(uri.transport());
      if (t == null) {
        return Optional.empty();
      }
      transport = Optional.of(t);
    }
    String host = uri.host().toLowerCase(Locale.ROOT);
    host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    return Optional.of(new NextHopName(text, host, uri.port() > 0 ? OptionalInt.of(uri.port())
        : OptionalInt.empty(), transport, priority, weight));
  }

  /**
   * The SRV owner names to ask, in order (the first that has records is used); none when the URI has a
   * port, which RFC 3263 §4.2 resolves by A and AAAA alone.
   */
  public List<SrvQuery> srvQueries() {
    if (port.isPresent()) {
      return List.of();
    }
    if (transport.isPresent() && transport.get() == Transport.TLS) {
      return List.of(new SrvQuery("_sips._tcp." + host, Transport.TLS)); // RFC 3263 §4.1
    }
    if (transport.isPresent()) {
      return List.of(new SrvQuery("_sip._" + transport.get().label() + "." + host, transport.get()));
    }
    return List.of(new SrvQuery("_sip._udp." + host, Transport.UDP),
        new SrvQuery("_sip._tcp." + host, Transport.TCP));
  }

  /** One SRV question and the transport its targets take. */
  public record SrvQuery(String owner, Transport transport) {}

  /** The transport of the hops the host's own A and AAAA records give: the URI's, else UDP. */
  public Transport addressTransport() {
    return transport.orElse(Transport.UDP);
  }

  /** The port of the hops the host's own A and AAAA records give: the URI's, else 5060 (5061 for TLS). */
  public int addressPort() {
    return port.orElse(addressTransport().defaultPort());
  }

  /** The hop of {@code address} this name resolved to, with the name to verify when it is a TLS one. */
  public NextHop hopAt(java.net.InetSocketAddress address, Transport hopTransport) {
    return new NextHop(address, hopTransport,
        hopTransport == Transport.TLS ? Optional.of(host) : Optional.empty());
  }

  /** Letters, digits and hyphens in dot-separated labels of 1-63 characters, at most 253 in all. */
  static boolean isHostName(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.isEmpty() || h.length() > 253) {
      return false;
    }
    int label = 0;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c == '.') {
        if (label == 0 || h.charAt(i - 1) == '-') {
          return false;
        }
        label = 0;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || (c == '-' && label > 0)) {
        if (++label > 63) {
          return false;
        }
      } else {
        return false;
      }
    }
    if (label == 0 || h.charAt(h.length() - 1) == '-') {
      return false;
    }
    // A last label of digits alone is no top-level domain: "256.1.1.1" is a bad address, not a name.
    String last = h.substring(h.lastIndexOf('.') + 1);
    return !last.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
