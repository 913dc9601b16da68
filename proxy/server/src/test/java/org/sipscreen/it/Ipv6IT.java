package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Ports;

/** The proxy on an IPv6 listener: forwards to an IPv6 default route and relays the answer back. */
@Timeout(120)
class Ipv6IT {

  @Test
  void forwardsAndRelaysOverIpv6Loopback(@TempDir Path dir) throws Exception {
    InetAddress lo6 = InetAddress.getByName("::1");
    try (DatagramSocket next = new DatagramSocket(new InetSocketAddress(lo6, 0));
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(lo6, 0))) {
      int port = Ports.free();
      Path config = dir.resolve("v6.yaml");
      Files.writeString(config, """
          sip:
            listen:
              - { address: "::1", port: %d, transports: [udp] }
          routing:
            default_route: "sip:[::1]:%d"
            next_hop_networks: ["::1/128"]
          http: { address: "::1", port: 0 }
          screening:
            source_peer:
              peers:
                local: { networks: ["::1/128"] }
          """.formatted(port, next.getLocalPort()));
      try (Sipscreen proxy = Sipscreen.start(Sipscreen.prepare(config))) {
        String invite = "INVITE sip:+13105550100@[::1] SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP [::1]:" + peer.getLocalPort() + ";branch=z9hG4bK-v6-1;rport\r\n"
            + "From: <sip:+13125550100@[::1];user=phone>;tag=v6\r\nTo: <sip:+13105550100@[::1]>\r\n"
            + "Call-ID: v6-call\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        byte[] b = invite.getBytes(StandardCharsets.US_ASCII);
        peer.send(new DatagramPacket(b, b.length, new InetSocketAddress(lo6, port)));

        next.setSoTimeout(5000);
        DatagramPacket got = new DatagramPacket(new byte[4096], 4096);
        next.receive(got);
        String forwarded = new String(got.getData(), 0, got.getLength(), StandardCharsets.ISO_8859_1);
        assertThat(forwarded).contains("Via: SIP/2.0/UDP [0:0:0:0:0:0:0:1]:" + port + ";branch=z9hG4bK-ss-")
            .contains(";received=0:0:0:0:0:0:0:1;rport=" + peer.getLocalPort())
            .contains("Record-Route: <sip:[0:0:0:0:0:0:0:1]:" + port + ";lr>");

        // The callee answers; the proxy strips its Via and relays to the caller.
        String vias = forwarded.lines().filter(l -> l.startsWith("Via:"))
            .reduce("", (a, l) -> a + l + "\r\n");
        String ok = "SIP/2.0 486 Busy Here\r\n" + vias
            + "From: <sip:+13125550100@[::1];user=phone>;tag=v6\r\nTo: <sip:+13105550100@[::1]>;tag=b\r\n"
            + "Call-ID: v6-call\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        byte[] ob = ok.getBytes(StandardCharsets.US_ASCII);
        next.send(new DatagramPacket(ob, ob.length, got.getSocketAddress()));
        peer.setSoTimeout(5000);
        DatagramPacket back = new DatagramPacket(new byte[4096], 4096);
        peer.receive(back);
        String relayed = new String(back.getData(), 0, back.getLength(), StandardCharsets.ISO_8859_1);
        assertThat(relayed).startsWith("SIP/2.0 486 Busy Here").doesNotContain("z9hG4bK-ss-")
            .contains("branch=z9hG4bK-v6-1");
      }
    }
  }
}
