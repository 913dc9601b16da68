package org.sipscreen.transport;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.screening.PeerTable;

/**
 * Which certificate each peer must present on a TLS connection, besides coming from its networks: the peer
 * of the source address is found as for every request, and when that peer has {@code peers.<name>.tls},
 * its client certificate must carry one of the subject alternative names or have one of the SHA-256
 * fingerprints listed. Immutable; a reload swaps in a new one.
 */
public final class TlsPeerIdentities {

  /** No peer names a certificate: any certificate the CAs signed is accepted. */
  public static final TlsPeerIdentities NONE = new TlsPeerIdentities(PeerTable.EMPTY, Map.of());

  private final PeerTable peers;
  private final Map<String, SipscreenConfig.PeerTls> identities;

  private TlsPeerIdentities(PeerTable peers, Map<String, SipscreenConfig.PeerTls> identities) {
    this.peers = peers;
    this.identities = identities;
  }

  public static TlsPeerIdentities of(Map<String, SipscreenConfig.PeerConfig> config) {
    Map<String, List<String>> networks = new HashMap<>();
    Map<String, SipscreenConfig.PeerTls> identities = new HashMap<>();
    config.forEach((name, peer) -> {
      networks.put(name, peer.networks());
      if (peer.tls() != null) {
        identities.put(name, peer.tls());
      }
    });
    return identities.isEmpty() ? NONE : new TlsPeerIdentities(PeerTable.of(networks), Map.copyOf(identities));
  }

  /**
   * Why a connection from {@code source} presenting {@code certificate} (null: none) is refused, or empty
   * when it is accepted: {@code no_certificate} or {@code certificate_mismatch}, with the peer's name.
   */
  public Optional<String> refusal(InetAddress source, X509Certificate certificate) {
    if (identities.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> peer = peers.peerOf(source);
    if (peer.isEmpty()) {
      return Optional.empty(); // no peer's address: source_peer answers its requests
    }
    SipscreenConfig.PeerTls wanted = identities.get(peer.get());
    if (wanted == null) {
      return Optional.empty();
    }
    if (certificate == null) {
      return Optional.of("no_certificate peer=" + peer.get());
    }
    return matches(wanted, certificate) ? Optional.empty()
        : Optional.of("certificate_mismatch peer=" + peer.get());
  }

  static boolean matches(SipscreenConfig.PeerTls wanted, X509Certificate certificate) {
    if (!wanted.sha256Fingerprints().isEmpty()
        && wanted.sha256Fingerprints().contains(TlsFiles.fingerprint(certificate))) {
      return true;
    }
    if (wanted.subjectAltNames().isEmpty()) {
      return false;
    }
    java.util.Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (sans == null) {
      return false;
    }
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      for (String name : wanted.subjectAltNames()) {
        if (sameName(type, value, name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** RFC 5280 §4.2.1.6 name types: 2 DNS (no case), 7 IP address (as addresses), 6 URI (exact). */
  private static boolean sameName(int type, String value, String wanted) {
    return switch (type) {
      case 2 -> value.toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT));
      case 7 -> {
        InetAddress a = NextHop.ipLiteral(value);
        InetAddress b = NextHop.ipLiteral(wanted);
        yield a != null && a.equals(b);
      }
      case 6 -> value.equals(wanted);
      default -> false;
    };
  }
}
