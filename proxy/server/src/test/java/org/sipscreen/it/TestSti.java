package org.sipscreen.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.sipscreen.screening.check.stir_shaken.CertificatePreloadDirectory;
import org.sipscreen.screening.check.stir_shaken.PemCertificateChain;
import org.sipscreen.testkit.TestPki;

/**
 * A throwaway STI PKI for integration tests: a CA and one STI-SP certificate from the test kit's {@link
 * TestPki} (TEST KEYS generated at test time and never written to disk); only the certificates are written
 * (trust anchor PEM, preload directory). Signs SHAKEN PASSporTs with a fresh iat.
 */
public final class TestSti {

  public static final String X5U = "https://cert.test.invalid/sipscreen-it.pem";

  private final KeyPair spKeys;
  public final X509Certificate ca;
  public final X509Certificate sp;

  public TestSti() throws Exception {
    Instant now = Instant.now();
    TestPki.Issued caIssued = TestPki.ca("sipscreen test STI-CA", now.minusSeconds(3600),
        now.plusSeconds(86_400));
    TestPki.Issued spIssued = TestPki.leaf(caIssued, "CN=sipscreen test STI-SP", now.minusSeconds(3600),
        now.plusSeconds(86_400));
    spKeys = spIssued.keys();
    ca = caIssued.certificate();
    sp = spIssued.certificate();
  }

  /** Writes the CA as {@code ca.pem} and the SP chain as a preload directory {@code certs/} under dir. */
  public void writeTo(Path dir) throws Exception {
    Files.writeString(dir.resolve("ca.pem"), PemCertificateChain.encode(List.of(ca)));
    Path certs = Files.createDirectories(dir.resolve("certs"));
    CertificatePreloadDirectory.write(certs, Map.of(X5U, PemCertificateChain.encode(List.of(sp))));
  }

  /** The compact JWS of a SHAKEN PASSporT from orig to dest, iat now. Numbers are digits without +. */
  public String passport(String attest, String orig, String dest) throws GeneralSecurityException {
    return passport(attest, orig, dest, X5U);
  }

  /** The same, naming another certificate URL. */
  public String passport(String attest, String orig, String dest, String x5u) throws GeneralSecurityException {
    return TestPki.jws(TestPki.header("shaken", x5u), TestPki.shakenClaims(attest, orig, dest,
        Instant.now().getEpochSecond(), java.util.UUID.randomUUID().toString()), spKeys.getPrivate());
  }
}
