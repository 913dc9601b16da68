package org.sipscreen.bench;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.sipscreen.sip.BadMessageException;
import org.sipscreen.sip.ByteSink;
import org.sipscreen.sip.HeaderName;
import org.sipscreen.sip.MalformedMessageException;
import org.sipscreen.sip.MessageEdits;
import org.sipscreen.sip.SipMessage;
import org.sipscreen.sip.SipMessageParser;
import org.sipscreen.sip.SipRequest;

/**
 * What one INVITE costs the proxy to read, on the same ~900-byte INVITE with SDP: JAIN-SIP's full parse
 * (every header turned into objects) against sipscreen's lazy framing, framing plus the checks a proxy
 * must make before forwarding, and that plus writing the forwarded bytes with our Via and Max-Forwards
 * spliced in. Run: {@code java -jar loadtest/jmh/target/benchmarks.jar ParseBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParseBenchmark {

  private static final String SDP = "v=0\r\n"
      + "o=- 3912345678 3912345678 IN IP4 198.51.100.20\r\n"
      + "s=-\r\n"
      + "c=IN IP4 198.51.100.20\r\n"
      + "t=0 0\r\n"
      + "m=audio 40000 RTP/AVP 0 8 18 101\r\n"
      + "a=rtpmap:0 PCMU/8000\r\n"
      + "a=rtpmap:8 PCMA/8000\r\n"
      + "a=rtpmap:18 G729/8000\r\n"
      + "a=fmtp:18 annexb=no\r\n"
      + "a=rtpmap:101 telephone-event/8000\r\n"
      + "a=fmtp:101 0-16\r\n"
      + "a=ptime:20\r\n"
      + "a=sendrecv\r\n";

  /** A carrier-style INVITE: two Vias, tagged From, PAI, SDP offer; 960 bytes. */
  static final byte[] INVITE = ("INVITE sip:+15551234567@gw.example.net;user=phone SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK-524287-1---7b4f3c2a9d1e6f08;rport\r\n"
      + "Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK8c1e2d3f4a5b6c7d;received=203.0.113.5\r\n"
      + "Max-Forwards: 69\r\n"
      + "From: \"Alice Example\" <sip:+15557654321@carrier.example.com;user=phone>;tag=a73kszlfl\r\n"
      + "To: <sip:+15551234567@gw.example.net;user=phone>\r\n"
      + "Call-ID: 7f3e9b1c-4d2a-11ee-be56-0242ac120002@198.51.100.20\r\n"
      + "CSeq: 314159 INVITE\r\n"
      + "Contact: <sip:+15557654321@198.51.100.20:5060;transport=udp>\r\n"
      + "P-Asserted-Identity: \"Alice Example\" <sip:+15557654321@carrier.example.com;user=phone>\r\n"
      + "Content-Type: application/sdp\r\n"
      + "Content-Length: " + SDP.length() + "\r\n"
      + "\r\n"
      + SDP).getBytes(StandardCharsets.ISO_8859_1);

  static final String OUR_VIA =
      "Via: SIP/2.0/UDP 192.0.2.254:5060;branch=z9hG4bK-ss-5f2a9c41e07b3d86\r\n";

  /** The forwarded bytes land here, as they would in a pooled Netty buffer. */
  private final byte[] out = new byte[4096];
  private int outLength;
  private final ByteSink sink = (b, off, len) -> {
    System.arraycopy(b, off, out, outLength, len);
    outLength += len;
  };

  @Setup
  public void checkTheMessageReadsTheSameBothWays() throws Exception {
    SIPMessage jain = new StringMsgParser().parseSIPMessage(INVITE, true, false, null);
    if (!(jain instanceof SIPRequest) || jain.getContentLength().getContentLength() != SDP.length()
        || jain.getRawContent().length != SDP.length()) {
      throw new IllegalStateException("JAIN-SIP did not read the INVITE: " + jain);
    }
    SipRequest ours = SipRequest.validate(SipMessageParser.parse(INVITE, 0, INVITE.length, true));
    if (ours.message().bodyLength() != SDP.length() || ours.vias().size() != 2
        || !ours.callId().equals(jain.getCallId().getCallId())) {
      throw new IllegalStateException("sipscreen did not read the INVITE");
    }
    forward(ours);
    String forwarded = new String(out, 0, outLength, StandardCharsets.ISO_8859_1);
    if (!forwarded.startsWith("INVITE sip:+15551234567@gw.example.net;user=phone SIP/2.0\r\n" + OUR_VIA)
        || !forwarded.contains("\r\nMax-Forwards: 68\r\n")
        || outLength != INVITE.length + OUR_VIA.length()) {
      throw new IllegalStateException("forwarded bytes are wrong:\n" + forwarded);
    }
  }

  /** (1) JAIN-SIP's full parse: start line, every header into its object model, body. */
  @Benchmark
  public SIPMessage jainSipFullParse() throws Exception {
    return new StringMsgParser().parseSIPMessage(INVITE, true, false, null);
  }

  /** (2) sipscreen framing only: start line, header index, body by Content-Length. */
  @Benchmark
  public SipMessage sipscreenFraming() throws MalformedMessageException {
    return SipMessageParser.parse(INVITE, 0, INVITE.length, true);
  }

  /** (3) Framing plus {@link SipRequest#validate}: what the proxy does for every request. */
  @Benchmark
  public SipRequest sipscreenFramingAndValidate() throws MalformedMessageException, BadMessageException {
    return SipRequest.validate(SipMessageParser.parse(INVITE, 0, INVITE.length, true));
  }

  /** (4) (3) plus the forwarded bytes: our Via inserted, Max-Forwards decremented, written to a byte[]. */
  @Benchmark
  public void sipscreenValidateAndForward(Blackhole bh)
      throws MalformedMessageException, BadMessageException {
    SipRequest r = SipRequest.validate(SipMessageParser.parse(INVITE, 0, INVITE.length, true));
    forward(r);
    bh.consume(outLength);
    bh.consume(out);
  }

  private void forward(SipRequest r) {
    SipMessage m = r.message();
    int mf = m.indexOf(HeaderName.MAX_FORWARDS);
    MessageEdits edits = new MessageEdits(m)
        .insert(m.lineStart(m.indexOf(HeaderName.VIA)), OUR_VIA)
        .replace(m.valueStart(mf), m.valueEnd(mf), Integer.toString(r.maxForwards() - 1));
    outLength = 0;
    edits.writeTo(sink);
  }
}
