package org.sipscreen.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.sipscreen.sip.ByteSink;

/**
 * Runs synthetic calls through a throwaway proxy before the listeners open, so that the JIT has compiled
 * the message path when the first real INVITE arrives: on a small machine at 1,000 calls/s, the first
 * seconds of an interpreted JVM are slow enough for peers to retransmit and calls to fail. The throwaway
 * proxy has its own chain (its own velocity state) and its own metrics; nothing reaches a socket.
 */
public final class Warmup {

  private Warmup() {}

  /**
   * Plays {@code calls} calls (INVITE, 180, 200, ACK, BYE, 200) through {@code proxy} from {@code peer},
   * stopping early after {@code maxMillis}; returns the number of calls played.
   */
  public static int run(StatelessProxy proxy, InetAddress peer, int calls, long maxMillis) {
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    InetSocketAddress caller = new InetSocketAddress(peer, 5999);
    LocalEndpoint local = proxy.settings().endpoints().get(0);
    InetSocketAddress us = local.bind();
    InetSocketAddress callee = proxy.settings().defaultRoute().address();
    int played = 0;
    for (int i = 0; i < calls && System.nanoTime() < deadline; i++, played++) {
      String callId = "warmup-" + i;
      String from = "+1212234" + String.format("%04d", i % 10000);
      String invite = "INVITE sip:+13107940100@" + local.hostPort() + ";user=phone SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-w" + i + ";rport\r\n"
          + "From: \"Caller\" <sip:" + from + "@127.0.0.1:5999;user=phone>;tag=f" + i + "\r\n"
          + "To: <sip:+13107940100@" + local.hostPort() + ">\r\n"
          + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
          + "Contact: <sip:" + from + "@127.0.0.1:5999>\r\nContent-Type: application/sdp\r\n"
          + "Content-Length: 4\r\n\r\nv=0\n";
      String forwarded = text(proxy.process(in(invite, caller, us)));
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
          + "From: \"Caller\" <sip:" + from + "@127.0.0.1:5999;user=phone>;tag=f" + i + "\r\n"
          + "To: <sip:+13107940100@" + local.hostPort() + ">;tag=t" + i + "\r\n"
          + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n" + recordRoute;
      proxy.process(in("SIP/2.0 180 Ringing\r\n" + head + "Content-Length: 0\r\n\r\n", callee, us));
      proxy.process(in("SIP/2.0 200 OK\r\n" + head + "Contact: <sip:127.0.0.1:" + callee.getPort()
          + ">\r\nContent-Length: 0\r\n\r\n", callee, us));
      String dialog = "From: \"Caller\" <sip:" + from + "@127.0.0.1:5999;user=phone>;tag=f" + i + "\r\n"
          + "To: <sip:+13107940100@" + local.hostPort() + ">;tag=t" + i + "\r\n"
          + "Call-ID: " + callId + "\r\nRoute: <sip:" + local.hostPort() + ";lr>\r\n"
          + "Max-Forwards: 70\r\n";
      String target = "sip:" + callee.getAddress().getHostAddress() + ":" + callee.getPort();
      proxy.process(in("ACK " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-a"
          + i + "\r\n" + dialog + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n", caller, us));
      String bye = text(proxy.process(in("BYE " + target + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;"
          + "branch=z9hG4bK-b" + i + "\r\n" + dialog + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n", caller,
          us)));
      if (bye != null) {
        StringBuilder byeVias = new StringBuilder();
        for (String line : bye.split("\r\n")) {
          if (line.startsWith("Via:")) {
            byeVias.append(line).append("\r\n");
          }
        }
        proxy.process(in("SIP/2.0 200 OK\r\n" + byeVias + dialog.replace("Route: <sip:"
            + local.hostPort() + ";lr>\r\n", "") + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n", callee, us));
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
