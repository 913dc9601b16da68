package org.sipscreen.sip;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Composes the responses a stateless proxy sends itself (RFC 3261 §8.2.6 and §16.11): Via, From, To,
 * Call-ID and CSeq copied from the request, the top Via carrying received/rport, a To tag chosen by the
 * caller of this class when the request had none, and {@code Content-Length: 0}.
 */
public final class ResponseBuilder {

  /** Via values written one per line; any beyond share one line. */
  static final int VIA_LINES = 64;

  private ResponseBuilder() {}

  /**
   * @param request the request being answered; headers it lacks are left out of the response
   * @param topVia the rewritten top Via value (with received/rport) to answer with
   * @param toTag tag to add to To when it has none; null to leave To as it is
   * @param extraHeaders whole header lines without CRLF, e.g. {@code "Unsupported: foo"}; nothing else
   *     (no Server header) is added
   */
  public static byte[] build(SipMessage request, String topVia, int status, String phrase,
      String toTag, List<String> extraHeaders) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("SIP/2.0 ").append(status).append(' ').append(sanitize(phrase)).append("\r\n");
    List<String> vias = request.values(HeaderName.VIA);
    sb.append("Via: ").append(topVia).append("\r\n");
    int ownLines = Math.min(vias.size(), VIA_LINES);
    for (int i = 1; i < ownLines; i++) {
      sb.append("Via: ").append(vias.get(i)).append("\r\n");
    }
    if (vias.size() > ownLines) {
      // Comma-separated Via values can be many more than the request's header lines; the rest share one
      // line (RFC 3261 §7.3.1), so the answer stays within what a parser takes (SipMessageParser.MAX_HEADERS).
      sb.append("Via: ").append(String.join(", ", vias.subList(ownLines, vias.size()))).append("\r\n");
    }
    copy(sb, request, HeaderName.FROM);
    String to = request.first(HeaderName.TO);
    if (to != null) {
      sb.append("To: ").append(to);
      if (toTag != null && status > 100 && !hasTag(to)) {
        sb.append(";tag=").append(toTag);
      }
      sb.append("\r\n");
    }
    copy(sb, request, HeaderName.CALL_ID);
    copy(sb, request, HeaderName.CSEQ);
    for (String h : extraHeaders) {
      sb.append(h).append("\r\n");
    }
    sb.append("Content-Length: 0\r\n\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static boolean hasTag(String to) {
    return NameAddr.read(to) instanceof NameAddr addr ? addr.tag() != null : to.contains(";tag=");
  }

  private static void copy(StringBuilder sb, SipMessage request, HeaderName name) {
    String v = request.first(name);
    if (v != null) {
      sb.append(name.canonical()).append(": ").append(v).append("\r\n");
    }
  }

  /** A reason phrase may not carry CR or LF (RFC 3261 §25.1); other bytes pass as they are. */
  private static String sanitize(String phrase) {
    return phrase.replace('\r', ' ').replace('\n', ' ');
  }
}
