package org.sipscreen.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * loadtest/config/foundation.yaml (no velocity: the same caller calls at full speed). With {@code signed}
 * the chain also has stir_shaken (as {@code run-load.sh --signed} sets it up, {@link SignedLoad}) and each
 * call's INVITE is the next of 1,024 from their own callers with their own PASSporTs, all valid; see
 * {@link ProxyPathCpuTime} for what a signed call adds to the path against the ES256 verification alone.
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

  /** Whether each INVITE carries a SHAKEN Identity header that the stir_shaken check verifies. */
  @Param({"false", "true"})
  public boolean signed;

  /** Signed INVITEs, each from its own caller with its own PASSporT, taken in turn. */
  private static final int SIGNED_CALLS = 1024;

  /** Where each call writes its number into the INVITE's branch and Call-ID: every call is a new one. */
  private static final String UNIQUE = "0000000000000000";

  private StatelessProxy proxy;
  /** The INVITEs taken in turn (one when unsigned) and where each has its {@link #UNIQUE} places. */
  private final List<ByteBuf> invites = new ArrayList<>();
  private final List<int[]> uniqueAt = new ArrayList<>();
  private long calls;
  private Path signedDir;
  /** The datagrams after the INVITE. */
  private final List<ByteBuf> datagrams = new ArrayList<>();
  private final List<InetSocketAddress> senders = new ArrayList<>();
  private InetSocketAddress us;
  private InetSocketAddress inviteSender;

  @Setup
  public void setUp() throws Exception {
    Path file = Path.of(config);
    if (!file.toFile().exists()) {
      file = Path.of("..", "..").resolve(config); // run from loadtest/jmh
    }
    List<String[]> signedCallers = List.of();
    if (signed) {
      signedDir = Files.createTempDirectory("sipscreen-bench-signed");
      SignedLoad.prepare(SIGNED_CALLS, file.toAbsolutePath().normalize(), signedDir);
      file = signedDir.resolve("sipscreen-signed.yaml");
      // caller;callee;jws;x5u after the SEQUENTIAL line
      signedCallers = Files.readAllLines(signedDir.resolve("signed-callers.csv")).stream().skip(1)
          .map(line -> line.split(";")).toList();
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

    String invite = invite(host, "+12122340100", "");
    if (signed) {
      for (String[] c : signedCallers) {
        String signedInvite = invite(host, c[0], "Identity: " + c[2] + ";info=<" + c[3] + ">;alg=ES256;ppt=shaken\r\n");
        // Checked once under a branch and Call-ID of its own ("f..." is no call number of call()).
        String once = signedInvite.replace(UNIQUE, String.format("f%015x", invites.size()));
        String passed = text(proxy.process(in(once.getBytes(StandardCharsets.ISO_8859_1), caller)));
        if (passed == null || !passed.contains("verstat=TN-Validation-Passed")) {
          throw new IllegalStateException("the signed INVITE was not forwarded as verified: " + passed);
        }
        addInvite(signedInvite);
      }
    } else {
      addInvite(invite);
    }
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
    inviteSender = caller;
    add("SIP/2.0 180 Ringing\r\n" + head + "Content-Length: 0\r\n\r\n", callee);
    add("SIP/2.0 200 OK\r\n" + head + "Contact: <" + target + ">\r\nContent-Length: 0\r\n\r\n", callee);
    add("ACK " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-2\r\n" + dialog
        + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n", caller);
    add(bye, caller);
    add("SIP/2.0 200 OK\r\n" + byeVias + dialog.replace("Route: " + route + "\r\n", "")
        + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n", callee);
    int sent = call();
    if (sent != 1 + datagrams.size()) {
      throw new IllegalStateException("expected 6 messages forwarded, got " + sent);
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    datagrams.forEach(ByteBuf::release);
    invites.forEach(ByteBuf::release);
    if (signedDir != null) {
      try (var files = Files.walk(signedDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static String invite(String host, String caller, String identity) {
    return "INVITE sip:+13107940100@" + host + ";user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-" + UNIQUE + ";rport\r\n"
        + "From: \"Caller\" <sip:" + caller + "@127.0.0.1:5062;user=phone>;tag=f1\r\n"
        + "To: <sip:+13107940100@" + host + ">\r\n"
        + "Call-ID: " + UNIQUE + "-bench@127.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        + identity
        + "Contact: <sip:" + caller + "@127.0.0.1:5062>\r\nContent-Type: application/sdp\r\n"
        + "Content-Length: 129\r\n\r\n"
        + "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
        + "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
  }

  private void addInvite(String text) {
    invites.add(direct(text));
    uniqueAt.add(new int[] {text.indexOf(UNIQUE), text.indexOf(UNIQUE, text.indexOf(UNIQUE) + 1)});
  }

  private void add(String text, InetSocketAddress sender) {
    datagrams.add(direct(text));
    senders.add(sender);
  }

  private static ByteBuf direct(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuf direct = Unpooled.directBuffer(bytes.length);
    direct.writeBytes(bytes);
    return direct;
  }

  /** The six datagrams of a call; returns how many were forwarded. */
  @Benchmark
  public int call() {
    int sent = 0;
    long n = ++calls;
    int which = (int) (n % invites.size());
    for (int i = -1; i < datagrams.size(); i++) {
      ByteBuf content = i < 0 ? invites.get(which) : datagrams.get(i);
      byte[] bytes = new byte[content.readableBytes()];
      content.getBytes(content.readerIndex(), bytes);
      if (i < 0) {
        for (int at : uniqueAt.get(which)) {
          for (int d = 15; d >= 0; d--) {
            bytes[at + d] = (byte) Character.forDigit((int) ((n >>> (4 * (15 - d))) & 0xf), 16);
          }
        }
      }
      ProxyAction action = proxy.process(in(bytes, i < 0 ? inviteSender : senders.get(i)));
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
