package org.sipscreen.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * A response the proxy may relay: a valid status line, parseable Via values and a CSeq in range
 * (RFC 4475 §3.1.2.5 and §3.1.2.19 responses are dropped, never answered).
 */
public final class SipResponse implements Validated<SipResponse> {

  private final SipMessage message;
  private final List<Via> vias;

  private SipResponse(SipMessage message, List<Via> vias) {
    this.message = message;
    this.vias = vias;
  }

  @Override
  public SipResponse orThrow() {
    return this;
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

  /** Checks a response; a {@link BadMessageException} says why it is dropped. For tests and tools. */
  public static SipResponse validate(SipMessage message) throws BadMessageException {
    return check(message).orThrow();
  }

  /** Checks a response the proxy may relay: the response, or {@link Invalid} saying why it is dropped. */
  public static Validated<SipResponse> check(SipMessage message) {
    if (message.isRequest()) {
      throw new IllegalArgumentException("not a response");
    }
    if (message.headerProblem() != null) {
      return new Invalid<>(400, message.headerProblem(), "Malformed Header Line");
    }
    if (message.framingProblem() != null) {
      return new Invalid<>(400, message.framingProblem(), "Bad Content-Length");
    }
    if (message.count(HeaderName.CSEQ) != 1 || message.count(HeaderName.CALL_ID) != 1) {
      return new Invalid<>(400, "bad_cseq", "Missing or Duplicate CSeq/Call-ID");
    }
    String cseq = message.first(HeaderName.CSEQ);
    int sp = 0;
    while (sp < cseq.length() && Character.isDigit(cseq.charAt(sp))) {
      sp++;
    }
    if (sp == 0 || sp > 10 || Long.parseLong(cseq.substring(0, sp)) > 0xFFFFFFFFL) {
      return new Invalid<>(400, "bad_cseq", "Malformed CSeq");
    }
    List<Via> vias = new ArrayList<>(3);
    for (String v : message.values(HeaderName.VIA)) {
      if (!(Via.read(v) instanceof Via via)) {
        return new Invalid<>(400, "bad_via", "Malformed Via");
      }
      vias.add(via);
    }
    if (vias.isEmpty()) {
      return new Invalid<>(400, "missing_via", "Missing Via");
    }
    return new SipResponse(message, vias);
  }
}
