package org.sipscreen.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request that passed the checks a proxy must make before forwarding (RFC 3261 §16.3): a well-formed
 * request line, exactly one From, To, Call-ID and CSeq with a matching method, parseable Via, Contact and
 * Route values, sane Max-Forwards and Content-Length. {@link #validate} reads each of these once and keeps
 * what it read, so the proxy never parses a header twice.
 */
public final class SipRequest {

  private final SipMessage message;
  private final SipUri requestUri;
  private final List<Via> vias;
  private final NameAddr from;
  private final NameAddr to;
  private final String callId;
  private final long cseq;
  private final int maxForwards;
  private final List<NameAddr> routes;
  private final List<String> proxyRequire;

  private SipRequest(SipMessage message, SipUri requestUri, List<Via> vias, NameAddr from, NameAddr to,
      String callId, long cseq, int maxForwards, List<NameAddr> routes, List<String> proxyRequire) {
    this.message = message;
    this.requestUri = requestUri;
    this.vias = vias;
    this.from = from;
    this.to = to;
    this.callId = callId;
    this.cseq = cseq;
    this.maxForwards = maxForwards;
    this.routes = routes;
    this.proxyRequire = proxyRequire;
  }

  public SipMessage message() {
    return message;
  }

  public String method() {
    return message.method();
  }

  public SipUri requestUri() {
    return requestUri;
  }

  /** Every Via value, topmost first. */
  public List<Via> vias() {
    return vias;
  }

  public Via topVia() {
    return vias.get(0);
  }

  public NameAddr from() {
    return from;
  }

  public NameAddr to() {
    return to;
  }

  public String callId() {
    return callId;
  }

  public long cseq() {
    return cseq;
  }

  /** The Max-Forwards value, or -1 when the header is absent (RFC 2543 peers). */
  public int maxForwards() {
    return maxForwards;
  }

  /** The Route values, topmost first. */
  public List<NameAddr> routes() {
    return routes;
  }

  public List<String> proxyRequire() {
    return proxyRequire;
  }

  /** A request outside a dialog: no To tag (RFC 3261 §12.1). */
  public boolean isInitial() {
    return to.tag() == null;
  }

  /**
   * Checks {@code message} as a request a proxy may forward. A {@link BadMessageException} carries the
   * status to answer with (400 or 505) and the reason.
   */
  public static SipRequest validate(SipMessage message) throws BadMessageException {
    if (!message.isRequest()) {
      throw new IllegalArgumentException("not a request");
    }
    if (SipMessageParser.isControlCharacterProblem(message.headerProblem())) {
      throw new BadMessageException(400, message.headerProblem(), "Illegal Control Character");
    }
    String slp = message.startLineProblem();
    if (slp != null) {
      if (slp.equals("unsupported_version")) {
        throw new BadMessageException(505, slp, "Version Not Supported");
      }
      throw new BadMessageException(400, slp, "Malformed Request Line");
    }
    if (message.headerProblem() != null) {
      throw new BadMessageException(400, message.headerProblem(), "Malformed Header Line");
    }
    if (message.framingProblem() != null) {
      throw new BadMessageException(400, message.framingProblem(), "Bad Content-Length");
    }
    String callId = single(message, HeaderName.CALL_ID, "Call-ID");
    String cseqText = single(message, HeaderName.CSEQ, "CSeq");
    String fromText = single(message, HeaderName.FROM, "From");
    String toText = single(message, HeaderName.TO, "To");
    if (message.count(HeaderName.MAX_FORWARDS) > 1) {
      throw new BadMessageException(400, "duplicate_max_forwards", "Duplicate Max-Forwards");
    }
    if (callId.isEmpty() || callId.indexOf(' ') >= 0 || callId.indexOf('\t') >= 0) {
      throw new BadMessageException(400, "bad_call_id", "Malformed Call-ID");
    }
    long cseq = parseCSeq(cseqText, message.method());

    int maxForwards = -1;
    int mfi = message.indexOf(HeaderName.MAX_FORWARDS);
    if (mfi >= 0) {
      long mf = SipMessageParser.parseDecimal(message.buf, message.valueStart[mfi],
          message.valueEnd[mfi], 3);
      if (mf < 0 || mf > 255) {
        throw new BadMessageException(400, "bad_max_forwards", "Malformed Max-Forwards");
      }
      maxForwards = (int) mf;
    }

    List<Via> vias = new ArrayList<>(4);
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
    NameAddr from = nameAddr(fromText, "from", "From");
    NameAddr to = nameAddr(toText, "to", "To");
    List<String> contacts = message.values(HeaderName.CONTACT);
    if (!(contacts.size() == 1 && contacts.get(0).equals("*"))) {
      for (String c : contacts) {
        nameAddr(c, "contact", "Contact");
      }
    }
    for (String rr : message.values(HeaderName.RECORD_ROUTE)) {
      nameAddr(rr, "record_route", "Record-Route");
    }
    List<NameAddr> routes = new ArrayList<>(2);
    for (String r : message.values(HeaderName.ROUTE)) {
      routes.add(nameAddr(r, "route", "Route"));
    }
    SipUri ruri;
    try {
      ruri = SipUri.parse(message.requestUri());
    } catch (SipSyntaxException | NumberFormatException e) {
      throw new BadMessageException(400, "bad_request_uri", "Malformed Request-URI");
    }
    if (ruri.hasHeaders()) {
      throw new BadMessageException(400, "request_uri_headers", "Headers Not Allowed In Request-URI");
    }
    List<String> proxyRequire = new ArrayList<>(0);
    for (String tag : message.values(HeaderName.PROXY_REQUIRE)) {
      if (!tag.isEmpty()) {
        proxyRequire.add(tag);
      }
    }
    return new SipRequest(message, ruri, vias, from, to, callId, cseq, maxForwards, routes,
        proxyRequire);
  }

  private static String single(SipMessage m, HeaderName name, String label)
      throws BadMessageException {
    int n = m.count(name);
    String key = label.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
    if (n == 0) {
      throw new BadMessageException(400, "missing_" + key, "Missing " + label);
    }
    if (n > 1) {
      throw new BadMessageException(400, "duplicate_" + key, "Duplicate " + label);
    }
    return m.first(name);
  }

  private static NameAddr nameAddr(String text, String key, String label)
      throws BadMessageException {
    try {
      return NameAddr.parse(text);
    } catch (SipSyntaxException | NumberFormatException e) {
      throw new BadMessageException(400, "bad_" + key, "Malformed " + label);
    }
  }

  /**
   * CSeq = 1*DIGIT LWS Method with the method as requested. RFC 3261 §8.1.1.5 has UACs pick numbers below
   * 2^31 but allows any 32-bit unsigned value, which is what a proxy must accept.
   */
  private static long parseCSeq(String text, String method) throws BadMessageException {
    int sp = 0;
    while (sp < text.length() && Character.isDigit(text.charAt(sp))) {
      sp++;
    }
    byte[] digits = text.substring(0, sp).getBytes(StandardCharsets.ISO_8859_1);
    long n = SipMessageParser.parseDecimal(digits, 0, digits.length, 10);
    if (n < 0 || n > 0xFFFFFFFFL) {
      throw new BadMessageException(400, "bad_cseq", "Malformed CSeq");
    }
    String m = text.substring(sp).trim();
    if (m.isEmpty() || sp == text.length() || !(text.charAt(sp) == ' ' || text.charAt(sp) == '\t')) {
      throw new BadMessageException(400, "bad_cseq", "Malformed CSeq");
    }
    if (!m.equals(method)) {
      throw new BadMessageException(400, "cseq_method_mismatch", "CSeq Method Mismatch");
    }
    return n;
  }
}
