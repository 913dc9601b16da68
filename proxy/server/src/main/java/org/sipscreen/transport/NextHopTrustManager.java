package org.sipscreen.transport;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the proxy trusts a next hop's certificate: the JDK's PKIX checks against the CAs of {@code ca_file},
 * with the HTTPS host check of the name or address the connection is made for (RFC 6125), and, for a next
 * hop named by host, one more rule of RFC 5922 §7.2: the name must be a DNS subject alternative name as it is,
 * a wildcard ({@code *.example.net}) does not name a SIP next hop. Both TLS libraries call it with the
 * connection's engine, whose peer host is that name.
 */
final class NextHopTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager pkix;

  private NextHopTrustManager(X509ExtendedTrustManager pkix) {
    this.pkix = pkix;
  }

  /** The trust manager for next hops whose certificates {@code cas} sign. */
  static NextHopTrustManager of(List<X509Certificate> cas) throws java.security.GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new java.security.KeyStoreException(e);
    }
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca" + i, cas.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return new NextHopTrustManager(x);
      }
    }
    throw new java.security.KeyStoreException("no X509ExtendedTrustManager in " + factory.getAlgorithm());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
    requireExactName(chain[0], engine == null ? null : engine.getPeerHost());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  /**
   * Refuses a certificate that names {@code peerHost}, a host name, only by a wildcard. An IP literal (a
   * next hop named by address) is left to the HTTPS check, which wants it as an IP-address name.
   */
  static void requireExactName(X509Certificate certificate, String peerHost) throws CertificateException {
    if (peerHost == null || org.sipscreen.proxy.NextHop.ipLiteral(peerHost) != null) {
      return;
    }
    String wanted = peerHost.endsWith(".") ? peerHost.substring(0, peerHost.length() - 1) : peerHost;
    if (!dnsNames(certificate).contains(wanted.toLowerCase(Locale.ROOT))) {
      // Worded as the JDK's own refusal, which the handshake handler counts as name_mismatch.
      throw new CertificateException("No subject alternative DNS name matching " + wanted
          + " found (a wildcard does not name a SIP next hop, RFC 5922 section 7.2)");
    }
  }

  /** The certificate's DNS subject alternative names, lower case, without a trailing dot. */
  static List<String> dnsNames(X509Certificate certificate) throws CertificateParsingException {
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names == null) {
      return List.of();
    }
    java.util.ArrayList<String> dns = new java.util.ArrayList<>();
    for (List<?> name : names) {
      if (name.size() >= 2 && Integer.valueOf(2).equals(name.get(0)) && name.get(1) instanceof String s) {
        String n = s.toLowerCase(Locale.ROOT);
        dns.add(n.endsWith(".") ? n.substring(0, n.length() - 1) : n);
      }
    }
    return dns;
  }
}
