package org.sipscreen.screening.check.stir_shaken;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads and writes {@code application/pem-certificate-chain} (RFC 8555 section 9.1, the format ATIS-1000074
 * and RFC 8226 serve at x5u): one or more {@code CERTIFICATE} PEM blocks, leaf first. Text outside the blocks
 * is ignored; any other block type (a key, say) and malformed base64 are errors.
 */
public final class PemCertificateChain {

  /** A chain longer than this is refused; real SHAKEN chains have two or three certificates. */
  public static final int MAX_CERTIFICATES = 10;

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";
  private static final String CERTIFICATE = "CERTIFICATE";

  private PemCertificateChain() {}

  /**
   * The certificates in {@code pem}, in order.
   *
   * @throws CertificateException with a short reason when it is not a PEM certificate chain
   */
  public static List<X509Certificate> parse(byte[] pem) throws CertificateException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    List<X509Certificate> chain = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    int pos = 0;
    while (true) {
      int begin = text.indexOf(BEGIN, pos);
      if (begin < 0) {
        break;
      }
      int labelEnd = text.indexOf(DASHES, begin + BEGIN.length());
      if (labelEnd < 0) {
        throw new CertificateException("unterminated PEM BEGIN line");
      }
      String label = text.substring(begin + BEGIN.length(), labelEnd);
      if (!CERTIFICATE.equals(label)) {
        throw new CertificateException("unexpected PEM block '" + printable(label)
            + "', only CERTIFICATE is allowed");
      }
      String endLine = END + CERTIFICATE + DASHES;
      int end = text.indexOf(endLine, labelEnd);
      if (end < 0) {
        throw new CertificateException("PEM CERTIFICATE block without END line");
      }
      if (chain.size() == MAX_CERTIFICATES) {
        throw new CertificateException("more than " + MAX_CERTIFICATES + " certificates");
      }
      String base64 = text.substring(labelEnd + DASHES.length(), end).replaceAll("\\s+", "");
      byte[] der;
      try {
        der = Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new CertificateException("certificate " + (chain.size() + 1) + ": bad base64");
      }
      Certificate certificate;
      try {
        certificate = factory.generateCertificate(new ByteArrayInputStream(der));
      } catch (CertificateException e) {
        throw new CertificateException(
            "certificate " + (chain.size() + 1) + " is not X.509 DER: " + e.getMessage(), e);
      }
      if (!(certificate instanceof X509Certificate x509)) {
        throw new CertificateException("certificate " + (chain.size() + 1) + " is not X.509");
      }
      chain.add(x509);
      pos = end + endLine.length();
    }
    if (chain.isEmpty()) {
      throw new CertificateException("no PEM CERTIFICATE block");
    }
    return List.copyOf(chain);
  }

  /** The chain as PEM text, 64 characters a line, as {@link #parse} reads it back. */
  public static String encode(List<X509Certificate> chain) throws CertificateEncodingException {
    Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
    StringBuilder sb = new StringBuilder();
    for (X509Certificate certificate : chain) {
      sb.append(BEGIN).append(CERTIFICATE).append(DASHES).append('\n')
          .append(encoder.encodeToString(certificate.getEncoded())).append('\n')
          .append(END).append(CERTIFICATE).append(DASHES).append('\n');
    }
    return sb.toString();
  }

  private static String printable(String label) {
    String shortened = label.length() > 40 ? label.substring(0, 40) + "..." : label;
    return shortened.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
