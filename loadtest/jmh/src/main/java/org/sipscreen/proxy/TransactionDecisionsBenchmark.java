package org.sipscreen.proxy;

import java.net.InetAddress;
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
import org.sipscreen.sip.SipMessageParser;
import org.sipscreen.sip.SipRequest;

/**
 * What the transaction memory costs a new initial INVITE: its key (a hash of the sender, the top Via's
 * branch and sent-by, Call-ID, From tag, Request-URI and CSeq) and one {@code begin} plus one
 * {@code decide} on a table of the default size, each call a transaction the table has not seen. In this
 * package because the memory is package-private to the proxy core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class TransactionDecisionsBenchmark {

  private static final String INVITE = "INVITE sip:+13125550100@127.0.0.1;user=phone SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1234567890abcdef;rport\r\n"
      + "Max-Forwards: 70\r\n"
      + "From: \"Caller\" <sip:+12025550100@127.0.0.1;user=phone>;tag=98765\r\n"
      + "To: <sip:+13125550100@127.0.0.1;user=phone>\r\n"
      + "Call-ID: 1-12345@127.0.0.1\r\n"
      + "CSeq: 1 INVITE\r\n"
      + "Contact: <sip:caller@127.0.0.1:5062>\r\n"
      + "Content-Length: 0\r\n\r\n";

  private TransactionDecisions decisions;
  private SipRequest request;
  private InetAddress sender;
  private long now;
  private long next;

  @Setup
  public void setUp() throws Exception {
    // The default sip.transaction_memory: 65,536 transactions per 32 s generation.
    decisions = new TransactionDecisions(65_536, TransactionDecisions.TIMER_B_MILLIS, () -> now);
    byte[] bytes = INVITE.getBytes(StandardCharsets.US_ASCII);
    request = SipRequest.validate(SipMessageParser.parse(bytes, 0, bytes.length, true));
    sender = InetAddress.getByName("127.0.0.1");
  }

  @Benchmark
  public long key() {
    return TransactionDecisions.keyOf(request, sender);
  }

  /** A new transaction every call, at 1,000 a second of the table's clock (so generations turn over). */
  @Benchmark
  public Object beginAndDecide() {
    long key = ++next * 0x9E3779B97F4A7C15L;
    now = next; // one ms per call: 1,000 new INVITEs per second
    TransactionDecisions.Seen seen = decisions.begin(key);
    decisions.decide(key, TransactionDecisions.FORWARD, null, now, null);
    return seen;
  }
}
