package org.sipscreen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.proxy.StatelessProxyTest;
import org.sipscreen.sip.BadMessageException;
import org.sipscreen.sip.MalformedMessageException;
import org.sipscreen.sip.SipMessage;
import org.sipscreen.sip.SipMessageParser;
import org.sipscreen.sip.SipRequest;
import org.sipscreen.sip.SipResponse;
import org.sipscreen.transport.SipUdpHandlerTest.AddressedChannel;

/**
 * Coverage-guided fuzzing of the whole request path (Jazzer): bytes from a peer or from an unknown address,
 * as one datagram or as a TCP stream cut into pieces, through the real handlers, the proxy core and a
 * screening chain (source_peer, calling_number, block_list, tag_list) on EmbeddedChannels. Seeds run in
 * every build; the module's {@code fuzz} execution mutates for a bounded time, and an input that breaks an
 * invariant is kept in {@code RequestPathFuzzTestInputs/} as a regression case.
 *
 * <p>Invariants: nothing a peer sends raises an exception out of the pipeline, closes the UDP socket or
 * leaks a buffer; everything the proxy sends goes back to the sender or to the configured next-hop
 * networks (loopback here), never to an address the input names elsewhere; and everything it sends, an
 * answer or a forward, is a SIP message that frames and validates (no malformed forward).
 */
class RequestPathFuzzTest {

  static final InetSocketAddress PEER = SipUdpHandlerTest.UAC;
  static final InetSocketAddress UNKNOWN = new InetSocketAddress("192.0.2.1", 5060);
  static final int MAX = 65_535;

  /** The answer to a CRLFCRLF keepalive on a stream (RFC 5626 §3.5.1). */
  static final byte[] PONG = {'\r', '\n'};

  /** Metrics are only written here; one registry for every run keeps each run cheap. */
  static final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  /** Records nothing, but has forwarded calls stamped and their final responses and BYEs read back. */
  static final org.sipscreen.proxy.DecisionSink STAMPING = new org.sipscreen.proxy.DecisionSink() {
    @Override
    public void decided(org.sipscreen.sip.SipRequest request, org.sipscreen.proxy.InboundMessage in,
        Optional<org.sipscreen.screening.ScreeningResult> screening, org.sipscreen.proxy.ProxyAction action) {}

    @Override
    public boolean wantsOutcomes() {
      return true;
    }
  };

  @FuzzTest(maxDuration = "30s")
  void requestPath(FuzzedDataProvider data) {
    boolean fromPeer = data.consumeBoolean();
    boolean overTcp = data.consumeBoolean();
    int cut = data.consumeInt(1, 2048);
    byte[] bytes = data.consumeRemainingAsBytes();

    StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"),
        StatelessProxyTest.chain(Optional.of("TN-Validation-Failed")), metrics, STAMPING);
    Sender sender = new Sender(metrics);
    EmbeddedChannel udp = new AddressedChannel(new SipUdpHandler(proxy, sender, metrics, MAX));
    sender.addUdpChannel(udp);
    InetSocketAddress source = fromPeer ? PEER : UNKNOWN;
    List<ByteBuf> inputs = new ArrayList<>();

    EmbeddedChannel tcp = null;
    if (overTcp) {
      tcp = new AddressedChannel(new SipStreamDecoder(MAX, () -> metrics.malformed("tcp_framing")),
          new SipTcpHandler(proxy, sender, metrics));
      // The proxy closes a connection whose stream cannot be framed: the rest is never read.
      for (int off = 0; off < bytes.length && tcp.isOpen(); off += cut) {
        ByteBuf piece = Unpooled.copiedBuffer(bytes, off, Math.min(cut, bytes.length - off));
        inputs.add(piece);
        tcp.writeInbound(piece);
        tcp.checkException();
      }
    } else {
      ByteBuf content = Unpooled.copiedBuffer(bytes);
      inputs.add(content);
      udp.writeInbound(new DatagramPacket(content, SipUdpHandlerTest.PROXY, source));
      udp.checkException();
      assertThat(udp.isOpen()).as("the UDP socket stays open").isTrue();
    }

    for (Object out; (out = udp.readOutbound()) != null; ) {
      DatagramPacket packet = (DatagramPacket) out;
      try {
        InetSocketAddress to = packet.recipient();
        assertThat(to.equals(source) || to.getAddress().isLoopbackAddress())
            .as("sent to %s, neither the sender %s nor a next-hop network", to, source).isTrue();
        byte[] wire = ByteBufUtil.getBytes(packet.content());
        if (to.equals(source)) {
          assertIsAnswer(wire);
        } else {
          assertIsValidSip(wire);
        }
      } finally {
        packet.release();
      }
    }
    if (tcp != null) {
      for (Object out; (out = tcp.readOutbound()) != null; ) {
        ByteBuf answer = (ByteBuf) out;
        try {
          byte[] wire = ByteBufUtil.getBytes(answer);
          if (!Arrays.equals(wire, PONG)) {
            assertIsAnswer(wire);
          }
        } finally {
          answer.release();
        }
      }
      tcp.finishAndReleaseAll();
    }
    udp.finishAndReleaseAll();
    for (ByteBuf in : inputs) {
      if (in != Unpooled.EMPTY_BUFFER) { // the shared empty buffer is never released
        assertThat(in.refCnt()).as("input buffer released").isZero();
      }
    }
  }

  /**
   * What the proxy forwards frames as one SIP message and validates as a request or response: nothing
   * malformed goes on toward a next hop or back down the Via path.
   */
  private static void assertIsValidSip(byte[] wire) {
    try {
      SipMessage m = SipMessageParser.parse(wire, 0, wire.length, true);
      assertThat(m.end()).as("one whole message").isEqualTo(wire.length);
      if (m.isRequest()) {
        SipRequest.validate(m);
      } else {
        SipResponse.validate(m);
      }
    } catch (MalformedMessageException | BadMessageException e) {
      throw new AssertionError("the proxy forwarded a malformed message (" + e.getMessage() + "):\n"
          + new String(wire, StandardCharsets.ISO_8859_1), e);
    }
  }

  /**
   * What the proxy answers itself frames as one response with a status code. Its Via, From, To, Call-ID
   * and CSeq are copied from the request (RFC 3261 §8.2.6.2), so a 400 to a malformed request may carry
   * the malformed CSeq it is answering.
   */
  private static void assertIsAnswer(byte[] wire) {
    try {
      SipMessage m = SipMessageParser.parse(wire, 0, wire.length, true);
      assertThat(m.end()).as("one whole message").isEqualTo(wire.length);
      assertThat(m.isRequest()).as("an answer is a response").isFalse();
      assertThat(m.startLineProblem()).as("status line").isNull();
      assertThat(m.status()).isBetween(100, 699);
    } catch (MalformedMessageException e) {
      throw new AssertionError("the proxy answered with bytes that do not frame (" + e.getMessage()
          + "):\n" + new String(wire, StandardCharsets.ISO_8859_1), e);
    }
  }
}
