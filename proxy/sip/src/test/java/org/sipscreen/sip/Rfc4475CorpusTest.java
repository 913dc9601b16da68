package org.sipscreen.sip;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sipscreen.testkit.Corpus;

/**
 * Runs every RFC 4475 torture message (test data in this module, byte-exact, see rfc4475/SOURCES.md) through
 * {@link SipMessageParser#parse} and {@link SipRequest#validate} / {@link SipResponse#validate} and checks
 * the outcome against the RFC class in EXPECTED.tsv: "valid" must pass, "invalid" must be refused with the
 * status the RFC names. Where this module's outcome is not read off the class, {@link #EXCEPTIONS} says why.
 */
class Rfc4475CorpusTest {

  /** One row of EXPECTED.tsv. */
  record Row(String file, String section, String kind, String title, String proxyShould) {
    @Override
    public String toString() {
      return file + " (" + kind + ", §" + section + ")";
    }
  }

  /** What this module does with a file: pass it on to the proxy layer, or refuse it. */
  record Expected(boolean accepted, int status, String note) {
    static Expected accepted(String note) {
      return new Expected(true, 0, note);
    }

    /** @param status the status the proxy answers with; 0 when no answer is possible or none is named */
    static Expected refused(int status, String note) {
      return new Expected(false, status, note);
    }
  }

  /**
   * Files whose outcome is not read off their class: the RFC allows accepting them, the proxy refuses them
   * by decision after validation rather than for syntax, or the class (transaction-/application-layer,
   * backward-compat, no section) says nothing about syntax. Each note gives the RFC's reason and what the
   * proxy does instead.
   */
  static final Map<String, Expected> EXCEPTIONS = Map.ofEntries(
      // "invalid" files
      entry("baddate.dat", Expected.accepted("§3.1.2.12: a non-GMT Date may be rejected but should not be"
          + " unless the Date matters; the proxy ignores Date and forwards it unchanged")),
      entry("mismatch02.dat", Expected.refused(400, "§3.1.2.18: 501 preferred at proxies, 400 also"
          + " acceptable; CSeq is checked against the request line before the method, so 400"
          + " cseq_method_mismatch")),
      entry("baddn.dat", Expected.refused(0, "§3.1.2.15 asks for 400, but the archived file ends without"
          + " the empty line (NOTES.md), so it never frames (no_header_end) and the proxy drops it;"
          + " baddnIsRefusedWith400OnceItsHeaderBlockIsTerminated shows the 400")),
      // transaction-layer
      entry("badbranch.dat", Expected.accepted("§3.2.1: reject with 400 or fall back to RFC 2543"
          + " matching; a stateless proxy matches no transactions, so it forwards it"
          + " (Via.hasRfc3261Branch() is false)")),
      // application-layer: accepted here, decided by the proxy layer
      entry("unkscm.dat", Expected.accepted("§3.3.2: well-formed; the proxy answers 416 Unsupported URI"
          + " Scheme")),
      entry("novelsc.dat", Expected.accepted("§3.3.3: well-formed; soap.beep: is never meaningful to"
          + " this proxy, so it answers 416")),
      entry("unksm2.dat", Expected.accepted("§3.3.4: well-formed; routed by its sip: Request-URI like any"
          + " other request")),
      entry("bext01.dat", Expected.accepted("§3.3.5: well-formed; the proxy answers 420 Bad Extension with"
          + " the Proxy-Require tags in Unsupported")),
      entry("invut.dat", Expected.accepted("§3.3.6: well-formed; a proxy forwards any Content-Type")),
      entry("regaut01.dat", Expected.accepted("§3.3.7: well-formed; the unknown Authorization is forwarded"
          + " unmodified")),
      entry("bcast.dat", Expected.accepted("§3.3.10: the parser must accept it; the proxy layer drops it"
          + " (destination_not_allowed) instead of relaying to 255.255.255.255")),
      entry("zeromf.dat", Expected.accepted("§3.3.11: well-formed; the proxy answers 483 Too Many Hops")),
      entry("cparam01.dat", Expected.accepted("§3.3.12: ';unknownparam' is a contact-param")),
      entry("cparam02.dat", Expected.accepted("§3.3.13: ';unknownparam' is a URI parameter")),
      entry("regescrt.dat", Expected.accepted("§3.3.14: the escaped Route stays inside the bracketed"
          + " Contact URI")),
      entry("sdp01.dat", Expected.accepted("§3.3.15: well-formed; forwarded like any INVITE")),
      entry("inv2543.dat", Expected.accepted("§3.4.1: RFC 2543 syntax is accepted for backward"
          + " compatibility (no branch, no tag, no Content-Length, no Max-Forwards)")),
      // application-layer: refused here
      entry("insuf.dat", Expected.refused(400, "§3.3.1: missing Call-ID/From/To, ideally 400")),
      entry("multi01.dat", Expected.refused(400, "§3.3.8: duplicate single-value headers, 400")),
      entry("mcl01.dat", Expected.refused(400, "§3.3.9: multiple Content-Length is a framing error;"
          + " over UDP the proxy answers 400 and discards the datagram")),
      entry("test.dat", Expected.refused(0, "no RFC section; a request line without SIP-Version does not"
          + " frame (bad_request_line), so the proxy drops it")));

  /**
   * Why each refused file is refused: a file refused for another reason than the one it was written to
   * exercise would pass the outcome check by accident.
   */
  static final Map<String, String> REFUSAL_REASONS = Map.ofEntries(
      entry("badaspec.dat", "bad_to"),
      entry("baddn.dat", "no_header_end"),
      entry("badinv01.dat", "bad_via"),
      entry("badvers.dat", "unsupported_version"),
      entry("bigcode.dat", "bad_status_code"),
      entry("clerr.dat", "content_length_exceeds_message"),
      entry("escruri.dat", "request_uri_headers"),
      entry("insuf.dat", "missing_call_id"),
      entry("ltgtruri.dat", "bad_request_uri"),
      entry("lwsruri.dat", "bad_request_uri"),
      entry("lwsstart.dat", "bad_request_uri"),
      entry("mcl01.dat", "multiple_content_length"),
      entry("mismatch01.dat", "cseq_method_mismatch"),
      entry("mismatch02.dat", "cseq_method_mismatch"),
      entry("multi01.dat", "duplicate_call_id"),
      entry("ncl.dat", "bad_content_length"),
      entry("quotbal.dat", "bad_to"),
      entry("regbadct.dat", "bad_contact"),
      entry("scalar02.dat", "bad_cseq"),
      entry("scalarlg.dat", "bad_cseq"),
      entry("test.dat", "bad_request_line"),
      entry("trws.dat", "bad_request_uri"));

  /** What happened to one message. */
  record Outcome(boolean accepted, int status, String reason) {
    @Override
    public String toString() {
      return accepted ? "accepted" : "refused " + (status == 0 ? "unframed" : status) + " " + reason;
    }
  }

  static Outcome process(byte[] bytes) {
    try {
      SipMessage m = SipMessageParser.parse(bytes, 0, bytes.length, true);
      if (m.isRequest()) {
        SipRequest.validate(m);
      } else {
        SipResponse.validate(m);
      }
      return new Outcome(true, 0, null);
    } catch (MalformedMessageException e) {
      return new Outcome(false, 0, e.reason());
    } catch (BadMessageException e) {
      return new Outcome(false, e.status(), e.reason());
    }
  }

  static List<Row> rows() {
    Path tsv = Corpus.rfc4475().resolve("EXPECTED.tsv");
    try {
      List<Row> rows = Files.readAllLines(tsv, StandardCharsets.UTF_8).stream()
          .skip(1)
          .filter(l -> !l.isBlank())
          .map(l -> l.split("\t", -1))
          .map(c -> new Row(c[0], c[1], c[2], c[3], c[4]))
          .toList();
      assertThat(rows).as("rows of %s", tsv).hasSize(50);
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Expected expectationFor(Row row) {
    Expected e = EXCEPTIONS.get(row.file());
    if (e != null) {
      return e;
    }
    return switch (row.kind()) {
      case "valid" -> Expected.accepted("valid per RFC 4475 §3.1.1");
      case "invalid" -> Expected.refused(statusNamedIn(row.proxyShould()), "invalid per RFC 4475 §3.1.2");
      default -> throw new AssertionError(row + " needs an entry in EXCEPTIONS");
    };
  }

  /** 505 or 400 when the RFC's advice names one of them, else 0 (any refusal will do). */
  static int statusNamedIn(String proxyShould) {
    if (proxyShould.contains("505")) {
      return 505;
    }
    return proxyShould.contains("400") ? 400 : 0;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyTortureMessageGetsTheOutcomeItsRfc4475ClassAsks(Row row) {
    Expected expected = expectationFor(row);
    Outcome outcome = process(Corpus.read(Corpus.rfc4475().resolve(row.file())));

    assertThat(outcome.accepted()).as("%s: %s; got %s", row, expected.note(), outcome)
        .isEqualTo(expected.accepted());
    if (!expected.accepted()) {
      assertThat(outcome.reason()).as("refusal reason of %s", row)
          .isEqualTo(REFUSAL_REASONS.get(row.file()));
      if (expected.status() != 0) {
        assertThat(outcome.status()).as("status for %s (%s)", row, row.proxyShould())
            .isEqualTo(expected.status());
      }
    }
  }

  @Test
  void expectedTsvListsExactlyTheCorpusFiles() {
    Set<String> onDisk = Corpus.files(Corpus.rfc4475(), ".dat").stream()
        .map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    Set<String> listed = rows().stream().map(Row::file).collect(Collectors.toCollection(TreeSet::new));
    assertThat(onDisk).hasSize(50).isEqualTo(listed);
  }

  @Test
  void everyExceptionAndRefusalReasonNamesACorpusFile() {
    Set<String> listed = rows().stream().map(Row::file).collect(Collectors.toSet());
    assertThat(listed).containsAll(EXCEPTIONS.keySet()).containsAll(REFUSAL_REASONS.keySet());
    for (Row row : rows()) {
      assertThat(REFUSAL_REASONS.containsKey(row.file())).as("refusal reason listed for %s", row)
          .isEqualTo(!expectationFor(row).accepted());
    }
  }

  // --- What the accepted torture messages mean, beyond "accepted" -------------------------------------

  private static SipMessage frame(String file, boolean datagram) throws MalformedMessageException {
    byte[] bytes = Corpus.read(Corpus.rfc4475().resolve(file));
    return SipMessageParser.parse(bytes, 0, bytes.length, datagram);
  }

  private static SipRequest request(String file) throws Exception {
    return SipRequest.validate(frame(file, true));
  }

  @Test
  void wsinvUnfoldsContinuationLinesAndReadsCompactAndOddCaseHeaders() throws Exception {
    SipRequest r = request("wsinv.dat");
    SipMessage m = r.message();
    assertThat(r.maxForwards()).isEqualTo(68);
    assertThat(r.callId()).isEqualTo("wsinv.ndaksdj@192.0.2.1");
    assertThat(r.cseq()).isEqualTo(9);
    assertThat(r.to().tag()).isEqualTo("1918181833n");
    assertThat(r.from().displayName()).isEqualTo("\"J Rosenberg \\\\\\\"\"");
    assertThat(r.from().tag()).isEqualTo("98asjd8");
    assertThat(r.vias()).extracting(Via::host)
        .containsExactly("192.0.2.2", "spindle.example.com", "192.168.255.111");
    assertThat(r.vias()).extracting(Via::transport).containsExactly("UDP", "TCP", "UDP");
    assertThat(r.vias()).extracting(Via::branch)
        .containsExactly("390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239");
    assertThat(m.first(HeaderName.CONTACT)).isEqualTo(
        "\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33");
    assertThat(m.headerValue(indexOfRaw(m, "NewFangledHeader")))
        .isEqualTo("newfangled value continued newfangled value");
    assertThat(m.headerValue(indexOfRaw(m, "s"))).isEmpty();
    int unusual = indexOfRaw(m, "UnknownHeaderWithUnusualValue");
    assertThat(m.headerValue(unusual)).isEqualTo(";;,,;;,;");
    assertThat(m.bodyLength()).isEqualTo(150);
  }

  @Test
  void dblreqFramesTheRegisterAndLeavesTheTrailingInviteOutOfTheMessage() throws Exception {
    byte[] bytes = Corpus.read(Corpus.rfc4475().resolve("dblreq.dat"));
    SipRequest r = request("dblreq.dat");
    SipMessage m = r.message();
    assertThat(r.method()).isEqualTo("REGISTER");
    assertThat(m.bodyLength()).isZero();
    assertThat(m.end()).isLessThan(bytes.length);
    String rest = new String(bytes, m.end(), bytes.length - m.end(), StandardCharsets.ISO_8859_1);
    assertThat(rest).startsWith("\r\nINVITE sip:joe@example.com SIP/2.0");
    assertThat(new MessageEdits(m).toBytes()).asString(StandardCharsets.ISO_8859_1)
        .startsWith("REGISTER ").endsWith("\r\n\r\n").doesNotContain("INVITE");
  }

  @Test
  void mpart01BodyIsFramedByContentLengthAndPassedThroughByteForByte() throws Exception {
    byte[] bytes = Corpus.read(Corpus.rfc4475().resolve("mpart01.dat"));
    SipMessage m = request("mpart01.dat").message();
    assertThat(m.bodyLength()).isEqualTo(Integer.parseInt(m.first(HeaderName.CONTENT_LENGTH)));
    assertThat(m.end()).isEqualTo(bytes.length);
    assertThat(new MessageEdits(m).toBytes()).isEqualTo(bytes);
  }

  @Test
  void intmethKeepsTheUnknownMethodAndReadsQuestionMarkInUserPartAsUser() throws Exception {
    SipRequest r = request("intmeth.dat");
    assertThat(r.method()).isEqualTo("!interesting-Method0123456789_*+`.%indeed'~");
    assertThat(r.requestUri().user()).isEqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assertThat(r.requestUri().host()).isEqualTo("example.com");
    assertThat(r.requestUri().hasHeaders()).isFalse();
  }

  @Test
  void semiuriUserPartKeepsItsSemicolonInsteadOfStartingUriParameters() throws Exception {
    SipUri ruri = request("semiuri.dat").requestUri();
    assertThat(ruri.user()).isEqualTo("user;par=u%40example.net");
    assertThat(ruri.host()).isEqualTo("example.com");
    assertThat(ruri.params().size()).isZero();
  }

  @Test
  void escnullAndEsc02CarryTwoDistinctContacts() throws Exception {
    assertThat(request("escnull.dat").message().values(HeaderName.CONTACT)).hasSize(2).doesNotHaveDuplicates();
    SipRequest esc02 = request("esc02.dat");
    assertThat(esc02.method()).isEqualTo("RE%47IST%45R");
    assertThat(esc02.message().values(HeaderName.CONTACT)).hasSize(2);
  }

  @Test
  void lwsdispReadsTheTokenRunningIntoTheBracketAsDisplayName() throws Exception {
    assertThat(request("lwsdisp.dat").from().displayName()).isEqualTo("caller");
  }

  @Test
  void transportsAcceptsUnknownViaTransports() throws Exception {
    assertThat(request("transports.dat").vias()).extracting(Via::transport)
        .contains("UDP", "SCTP", "TLS", "UNKNOWN", "TCP");
  }

  @Test
  void unreasonAndNoreasonKeepTheirReasonPhrases() throws Exception {
    assertThat(SipResponse.validate(frame("noreason.dat", true)).message().reasonPhrase()).isEmpty();
    SipResponse r = SipResponse.validate(frame("unreason.dat", true));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.message().reasonPhrase()).startsWith("= 2**3 * 5**2 ");
  }

  @Test
  void badbranchIsAcceptedButItsBranchIsNotAnRfc3261One() throws Exception {
    Via top = request("badbranch.dat").topVia();
    assertThat(top.branch()).isEqualTo("z9hG4bK");
    assertThat(top.hasRfc3261Branch()).isFalse();
  }

  @Test
  void applicationLayerRefusalsHaveWhatTheProxyNeeds() throws Exception {
    assertThat(request("zeromf.dat").maxForwards()).isZero();
    assertThat(request("bext01.dat").proxyRequire()).containsExactly("noProxiesSupportThis", "norDoAnyProxiesSupportThis");
    SipUri unknown = request("unkscm.dat").requestUri();
    assertThat(unknown.scheme()).isEqualTo("nobodyknowsthisscheme");
    assertThat(unknown.isSip() || unknown.isTel()).isFalse();
    assertThat(request("novelsc.dat").requestUri().scheme()).isEqualTo("soap.beep");
  }

  @Test
  void inv2543WithoutContentLengthTakesTheRestOfTheDatagramAsBody() throws Exception {
    byte[] bytes = Corpus.read(Corpus.rfc4475().resolve("inv2543.dat"));
    SipRequest r = request("inv2543.dat");
    assertThat(r.maxForwards()).isEqualTo(-1);
    assertThat(r.from().tag()).isNull();
    assertThat(r.topVia().branch()).isNull();
    assertThat(r.message().end()).isEqualTo(bytes.length);
    assertThat(r.message().bodyLength()).isPositive();
    assertThat(frame("inv2543.dat", false).bodyLength()).as("over a stream").isZero();
  }

  @Test
  void badversIsAnsweredWith505() throws Exception {
    SipMessage m = frame("badvers.dat", true);
    assertThat(m.startLineProblem()).isEqualTo("unsupported_version");
    assertThatThrownBy(() -> SipRequest.validate(m)).isInstanceOfSatisfying(BadMessageException.class,
        e -> assertThat(e.status()).isEqualTo(505));
  }

  @Test
  void baddnIsRefusedWith400OnceItsHeaderBlockIsTerminated() {
    byte[] archived = Corpus.read(Corpus.rfc4475().resolve("baddn.dat"));
    byte[] terminated = Arrays.copyOf(archived, archived.length + 2);
    terminated[archived.length] = '\r';
    terminated[archived.length + 1] = '\n';
    assertThat(process(archived)).isEqualTo(new Outcome(false, 0, "no_header_end"));
    assertThat(process(terminated)).isEqualTo(new Outcome(false, 400, "bad_from"));
  }

  @Test
  void clerrIsAFramingErrorOverBothTransports() throws Exception {
    assertThat(frame("clerr.dat", true).framingProblem()).isEqualTo("content_length_exceeds_message");
    assertThat(frame("clerr.dat", false).framingProblem()).isEqualTo("content_length_exceeds_message");
  }

  private static int indexOfRaw(SipMessage m, String name) {
    for (int i = 0; i < m.headerCount(); i++) {
      if (m.rawHeaderName(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    throw new AssertionError("no header " + name);
  }
}
