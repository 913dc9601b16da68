package org.sipscreen.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipscreen.testkit.TestPki;

/**
 * The name rule a next hop named by host adds to the HTTPS check (RFC 5922 §7.2): its name as it is among the
 * certificate's DNS names, never through a wildcard. Test certificates made here (test keys only).
 */
class NextHopTrustManagerTest {

  static final TestPki.Issued CA = TestPki.ca("CA", Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));

  static java.security.cert.X509Certificate naming(String... dns) {
    return TestPki.tlsLeaf(CA, "hop", List.of(dns), List.of("127.0.0.1")).certificate();
  }

  @Test
  void acceptsTheNameAmongTheDnsNamesWithoutCaseOrTrailingDot() {
    assertThatCode(() -> NextHopTrustManager.requireExactName(naming("other.test", "Core.Test"), "core.test"))
        .doesNotThrowAnyException();
    assertThatCode(() -> NextHopTrustManager.requireExactName(naming("core.test"), "CORE.test."))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesANameTheCertificateCarriesOnlyAsAWildcardAndCountsItAsANameMismatch() {
    CertificateException refused = catchThrowableOfType(CertificateException.class,
        () -> NextHopTrustManager.requireExactName(naming("*.test"), "core.test"));
    assertThat(refused).hasMessageContaining("core.test").hasMessageContaining("wildcard");
    assertThat(TlsHandshakeHandler.result(new javax.net.ssl.SSLHandshakeException("x") {
      {
        initCause(refused);
      }
    })).isEqualTo("name_mismatch");
  }

  @Test
  void leavesAHopNamedByAddressToTheHttpsCheck() {
    assertThatCode(() -> NextHopTrustManager.requireExactName(naming("*.test"), "127.0.0.1"))
        .doesNotThrowAnyException();
    assertThatCode(() -> NextHopTrustManager.requireExactName(naming("*.test"), "::1"))
        .doesNotThrowAnyException();
  }

  @Test
  void buildsOverTheCasOfCaFile() throws Exception {
    NextHopTrustManager tm = NextHopTrustManager.of(List.of(CA.certificate()));
    assertThat(tm.getAcceptedIssuers()).containsExactly(CA.certificate());
  }
}
