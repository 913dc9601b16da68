package org.sipscreen.warmup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.sipscreen.proxy.InboundMessage;
import org.sipscreen.proxy.LocalEndpoint;
import org.sipscreen.proxy.ProxyAction;
import org.sipscreen.proxy.StatelessProxy;
import org.sipscreen.sip.ByteSink;
import org.sipscreen.sip.Transport;

/**
 * Runs synthetic calls through a throwaway proxy before the listeners open, so that the JIT has compiled
 * the message path when the first real INVITE arrives: on a small machine at 1,000 calls/s, the first
 * seconds of an interpreted JVM are slow enough for peers to retransmit and calls to fail. The throwaway
 * proxy has its own chain (its own velocity state) and its own metrics. {@link #run} hands the messages to
 * the proxy directly; {@link #play} takes any {@link Wire}, e.g. loopback sockets through a throwaway
 * listener, so that the socket path is compiled too.
 */
public final class Warmup {

  /** How the warm-up's caller and callee reach the proxy. */
  public interface Wire {
    /**
     * Delivers {@code text} to the proxy from the caller ({@code fromCallee} false) or the callee, and
     * returns the message the proxy sent on (or answered) in response, or null when it sent nothing.
     */
    String carry(String text, boolean fromCallee);
  }

  private Warmup() {}

  /**
   * Plays {@code calls} calls (INVITE, 180, 200, ACK, BYE, 200) through {@code proxy} from {@code peer},
   * stopping early after {@code maxMillis}; returns the number of calls played. Nothing reaches a socket.
   */
  public static int run(StatelessProxy proxy, InetAddress peer, int calls, long maxMillis) {
    InetSocketAddress caller = new InetSocketAddress(peer, 5999);
    LocalEndpoint local = proxy.settings().endpoints().get(0);
    InetSocketAddress us = local.bind();
    InetSocketAddress callee = proxy.settings().defaultRoute().address();
    Wire direct = (text, fromCallee) -> text(proxy.process(in(text, fromCallee ? callee : caller, us)));
    return play(direct, local.hostPort(), "127.0.0.1:5999", callee, calls, maxMillis);
  }

  /**
   * Plays {@code calls} calls over {@code wire}, stopping early after {@code maxMillis}; returns the number
   * of calls played.
   *
   * @param proxyHostPort the proxy's host:port, for Request-URIs and Route headers
   * @param callerHostPort the caller's host:port, for its Via and Contact
   * @param callee where the proxy sends the calls (the callee's Contact and in-dialog Request-URIs)
   */
  public static int play(Wire wire, String proxyHostPort, String callerHostPort, InetSocketAddress callee,
      int calls, long maxMillis) {
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    int played = 0;
    for (int i = 0; i < calls && System.nanoTime() < deadline; i++, played++) {
      String callId = "warmup-" + i;
      String from = "+1212234" + String.format("%04d", i % 10000);
      String fromHeader = "From: \"Caller\" <sip:" + from + "@" + callerHostPort + ";user=phone>;tag=f" + i
          + "\r\n";
      String invite = "INVITE sip:+13107940100@" + proxyHostPort + ";user=phone SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP " + callerHostPort + ";branch=z9hG4bK-w" + i + ";rport\r\n"
          + fromHeader
          + "To: <sip:+13107940100@" + proxyHostPort + ">\r\n"
          + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
          + "Contact: <sip:" + from + "@" + callerHostPort + ">\r\nContent-Type: application/sdp\r\n"
          + "Content-Length: 4\r\n\r\nv=0\n";
      String forwarded = wire.carry(invite, false);
      if (forwarded == null || !forwarded.startsWith("INVITE")) {
        continue;
      }
      List<String> vias = new ArrayList<>();
      String recordRoute = "";
      for (String line : forwarded.split("\r\n")) {
        if (line.startsWith("Via:")) {
          vias.add(line);
        } else if (line.startsWith("Record-Route:")) {
          recordRoute += line + "\r\n";
        }
      }
      String head = String.join("\r\n", vias) + "\r\n"
          + fromHeader
          + "To: <sip:+13107940100@" + proxyHostPort + ">;tag=t" + i + "\r\n"
          + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n" + recordRoute;
      wire.carry("SIP/2.0 180 Ringing\r\n" + head + "Content-Length: 0\r\n\r\n", true);
      wire.carry("SIP/2.0 200 OK\r\n" + head + "Contact: <sip:" + callee.getAddress().getHostAddress() + ":"
          + callee.getPort() + ">\r\nContent-Length: 0\r\n\r\n", true);
      String dialog = fromHeader
          + "To: <sip:+13107940100@" + proxyHostPort + ">;tag=t" + i + "\r\n"
          + "Call-ID: " + callId + "\r\nRoute: <sip:" + proxyHostPort + ";lr>\r\n"
          + "Max-Forwards: 70\r\n";
      String target = "sip:" + callee.getAddress().getHostAddress() + ":" + callee.getPort();
      wire.carry("ACK " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP " + callerHostPort + ";branch=z9hG4bK-a"
          + i + ";rport\r\n" + dialog + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n", false);
      String bye = wire.carry("BYE " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP " + callerHostPort + ";"
          + "branch=z9hG4bK-b" + i + ";rport\r\n" + dialog + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n",
          false);
      if (bye != null && bye.startsWith("BYE")) {
        StringBuilder byeVias = new StringBuilder();
        for (String line : bye.split("\r\n")) {
          if (line.startsWith("Via:")) {
            byeVias.append(line).append("\r\n");
          }
        }
        wire.carry("SIP/2.0 200 OK\r\n" + byeVias + dialog.replace("Route: <sip:"
            + proxyHostPort + ";lr>\r\n", "") + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n", true);
      }
    }
    return played;
  }

  private static InboundMessage in(String text, InetSocketAddress sender, InetSocketAddress recipient) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    return new InboundMessage(b, 0, b.length, Transport.UDP, sender, recipient, System.nanoTime());
  }

  private static String text(ProxyAction action) {
    if (!(action instanceof ProxyAction.Send send)) {
      return null;
    }
    StringBuilder sb = new StringBuilder(send.message().length());
    ByteSink sink = (bytes, off, len) -> sb.append(new String(bytes, off, len, StandardCharsets.ISO_8859_1));
    send.message().writeTo(sink);
    return sb.toString();
  }
}
