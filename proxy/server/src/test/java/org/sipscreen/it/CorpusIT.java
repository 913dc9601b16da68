package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.Corpus;

/**
 * Every message of the RFC 4475 torture tests and of the PROTOS c07-sip selection, sent to the running
 * proxy over UDP: valid requests are forwarded (to the configured route, never to the foreign addresses
 * they carry), invalid ones are answered or dropped and never forwarded, and the proxy still carries a
 * normal call afterwards.
 */
@Timeout(300)
class CorpusIT {

  @TempDir
  static Path dir;
  static WireProbe probe;
  static TestProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    probe = new WireProbe();
    proxy = TestProxy.start(dir, probe.nextHopUri());
    probe.target(proxy.sipPort);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    probe.close();
  }

  /**
   * RFC 4475 from the repository's test data; the other corpora from ../shared/corpus (or
   * -Dsipscreen.corpus), the test being skipped when they are not there.
   */
  static Path corpus(String name) {
    return name.equals("rfc4475") ? Corpus.rfc4475() : Corpus.folder(name);
  }

  /** What the proxy must do with each RFC 4475 message; the reasons are in EXPECTED.tsv. */
  private static final Map<String, String> RFC4475 = new LinkedHashMap<>();

  static {
    for (String f : List.of("wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq",
        "dblreq", "semiuri", "transports", "mpart01", "unksm2", "invut", "regaut01", "cparam01",
        "cparam02", "regescrt", "sdp01", "inv2543", "badbranch")) {
      RFC4475.put(f, "forwarded");
    }
    // Responses that are not ours (foreign top Via), or broken ones: dropped, never answered.
    for (String f : List.of("unreason", "noreason", "scalarlg", "bigcode", "bcast")) {
      RFC4475.put(f, "dropped");
    }
    for (String f : List.of("badinv01", "clerr", "ncl", "scalar02", "quotbal", "ltgtruri", "lwsruri",
        "lwsstart", "trws", "escruri", "regbadct", "badaspec", "mismatch01", "mismatch02", "insuf",
        "multi01", "mcl01")) {
      RFC4475.put(f, "answered 400");
    }
    RFC4475.put("baddn", "dropped"); // the archive copy has no blank line after the headers: not a message
    RFC4475.put("baddate", "forwarded"); // the Date header is not the proxy's business (RFC 4475 §3.1.2.12)
    RFC4475.put("badvers", "answered 505");
    RFC4475.put("unkscm", "answered 416");
    RFC4475.put("novelsc", "answered 416");
    RFC4475.put("bext01", "answered 420");
    RFC4475.put("zeromf", "answered 483");
    RFC4475.put("test", "dropped"); // no SIP-Version on the request line: not a request we can answer
  }

  @Test
  void rfc4475MessagesAreForwardedAnsweredOrDroppedAsExpected() throws Exception {
    Path folder = corpus("rfc4475");
    List<String> wrong = new ArrayList<>();
    List<String> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dat")).sorted().toList();
    }
    assertThat(files).hasSize(RFC4475.size());
    for (String file : files) {
      String name = file.substring(0, file.length() - 4);
      byte[] bytes = Files.readAllBytes(folder.resolve(file));
      WireProbe.Outcome outcome = probe.send(bytes);
      if (!outcome.describe().equals(RFC4475.get(name))) {
        wrong.add(name + ": expected " + RFC4475.get(name) + ", was " + outcome.describe()
            + outcome.answers().stream().map(a -> a.lines().findFirst().orElse("")).toList());
      }
      for (String f : outcome.forwarded()) {
        assertThat(f).as(name + " forwarded with our Via").contains(";branch=z9hG4bK-ss-");
      }
    }
    assertThat(wrong).isEmpty();
    stillCarriesANormalCall();
  }

  @Test
  void forwardedTortureMessagesKeepTheirBytesAndLoseTheirTrailingGarbage() throws Exception {
    Path folder = corpus("rfc4475");
    WireProbe.Outcome dbl = probe.send(Files.readAllBytes(folder.resolve("dblreq.dat")));
    assertThat(dbl.forwarded()).hasSize(1);
    assertThat(dbl.forwarded().get(0)).startsWith("REGISTER ").doesNotContain("INVITE sip:");
    byte[] mpart = Files.readAllBytes(folder.resolve("mpart01.dat"));
    WireProbe.Outcome mp = probe.send(mpart);
    String raw = new String(mpart, StandardCharsets.ISO_8859_1);
    String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
    assertThat(mp.forwarded().get(0)).endsWith(body);
    WireProbe.Outcome ws = probe.send(Files.readAllBytes(folder.resolve("wsinv.dat")));
    assertThat(ws.forwarded().get(0))
        .contains("UnknownHeaderWithUnusualValue: ;;,,;;,;")
        .contains("NewFangledHeader:   newfangled value\r\n continued newfangled value")
        .contains("MaX-fOrWaRdS: 67");
  }

  /** PROTOS groups whose whole point is a value RFC 3261 forbids: these must never be forwarded. */
  private static final List<String> PROTOS_MUST_FAIL = List.of("sip-method", "sip-version",
      "sip-via-version", "sip-via-tag", "sip-from-tag", "sip-from-colon", "sip-contact-left-paranthesis",
      "sip-contact-right-paranthesis", "sip-to-left-paranthesis", "sip-to-right-paranthesis",
      "sip-cseq-integer", "sip-cseq-string", "sip-content-length", "sip-request-crlf", "crlf-request");

  @Test
  void protosMalformedInvitesNeverCrashOrWedgeTheProxy() throws Exception {
    Path folder = corpus("protos-c07-sip");
    List<String> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sip")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(80);
    Map<String, String> outcomes = new LinkedHashMap<>();
    List<String> wrong = new ArrayList<>();
    for (String file : files) {
      byte[] bytes = Files.readAllBytes(folder.resolve(file));
      String group = file.substring(file.indexOf('_') + 1, file.length() - 4);
      String outcome;
      if (bytes.length > 65_000) {
        outcome = sendOverTcp(bytes);
      } else {
        outcome = probe.send(bytes).describe();
      }
      outcomes.put(file, outcome);
      if (group.equals("valid") && !outcome.equals("forwarded")) {
        wrong.add(file + ": the valid case must be forwarded, was " + outcome);
      }
      if (PROTOS_MUST_FAIL.contains(group) && outcome.equals("forwarded")
          && !PROTOS_ACCEPTED.containsKey(file)) {
        wrong.add(file + ": must not be forwarded");
      }
      if (outcome.startsWith("answered") && !outcome.matches("answered [45][0-9][0-9]")) {
        wrong.add(file + ": unexpected " + outcome);
      }
    }
    assertThat(wrong).as(outcomes.toString()).isEmpty();
    stillCarriesANormalCall();
  }

  /**
   * Cases in MUST_FAIL groups that RFC 3261 itself allows, so a proxy forwards them; each with the reason.
   */
  private static final Map<String, String> PROTOS_ACCEPTED = Map.of(
      "0001840_sip-max-forwards.sip", "Max-Forwards 255 is within 0-255",
      "0001875_sip-cseq-integer.sip", "CSeq 0 is a valid 32-bit sequence number (RFC 3261 §8.1.1.5)",
      "0001886_sip-cseq-integer.sip", "CSeq 255 is a valid sequence number",
      "0002361_sip-content-length.sip", "Content-Length 0 frames an empty body; the rest of the datagram"
          + " is discarded, as RFC 4475 §3.1.1.8 requires, and is not forwarded",
      "0002422_crlf-request.sip", "a bare LF ends the headers (accepted leniently) and Content-Length 0"
          + " discards the rest of the datagram; what is forwarded is well-formed");

  /** Messages too big for one datagram go over TCP, where the size cap closes the connection. */
  private static String sendOverTcp(byte[] bytes) throws IOException {
    try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), proxy.sipPort)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException closedWhileWriting) {
        return "dropped";
      }
      try {
        int b = s.getInputStream().read();
        return b < 0 ? "dropped" : "answered?";
      } catch (IOException reset) {
        return "dropped";
      }
    }
  }

  private static void stillCarriesANormalCall() throws IOException {
    String invite = """
        INVITE sip:+13105550100@127.0.0.1 SIP/2.0\r
        Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-after-corpus-%d\r
        From: <sip:+13125550100@127.0.0.1;user=phone>;tag=a\r
        To: <sip:+13105550100@127.0.0.1>\r
        Call-ID: after-corpus-%d\r
        CSeq: 1 INVITE\r
        Max-Forwards: 70\r
        Content-Length: 0\r
        \r
        """.formatted(System.nanoTime(), System.nanoTime());
    WireProbe.Outcome o = probe.send(invite.getBytes(StandardCharsets.US_ASCII));
    assertThat(o.describe()).as("a normal INVITE after the corpus").isEqualTo("forwarded");
  }
}
