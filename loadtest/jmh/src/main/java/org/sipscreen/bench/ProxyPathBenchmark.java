package org.sipscreen.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sipscreen.Sipscreen;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.DecisionSink;
import org.sipscreen.proxy.InboundMessage;
import org.sipscreen.proxy.ProxyAction;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.sip.Transport;

/**
 * One whole call (INVITE, 180, 200, ACK, BYE, 200) through the UDP receive -> proxy -> send path, as the
 * event loop runs it, without sockets: each datagram is read out of a direct buffer into the message's
 * array (as SipUdpHandler does), processed by StatelessProxy and written into a pooled direct buffer (as
 * Sender does). Every INVITE has a branch and Call-ID of its own, so each is a new call (screened, and
 * remembered for its retransmissions), not a retransmission of the first one. Run with {@code -prof gc}
 * for the bytes allocated per call. The chain is
 * loadtest/config/foundation.yaml (no velocity: the same caller calls at full speed).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ProxyPathBenchmark {

  @Param({"loadtest/config/foundation.yaml"})
  public String config;

  /**
   * Whether the proxy stamps its calls (decision records with {@code call_outcomes}): the INVITE gets the
   * stamp, the 200 and the BYE bring it back and are verified. The sink records nothing, so this is the
   * proxy's part of the cost only.
   */
  @Param({"false", "true"})
  public boolean stamped;

  /** Where each call writes its number into the INVITE's branch and Call-ID: every call is a new one. */
  private static final String UNIQUE = "0000000000000000";

  private StatelessProxy proxy;
  private int[] uniqueAt = new int[0];
  private long calls;
  private final List<ByteBuf> datagrams = new ArrayList<>();
  private final List<InetSocketAddress> senders = new ArrayList<>();
  private InetSocketAddress us;

  @Setup
  public void setUp() throws Exception {
    Path file = Path.of(config);
    if (!file.toFile().exists()) {
      file = Path.of("..", "..").resolve(config); // run from loadtest/jmh
    }
    Sipscreen.Prepared prepared = Sipscreen.prepare(file);
    boolean stamping = stamped;
    DecisionSink sink = new DecisionSink() {
      @Override
      public void decided(org.sipscreen.sip.SipRequest request, InboundMessage in,
          java.util.Optional<org.sipscreen.screening.ScreeningResult> screening, ProxyAction action) {}

      @Override
      public boolean wantsOutcomes() {
        return stamping;
      }
    };
    proxy = new StatelessProxy(prepared.settings(), prepared.chain(), new ProxyMetrics(new PrometheusRegistry()),
        sink);
    us = prepared.settings().endpoints().get(0).bind();
    InetSocketAddress caller = new InetSocketAddress("127.0.0.1", 5062);
    InetSocketAddress callee = prepared.settings().defaultRoute().address();
    String host = prepared.settings().endpoints().get(0).hostPort();

    String invite = "INVITE sip:+13107940100@" + host + ";user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-" + UNIQUE + ";rport\r\n"
        + "From: \"Caller\" <sip:+12122340100@127.0.0.1:5062;user=phone>;tag=f1\r\n"
        + "To: <sip:+13107940100@" + host + ">\r\n"
        + "Call-ID: " + UNIQUE + "-bench@127.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        + "Contact: <sip:+12122340100@127.0.0.1:5062>\r\nContent-Type: application/sdp\r\n"
        + "Content-Length: 129\r\n\r\n"
        + "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
        + "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    String forwarded = text(proxy.process(in(invite.getBytes(StandardCharsets.ISO_8859_1), caller)));
    if (forwarded == null || !forwarded.startsWith("INVITE")) {
      throw new IllegalStateException("the INVITE was not forwarded: " + forwarded);
    }
    StringBuilder head = new StringBuilder();
    String route = "<sip:" + host + ";lr>";
    for (String line : forwarded.split("\r\n")) {
      if (line.startsWith("Record-Route:")) {
        route = line.substring("Record-Route: ".length()); // with the call stamp when stamped
      }
      if (line.startsWith("Via:") || line.startsWith("Record-Route:") || line.startsWith("From:")
          || line.startsWith("Call-ID:") || line.startsWith("CSeq:")) {
        head.append(line).append("\r\n");
      } else if (line.startsWith("To:")) {
        head.append(line).append(";tag=t1\r\n");
      }
    }
    String dialog = "From: \"Caller\" <sip:+12122340100@127.0.0.1:5062;user=phone>;tag=f1\r\n"
        + "To: <sip:+13107940100@" + host + ">;tag=t1\r\nCall-ID: " + UNIQUE + "-bench@127.0.0.1\r\n"
        + "Route: " + route + "\r\nMax-Forwards: 70\r\n";
    String target = "sip:" + callee.getAddress().getHostAddress() + ":" + callee.getPort();
    String bye = "BYE " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-3\r\n"
        + dialog + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
    String byeForwarded = text(proxy.process(in(bye.getBytes(StandardCharsets.ISO_8859_1), caller)));
    if (byeForwarded == null || !byeForwarded.startsWith("BYE")) {
      throw new IllegalStateException("the BYE was not forwarded: " + byeForwarded);
    }
    StringBuilder byeVias = new StringBuilder();
    for (String line : byeForwarded.split("\r\n")) {
      if (line.startsWith("Via:")) {
        byeVias.append(line).append("\r\n");
      }
    }
    add(invite, caller);
    uniqueAt = new int[] {invite.indexOf(UNIQUE), invite.indexOf(UNIQUE, invite.indexOf(UNIQUE) + 1)};
    add("SIP/2.0 180 Ringing\r\n" + head + "Content-Length: 0\r\n\r\n", callee);
    add("SIP/2.0 200 OK\r\n" + head + "Contact: <" + target + ">\r\nContent-Length: 0\r\n\r\n", callee);
    add("ACK " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-2\r\n" + dialog
        + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n", caller);
    add(bye, caller);
    add("SIP/2.0 200 OK\r\n" + byeVias + dialog.replace("Route: " + route + "\r\n", "")
        + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n", callee);
    int sent = call();
    if (sent != 6) {
      throw new IllegalStateException("expected 6 messages forwarded, got " + sent);
    }
  }

  @TearDown
  public void tearDown() {
    datagrams.forEach(ByteBuf::release);
  }

  private void add(String text, InetSocketAddress sender) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuf direct = Unpooled.directBuffer(bytes.length);
    direct.writeBytes(bytes);
    datagrams.add(direct);
    senders.add(sender);
  }

  /** The six datagrams of a call; returns how many were forwarded. */
  @Benchmark
  public int call() {
    int sent = 0;
    for (int i = 0; i < datagrams.size(); i++) {
      ByteBuf content = datagrams.get(i);
      byte[] bytes = new byte[content.readableBytes()];
      content.getBytes(content.readerIndex(), bytes);
      if (i == 0) {
        long n = ++calls;
        for (int at : uniqueAt) {
          for (int d = 15; d >= 0; d--) {
            bytes[at + d] = (byte) Character.forDigit((int) ((n >>> (4 * (15 - d))) & 0xf), 16);
          }
        }
      }
      ProxyAction action = proxy.process(in(bytes, senders.get(i)));
      if (action instanceof ProxyAction.Send send) {
        ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(send.message().length());
        send.message().writeTo(out::writeBytes);
        sent += out.readableBytes() > 0 ? 1 : 0;
        out.release();
      }
    }
    return sent;
  }

  private InboundMessage in(byte[] bytes, InetSocketAddress sender) {
    return new InboundMessage(bytes, 0, bytes.length, Transport.UDP, sender, us, System.nanoTime());
  }

  private static String text(ProxyAction action) {
    if (!(action instanceof ProxyAction.Send send)) {
      return null;
    }
    byte[] out = new byte[send.message().length()];
    int[] at = {0};
    send.message().writeTo((b, off, len) -> {
      System.arraycopy(b, off, out, at[0], len);
      at[0] += len;
    });
    return new String(out, StandardCharsets.ISO_8859_1);
  }
}
