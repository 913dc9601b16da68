package org.sipscreen.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * A request that passed the checks a proxy must make before forwarding (RFC 3261 §16.3): a well-formed
 * request line, exactly one From, To, Call-ID and CSeq with a matching method, parseable Via, Contact and
 * Route values, sane Max-Forwards and Content-Length. {@link #validate} reads each of these once and keeps
 * what it read, so the proxy never parses a header twice.
 */
public final class SipRequest implements Validated<SipRequest> {

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

  @Override
  public SipRequest orThrow() {
    return this;
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

  /** The URIs of {@link #routes} read so far, by index; {@link #NOT_A_SIP_URI} for one that does not read. */
  private Object[] routeUris;
  private static final Object NOT_A_SIP_URI = new Object();

  /**
   * The URI of Route value {@code i} read as a SIP URI, null when it is none; read once per request however
   * often the proxy asks (which entries are ours, sips:, the next hop). A racing reader reads it again.
   */
  public SipUri routeUri(int i) {
    Object[] uris = routeUris;
    if (uris == null) {
      uris = new Object[routes.size()];
      routeUris = uris;
    }
    Object u = uris[i];
    if (u == null) {
      u = SipUri.read(routes.get(i).uri()) instanceof SipUri uri ? uri : NOT_A_SIP_URI;
      uris[i] = u;
    }
    return u instanceof SipUri uri ? uri : null;
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
   * status to answer with (400 or 505) and the reason. For tests and tools; the proxy uses {@link #check}.
   */
  public static SipRequest validate(SipMessage message) throws BadMessageException {
    return check(message).orThrow();
  }

  /**
   * Checks {@code message} as a request a proxy may forward: the request, or {@link Invalid} with the status
   * to answer with (400 or 505) and the reason.
   */
  public static Validated<SipRequest> check(SipMessage message) {
    if (!message.isRequest()) {
      throw new IllegalArgumentException("not a request");
    }
    if (SipMessageParser.isControlCharacterProblem(message.headerProblem())) {
      return new Invalid<>(400, message.headerProblem(), "Illegal Control Character");
    }
    String slp = message.startLineProblem();
    if (slp != null) {
      if (slp.equals("unsupported_version")) {
        return new Invalid<>(505, slp, "Version Not Supported");
      }
      return new Invalid<>(400, slp, "Malformed Request Line");
    }
    if (message.headerProblem() != null) {
      return new Invalid<>(400, message.headerProblem(), "Malformed Header Line");
    }
    if (message.framingProblem() != null) {
      return new Invalid<>(400, message.framingProblem(), "Bad Content-Length");
    }
    Invalid<SipRequest> problem = singleProblem(message, HeaderName.CALL_ID, "Call-ID");
    if (problem == null) {
      problem = singleProblem(message, HeaderName.CSEQ, "CSeq");
    }
    if (problem == null) {
      problem = singleProblem(message, HeaderName.FROM, "From");
    }
    if (problem == null) {
      problem = singleProblem(message, HeaderName.TO, "To");
    }
    if (problem != null) {
      return problem;
    }
    String callId = message.first(HeaderName.CALL_ID);
    if (message.count(HeaderName.MAX_FORWARDS) > 1) {
      return new Invalid<>(400, "duplicate_max_forwards", "Duplicate Max-Forwards");
    }
    if (callId.isEmpty() || callId.indexOf(' ') >= 0 || callId.indexOf('\t') >= 0) {
      return new Invalid<>(400, "bad_call_id", "Malformed Call-ID");
    }
    String cseqText = message.first(HeaderName.CSEQ);
    long cseq = cseqNumber(cseqText);
    if (cseq < 0) {
      return new Invalid<>(400, "bad_cseq", "Malformed CSeq");
    }
    if (!cseqNamesMethod(cseqText, message.method())) {
      return new Invalid<>(400, "cseq_method_mismatch", "CSeq Method Mismatch");
    }

    int maxForwards = -1;
    int mfi = message.indexOf(HeaderName.MAX_FORWARDS);
    if (mfi >= 0) {
      long mf = SipMessageParser.parseDecimal(message.buf, message.valueStart(mfi), message.valueEnd(mfi), 3);
      if (mf < 0 || mf > 255) {
        return new Invalid<>(400, "bad_max_forwards", "Malformed Max-Forwards");
      }
      maxForwards = (int) mf;
    }

    List<Via> vias = new ArrayList<>(4);
    List<String> viaValues = message.values(HeaderName.VIA);
    for (int i = 0; i < viaValues.size(); i++) {
      String v = viaValues.get(i);
      if (!(Via.read(v) instanceof Via via)) {
        return new Invalid<>(400, "bad_via", "Malformed Via");
      }
      vias.add(via);
    }
    if (vias.isEmpty()) {
      return new Invalid<>(400, "missing_via", "Missing Via");
    }
    if (!(NameAddr.read(message.first(HeaderName.FROM)) instanceof NameAddr from)) {
      return malformed("from", "From");
    }
    if (!(NameAddr.read(message.first(HeaderName.TO)) instanceof NameAddr to)) {
      return malformed("to", "To");
    }
    List<String> contacts = message.values(HeaderName.CONTACT);
    if (!(contacts.size() == 1 && contacts.get(0).equals("*"))) {
      for (int i = 0; i < contacts.size(); i++) {
        String c = contacts.get(i);
        if (!NameAddr.read(c).ok()) {
          return malformed("contact", "Contact");
        }
      }
    }
    List<String> recordRoutes = message.values(HeaderName.RECORD_ROUTE);
    for (int i = 0; i < recordRoutes.size(); i++) {
      String rr = recordRoutes.get(i);
      if (!NameAddr.read(rr).ok()) {
        return malformed("record_route", "Record-Route");
      }
    }
    List<NameAddr> routes = new ArrayList<>(2);
    List<String> routeValues = message.values(HeaderName.ROUTE);
    for (int i = 0; i < routeValues.size(); i++) {
      String r = routeValues.get(i);
      if (!(NameAddr.read(r) instanceof NameAddr route)) {
        return malformed("route", "Route");
      }
      routes.add(route);
    }
    if (!(SipUri.read(message.requestUri()) instanceof SipUri ruri)) {
      return new Invalid<>(400, "bad_request_uri", "Malformed Request-URI");
    }
    if (ruri.hasHeaders()) {
      return new Invalid<>(400, "request_uri_headers", "Headers Not Allowed In Request-URI");
    }
    List<String> proxyRequire = new ArrayList<>(0);
    List<String> requireValues = message.values(HeaderName.PROXY_REQUIRE);
    for (int i = 0; i < requireValues.size(); i++) {
      String tag = requireValues.get(i);
      if (!tag.isEmpty()) {
        proxyRequire.add(tag);
      }
    }
    return new SipRequest(message, ruri, vias, from, to, callId, cseq, maxForwards, routes,
        proxyRequire);
  }

  /** Missing or duplicate: the header must be there exactly once; null when it is. */
  private static Invalid<SipRequest> singleProblem(SipMessage m, HeaderName name, String label) {
    int n = m.count(name);
    if (n == 1) {
      return null;
    }
    String key = label.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
    return n == 0
        ? new Invalid<>(400, "missing_" + key, "Missing " + label)
        : new Invalid<>(400, "duplicate_" + key, "Duplicate " + label);
  }

  private static Invalid<SipRequest> malformed(String key, String label) {
    return new Invalid<>(400, "bad_" + key, "Malformed " + label);
  }

  /**
   * The number of CSeq = 1*DIGIT LWS Method, or -1 when it is malformed. RFC 3261 §8.1.1.5 has UACs pick
   * numbers below 2^31 but allows any 32-bit unsigned value, which is what a proxy must accept.
   */
  private static long cseqNumber(String text) {
    int sp = digitsEnd(text);
    int from = 0;
    while (from < sp - 1 && text.charAt(from) == '0') {
      from++; // leading zeros do not count towards the ten digits
    }
    if (sp == 0 || sp - from > 10) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < sp; i++) {
      n = n * 10 + (text.charAt(i) - '0');
    }
    if (n > 0xFFFFFFFFL) {
      return -1;
    }
    if (sp == text.length() || !(text.charAt(sp) == ' ' || text.charAt(sp) == '\t')
        || trimmedFrom(text, sp) == text.length()) {
      return -1;
    }
    return n;
  }

  /** Whether the method of a CSeq whose number {@link #cseqNumber} read is {@code method}. */
  private static boolean cseqNamesMethod(String text, String method) {
    int from = trimmedFrom(text, digitsEnd(text));
    int to = text.length();
    while (to > from && text.charAt(to - 1) <= ' ') {
      to--;
    }
    return to - from == method.length() && text.regionMatches(from, method, 0, method.length());
  }

  /**
   * The end of the ASCII digits a CSeq value starts with ({@link #cseqNumber} adds them up as such; a
   * Unicode digit, were one ever in the text, ends them).
   */
  private static int digitsEnd(String text) {
    int sp = 0;
    while (sp < text.length() && text.charAt(sp) >= '0' && text.charAt(sp) <= '9') {
      sp++;
    }
    return sp;
  }

  /** The first index at or after {@code from} that {@link String#trim} would keep, or the length. */
  private static int trimmedFrom(String text, int from) {
    while (from < text.length() && text.charAt(from) <= ' ') {
      from++;
    }
    return from;
  }
}
