package org.sipscreen.screening.check.stir_shaken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sipscreen.testkit.TestPki.NOW;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipscreen.testkit.TestPki;

class PemCertificateChainTest {

  private static final TestPki PKI = new TestPki("STI-CA Test");

  private static X509Certificate leaf() throws Exception {
    return PKI.issue(TestPki.p256(), NOW, NOW.plusSeconds(3600));
  }

  private static List<X509Certificate> parse(String text) throws CertificateException {
    return PemCertificateChain.parse(text.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void readsBackWhatItWritesLeafFirstIgnoringTextBetweenBlocks() throws Exception {
    X509Certificate leaf = leaf();
    String pem = "Subject: STI-SP Test\n" + PemCertificateChain.encode(List.of(leaf))
        + "Issuer chain follows\r\n" + PemCertificateChain.encode(List.of(PKI.ca)).replace("\n", "\r\n");

    assertThat(parse(pem)).containsExactly(leaf, PKI.ca);
  }

  @Test
  void refusesWhatIsNotACertificateChain() throws Exception {
    String one = PemCertificateChain.encode(List.of(leaf()));
    assertThatThrownBy(() -> parse("")).hasMessage("no PEM CERTIFICATE block");
    assertThatThrownBy(() -> parse("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"))
        .hasMessage("certificate 1: bad base64");
    assertThatThrownBy(() -> parse("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
        .hasMessageStartingWith("certificate 1 is not X.509 DER");
    assertThatThrownBy(() -> parse(one + "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"))
        .hasMessage("unexpected PEM block 'EC PRIVATE KEY', only CERTIFICATE is allowed");
    assertThatThrownBy(() -> parse(one.substring(0, one.indexOf("-----END"))))
        .hasMessage("PEM CERTIFICATE block without END line");
    assertThatThrownBy(() -> parse(String.join("", Collections.nCopies(11, one))))
        .hasMessage("more than 10 certificates");
  }
}
