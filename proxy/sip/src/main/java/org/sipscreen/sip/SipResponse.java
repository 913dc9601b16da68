package org.sipscreen.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * A response the proxy may relay: a valid status line, parseable Via values and a CSeq in range
 * (RFC 4475 §3.1.2.5 and §3.1.2.19 responses are dropped, never answered).
 */
public final class SipResponse {

  private final SipMessage message;
  private final List<Via> vias;

  private SipResponse(SipMessage message, List<Via> vias) {
    this.message = message;
    this.vias = vias;
  }

  public SipMessage message() {
    return message;
  }

  public int status() {
    return message.status();
  }

  public List<Via> vias() {
    return vias;
  }

  public static SipResponse validate(SipMessage message) throws BadMessageException {
    if (message.isRequest()) {
      throw new IllegalArgumentException("not a response");
    }
    if (message.headerProblem() != null) {
      throw new BadMessageException(400, message.headerProblem(), "Malformed Header Line");
    }
    if (message.framingProblem() != null) {
      throw new BadMessageException(400, message.framingProblem(), "Bad Content-Length");
    }
    if (message.count(HeaderName.CSEQ) != 1 || message.count(HeaderName.CALL_ID) != 1) {
      throw new BadMessageException(400, "bad_cseq", "Missing or Duplicate CSeq/Call-ID");
    }
    String cseq = message.first(HeaderName.CSEQ);
    int sp = 0;
    while (sp < cseq.length() && Character.isDigit(cseq.charAt(sp))) {
      sp++;
    }
    if (sp == 0 || sp > 10 || Long.parseLong(cseq.substring(0, sp)) > 0xFFFFFFFFL) {
      throw new BadMessageException(400, "bad_cseq", "Malformed CSeq");
    }
    List<Via> vias = new ArrayList<>(3);
    for (String v : message.values(HeaderName.VIA)) {
      try {
        vias.add(Via.parse(v));
      } catch (SipSyntaxException | NumberFormatException e) {
        throw new BadMessageException(400, "bad_via", "Malformed Via");
      }
    }
    if (vias.isEmpty()) {
      throw new BadMessageException(400, "missing_via", "Missing Via");
    }
    return new SipResponse(message, vias);
  }
}
