package org.sipscreen.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends raw datagrams to a proxy and sees what comes of each: forwarded to the next hop (a socket this
 * class listens on as the default route), answered to the sender, or neither. After each message it sends
 * an OPTIONS to the proxy itself; once that is answered, the proxy has finished with everything before it
 * (one UDP socket is served by one event loop, in order), so "neither" means dropped, without guessing
 * timeouts.
 */
final class WireProbe implements AutoCloseable {

  /** What the proxy did with one message. */
  record Outcome(List<String> forwarded, List<String> answers) {
    boolean wasForwarded() {
      return !forwarded.isEmpty();
    }

    /** Status code of the first answer, 0 when there was none. */
    int status() {
      return answers.isEmpty() ? 0 : Integer.parseInt(answers.get(0).substring(8, 11));
    }

    String describe() {
      return wasForwarded() ? "forwarded" : answers.isEmpty() ? "dropped" : "answered " + status();
    }
  }

  final DatagramSocket nextHop;
  private final DatagramSocket peer;
  private InetSocketAddress proxy;
  private int probes;

  /** Binds the next-hop and peer sockets; {@link #target} names the proxy once it runs. */
  WireProbe() throws IOException {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    nextHop = new DatagramSocket(new InetSocketAddress(lo, 0));
    peer = new DatagramSocket(new InetSocketAddress(lo, 0));
    nextHop.setReceiveBufferSize(1 << 20);
  }

  /** The default route to configure: this probe's next-hop socket. */
  String nextHopUri() {
    return "sip:127.0.0.1:" + nextHop.getLocalPort();
  }

  /** The port the probe sends from (the source address the proxy sees). */
  int peerPort() {
    return peer.getLocalPort();
  }

  WireProbe target(int proxyPort) {
    proxy = new InetSocketAddress(peer.getLocalAddress(), proxyPort);
    return this;
  }


  /** Sends one message and waits for nothing; see {@link #forwardedWithin}. */
  void sendOnly(byte[] message) throws IOException {
    peer.send(new DatagramPacket(message, message.length, proxy));
  }

  /** Collects messages arriving at the next hop until {@code count} arrived or {@code millis} passed. */
  List<String> forwardedWithin(int count, int millis) throws IOException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    List<String> forwarded = new ArrayList<>();
    nextHop.setSoTimeout(10);
    while (forwarded.size() < count && System.nanoTime() < deadline) {
      String f = receive(nextHop);
      if (f != null) {
        forwarded.add(f);
      }
    }
    return forwarded;
  }

  Outcome send(byte[] message) throws IOException {
    peer.send(new DatagramPacket(message, message.length, proxy));
    String probeId = "probe-" + (++probes) + "-" + System.nanoTime();
    byte[] options = ("OPTIONS sip:" + proxy.getAddress().getHostAddress() + ":" + proxy.getPort()
        + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + peer.getLocalPort() + ";branch=z9hG4bK" + probeId + "\r\n"
        + "From: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:probe@127.0.0.1>\r\n"
        + "Call-ID: " + probeId + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    peer.send(new DatagramPacket(options, options.length, proxy));
    List<String> answers = new ArrayList<>();
    peer.setSoTimeout(5000);
    while (true) {
      String r = receive(peer);
      if (r == null) {
        throw new AssertionError("the proxy did not answer the OPTIONS probe within 5 s");
      }
      if (r.contains(probeId)) {
        break;
      }
      answers.add(r);
    }
    List<String> forwarded = new ArrayList<>();
    nextHop.setSoTimeout(30);
    String f;
    while ((f = receive(nextHop)) != null) {
      forwarded.add(f);
    }
    return new Outcome(forwarded, answers);
  }

  /**
   * Sends one message and waits up to {@code millis} for the first thing the proxy does with it (an answer
   * to the sender or a message at the next hop): for decisions that wait on something, such as a remote
   * lookup, where the OPTIONS probe of {@link #send} could overtake them.
   */
  Outcome sendAndWait(byte[] message, int millis) throws IOException {
    peer.send(new DatagramPacket(message, message.length, proxy));
    long deadline = System.nanoTime() + millis * 1_000_000L;
    List<String> answers = new ArrayList<>();
    List<String> forwarded = new ArrayList<>();
    peer.setSoTimeout(10);
    nextHop.setSoTimeout(10);
    while (answers.isEmpty() && forwarded.isEmpty() && System.nanoTime() < deadline) {
      String a = receive(peer);
      if (a != null) {
        answers.add(a);
      }
      String f = receive(nextHop);
      if (f != null) {
        forwarded.add(f);
      }
    }
    return new Outcome(forwarded, answers);
  }

  private static String receive(DatagramSocket s) throws IOException {
    byte[] buf = new byte[70000];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      s.receive(p);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    nextHop.close();
    peer.close();
  }
}
