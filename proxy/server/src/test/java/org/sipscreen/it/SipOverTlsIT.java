package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.TestPki;
import org.sipscreen.transport.TlsFiles;

/**
 * SIP over TLS with JAIN-SIP RI user agents as the independent peers (their TLS is the JDK's SSLSocket):
 * a caller on TLS calls a callee on TLS through the proxy, which verifies the caller's client certificate
 * against the CA and the peer's configured name, and the callee's server certificate against the CA and the
 * next hop's address. Refused handshakes, a wrong peer certificate and plain text on the TLS port are counted.
 */
@Timeout(120)
class SipOverTlsIT {

  @TempDir
  Path dir;

  private Sipscreen running;
  private JainSipAgent caller;
  private JainSipAgent callee;

  @AfterEach
  void stop() {
    if (caller != null) {
      caller.close();
    }
    if (callee != null) {
      callee.close();
    }
    if (running != null) {
      running.close();
    }
  }

  private int tlsPort;

  private TlsTestFiles start(String provider, int calleePort, String peerTls) throws Exception {
    return start(provider, "sip:127.0.0.1:" + calleePort + ";transport=tls", peerTls);
  }

  private int udpPort;

  private TlsTestFiles start(String provider, String defaultRoute, String peerTls) throws Exception {
    TlsTestFiles files = new TlsTestFiles(dir);
    tlsPort = Ports.free();
    udpPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen:
            - {address: 127.0.0.1, port: %d, transports: [udp, tcp]}
            - {address: 127.0.0.1, port: %d, transports: [tls]}
          warmup_calls: 0
        %s
        routing:
          default_route: "%s"
          next_hop_networks: [127.0.0.0/8]
        http: {address: 127.0.0.1, port: 0}
        peers:
          local:
            networks: [127.0.0.0/8]
        %s
        """.formatted(udpPort, tlsPort, files.tlsSection(provider), defaultRoute, peerTls));
    running = Sipscreen.start(Sipscreen.prepare(config));
    return files;
  }

  private double handshakes(String direction, String result) {
    return running.metrics().counterValue("sipscreen_tls_handshakes", direction, result);
  }

  @Test
  void jainSipCallOverTlsCompletesThroughTheProxyWithBoringSsl() throws Exception {
    callOverTls("openssl");
  }

  @Test
  void jainSipCallOverTlsCompletesThroughTheProxyWithJdkTls() throws Exception {
    callOverTls("jdk");
  }

  private void callOverTls(String provider) throws Exception {
    int calleePort = Ports.free();
    TlsTestFiles files = start(provider, calleePort,
        "    tls: {subject_alt_names: [caller.peer.test]}");
    callee = JainSipAgent.tls("callee", calleePort, true,
        files.keyStore("callee", List.of("callee.test"), List.of("127.0.0.1")), files.trustStore());
    caller = JainSipAgent.tls("caller", Ports.free(), false,
        files.keyStore("caller", List.of("caller.peer.test"), List.of()), files.trustStore());

    ClientTransaction invite = caller.invite(TestProxy.CLEAN, "+13105550100", tlsPort);
    Request atCallee = callee.requests.poll(10, TimeUnit.SECONDS);
    assertThat(atCallee).as("INVITE at the callee").isNotNull();
    ViaHeader top = (ViaHeader) atCallee.getHeader(ViaHeader.NAME);
    assertThat(top.getTransport()).isEqualToIgnoringCase("TLS");
    assertThat(top.getBranch()).startsWith("z9hG4bK-ss-");
    assertThat(atCallee.getHeader("Record-Route").toString()).contains("transport=tls");

    Response ok = caller.responses.poll(10, TimeUnit.SECONDS);
    while (ok != null && ok.getStatusCode() < 200) {
      ok = caller.responses.poll(10, TimeUnit.SECONDS);
    }
    assertThat(ok).as("200 OK at the caller").isNotNull();
    assertThat(ok.getStatusCode()).isEqualTo(200);
    Dialog dialog = invite.getDialog();
    Request ack = dialog.createAck(((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber());
    dialog.sendAck(ack);
    Request ackAtCallee = callee.requests.poll(10, TimeUnit.SECONDS);
    assertThat(ackAtCallee).as("ACK at the callee").isNotNull();
    assertThat(ackAtCallee.getMethod()).isEqualTo(Request.ACK);

    Request bye = dialog.createRequest(Request.BYE);
    dialog.sendRequest(caller.provider.getNewClientTransaction(bye));
    Request byeAtCallee = callee.requests.poll(10, TimeUnit.SECONDS);
    assertThat(byeAtCallee).as("BYE at the callee").isNotNull();
    assertThat(byeAtCallee.getMethod()).isEqualTo(Request.BYE);
    Response byeOk = caller.responses.poll(10, TimeUnit.SECONDS);
    assertThat(byeOk).as("200 for BYE at the caller").isNotNull();
    assertThat(byeOk.getStatusCode()).isEqualTo(200);

    assertThat(handshakes("inbound", "ok")).isGreaterThanOrEqualTo(1);
    assertThat(handshakes("outbound", "ok")).isGreaterThanOrEqualTo(1);
    assertThat(handshakes("inbound", "peer_mismatch")).isZero();
    assertThat(running.metrics().counterValue("sipscreen_requests_received", "INVITE", "tls")).isEqualTo(1);
    assertThat(running.metrics().counterValue("sipscreen_requests_forwarded", "INVITE", "tls")).isEqualTo(1);
  }

  @Test
  void jainSipSipsCallGoesOverTlsOnEveryHopAndItsDialogComesBackOverTls() throws Exception {
    int calleePort = Ports.free();
    TlsTestFiles files = start("auto", calleePort, "    tls: {subject_alt_names: [caller.peer.test]}");
    callee = JainSipAgent.tls("callee", calleePort, true,
        files.keyStore("callee", List.of("callee.test"), List.of("127.0.0.1")), files.trustStore());
    caller = JainSipAgent.tls("caller", Ports.free(), false,
        files.keyStore("caller", List.of("caller.peer.test"), List.of()), files.trustStore());

    ClientTransaction invite = caller.invite(TestProxy.CLEAN, "+13105550100", tlsPort, true);
    Request atCallee = callee.requests.poll(10, TimeUnit.SECONDS);
    assertThat(atCallee).as("INVITE at the callee").isNotNull();
    assertThat(atCallee.getRequestURI().getScheme()).isEqualTo("sips");
    assertThat(((ViaHeader) atCallee.getHeader(ViaHeader.NAME)).getTransport()).isEqualToIgnoringCase("TLS");
    assertThat(atCallee.getHeader("Record-Route").toString())
        .contains("<sips:127.0.0.1:" + tlsPort + ";lr>").doesNotContain("transport=");

    Response ok = finalResponse(caller);
    assertThat(ok.getStatusCode()).isEqualTo(200);
    Dialog dialog = invite.getDialog();
    dialog.sendAck(dialog.createAck(((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber()));
    Request ackAtCallee = callee.requests.poll(10, TimeUnit.SECONDS);
    assertThat(ackAtCallee).as("ACK at the callee").isNotNull();
    assertThat(ackAtCallee.getMethod()).isEqualTo(Request.ACK);

    Request bye = dialog.createRequest(Request.BYE);
    assertThat(bye.getHeader("Route").toString()).as("the caller's route set is our sips: entry")
        .contains("sips:127.0.0.1:" + tlsPort);
    dialog.sendRequest(caller.provider.getNewClientTransaction(bye));
    Request byeAtCallee = callee.requests.poll(10, TimeUnit.SECONDS);
    assertThat(byeAtCallee).as("BYE at the callee").isNotNull();
    assertThat(byeAtCallee.getMethod()).isEqualTo(Request.BYE);
    assertThat(((ViaHeader) byeAtCallee.getHeader(ViaHeader.NAME)).getTransport()).isEqualToIgnoringCase("TLS");
    assertThat(finalResponse(caller).getStatusCode()).as("200 for BYE").isEqualTo(200);

    assertThat(running.metrics().counterValue("sipscreen_sips_requests", "forwarded")).isEqualTo(3);
    assertThat(running.metrics().counterValue("sipscreen_requests_received", "BYE", "tls")).isEqualTo(1);
    assertThat(running.metrics().counterValue("sipscreen_requests_forwarded", "BYE", "tls")).isEqualTo(1);
  }

  @Test
  void jainSipSipsCallToANextHopWithoutTlsIsAnswered480WithWarning380() throws Exception {
    TlsTestFiles files = start("auto", "sip:127.0.0.1:" + Ports.free() + ";transport=udp", "");
    caller = JainSipAgent.tls("caller", Ports.free(), false,
        files.keyStore("caller", List.of("caller.peer.test"), List.of()), files.trustStore());

    caller.invite(TestProxy.CLEAN, "+13105550100", tlsPort, true);
    Response refused = finalResponse(caller);
    assertThat(refused.getStatusCode()).isEqualTo(480);
    assertThat(refused.getHeader("Warning").toString()).contains("380").contains("SIPS Not Allowed");
    assertThat(running.metrics().counterValue("sipscreen_sips_requests", "refused_no_tls_next_hop"))
        .isEqualTo(1);
    assertThat(running.metrics().counterValue("sipscreen_requests_forwarded", "INVITE", "udp")).isZero();
  }

  @Test
  void sipsInviteOverUdpIsAnswered480ButASipsEmergencyCallGoesOn() throws Exception {
    try (WireProbe probe = new WireProbe()) {
      start("auto", probe.nextHopUri(), "");
      probe.target(udpPort);
      WireProbe.Outcome refused = probe.send(sipsInviteOverUdp("+13105550100", probe.peerPort()));
      assertThat(refused.describe()).isEqualTo("answered 480");
      assertThat(refused.answers().get(0)).contains("\r\nWarning: 380 127.0.0.1:" + udpPort
          + " \"SIPS Not Allowed\"\r\n");
      WireProbe.Outcome emergency = probe.send(sipsInviteOverUdp("911", probe.peerPort()));
      assertThat(emergency.describe()).isEqualTo("forwarded");
      assertThat(emergency.forwarded().get(0)).startsWith("INVITE sips:911@127.0.0.1 SIP/2.0\r\n");
      assertThat(running.metrics().counterValue("sipscreen_sips_requests", "refused_not_tls")).isEqualTo(1);
      assertThat(running.metrics().counterValue("sipscreen_sips_requests", "emergency_not_tls")).isEqualTo(1);
    }
  }

  private static byte[] sipsInviteOverUdp(String callee, int fromPort) {
    String id = callee + "-" + System.nanoTime();
    return ("INVITE sips:" + callee + "@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + fromPort + ";branch=z9hG4bK-" + id + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sips:" + TestProxy.CLEAN + "@127.0.0.1;user=phone>;tag=" + id + "\r\n"
        + "To: <sips:" + callee + "@127.0.0.1>\r\n"
        + "Call-ID: " + id + "\r\nCSeq: 1 INVITE\r\n"
        + "Contact: <sips:caller@127.0.0.1:" + fromPort + ">\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The first final response the agent receives (provisional ones are skipped). */
  private static Response finalResponse(JainSipAgent agent) throws InterruptedException {
    Response r = agent.responses.poll(10, TimeUnit.SECONDS);
    while (r != null && r.getStatusCode() < 200) {
      r = agent.responses.poll(10, TimeUnit.SECONDS);
    }
    assertThat(r).as("a final response").isNotNull();
    return r;
  }

  @Test
  void peerPresentingACertificateWithoutItsNameIsRefusedAndNothingReachesTheCallee() throws Exception {
    int calleePort = Ports.free();
    TlsTestFiles files = start("auto", calleePort, "    tls: {subject_alt_names: [caller.peer.test]}");
    callee = JainSipAgent.tls("callee", calleePort, true,
        files.keyStore("callee", List.of(), List.of("127.0.0.1")), files.trustStore());
    caller = JainSipAgent.tls("caller", Ports.free(), false,
        files.keyStore("stranger", List.of("stranger.test"), List.of()), files.trustStore());

    caller.invite(TestProxy.CLEAN, "+13105550100", tlsPort);
    Await.atLeast("peer_mismatch counted", () -> handshakes("inbound", "peer_mismatch"), 1);
    assertThat(callee.requests.poll(500, TimeUnit.MILLISECONDS)).isNull();
    assertThat(running.metrics().counterValue("sipscreen_requests_received", "INVITE", "tls")).isZero();
  }

  @Test
  void peerIdentifiedByTheFingerprintOfItsCertificateGetsThrough() throws Exception {
    TlsTestFiles files = new TlsTestFiles(dir);
    // The fingerprint is of a certificate made before the proxy starts, so the config can name it.
    TestPki.Issued client = TestPki.tlsLeaf(files.ca, "fingerprinted", List.of("other.test"), List.of());
    String fingerprint = TlsFiles.fingerprint(client.certificate());
    tlsPort = Ports.free();
    Files.writeString(dir.resolve("sipscreen.yaml"), """
        sip:
          listen:
            - {address: 127.0.0.1, port: %d, transports: [tls]}
          warmup_calls: 0
        %s
        routing:
          default_route: "sip:127.0.0.1:%d;transport=udp"
          next_hop_networks: [127.0.0.0/8]
        http: {address: 127.0.0.1, port: 0}
        peers:
          local:
            networks: [127.0.0.0/8]
            tls: {sha256_fingerprints: ["%s"]}
        """.formatted(tlsPort, files.tlsSection("auto"), Ports.free(), colons(fingerprint)));
    running = Sipscreen.start(Sipscreen.prepare(dir.resolve("sipscreen.yaml")));

    assertThat(handshakeAndOptions(files.clientContext(client))).startsWith("SIP/2.0 200");
    TestPki.Issued stranger = TestPki.tlsLeaf(files.ca, "stranger", List.of("other.test"), List.of());
    assertThat(handshakeAndOptions(files.clientContext(stranger))).isEmpty();
    assertThat(handshakes("inbound", "ok")).isEqualTo(1);
    assertThat(handshakes("inbound", "peer_mismatch")).isEqualTo(1);
  }

  @Test
  void clientWithoutCertificateIsRefusedWhereOneIsRequired() throws Exception {
    TlsTestFiles files = start("auto", Ports.free(), "");
    assertThat(handshakeAndOptions(files.clientContext(null))).isEmpty();
    Await.atLeast("failed handshake counted", () -> handshakes("inbound", "failed"), 1);
    TestPki.Issued anyPeer = TestPki.tlsLeaf(files.ca, "any", List.of("any.test"), List.of());
    assertThat(handshakeAndOptions(files.clientContext(anyPeer))).startsWith("SIP/2.0 200");
  }

  @Test
  void plainTextOnTheTlsPortIsCountedAndTheConnectionClosed() throws Exception {
    start("auto", Ports.free(), "");
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", tlsPort), 5000);
      plain.setSoTimeout(10_000);
      plain.getOutputStream().write(options().getBytes(StandardCharsets.US_ASCII));
      assertThat(plain.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
    }
    Await.atLeast("not_tls counted", () -> handshakes("inbound", "not_tls"), 1);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"openssl", "jdk"})
  void nextHopWhoseCertificateDoesNotNameItsAddressIsNotSentTo(String provider) throws Exception {
    int calleePort = Ports.free();
    TlsTestFiles files = start(provider, calleePort, "");
    // The callee's certificate is the CA's, but names only a DNS name: the next hop is 127.0.0.1.
    callee = JainSipAgent.tls("callee", calleePort, true,
        files.keyStore("callee", List.of("callee.test"), List.of()), files.trustStore());
    caller = JainSipAgent.tls("caller", Ports.free(), false,
        files.keyStore("caller", List.of("caller.peer.test"), List.of()), files.trustStore());
    caller.invite(TestProxy.CLEAN, "+13105550100", tlsPort);
    Await.atLeast("outbound name mismatch", () -> handshakes("outbound", "name_mismatch"), 1);
    assertThat(callee.requests.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void replacedCertificateServesNewConnectionsAndABadOneIsRefused() throws Exception {
    TlsTestFiles files = start("auto", Ports.free(), "");
    TestPki.Issued peer = TestPki.tlsLeaf(files.ca, "peer", List.of("peer.test"), List.of());
    String first = presented(files.clientContext(peer));
    assertThat(first).isEqualTo(TlsFiles.fingerprint(files.proxy.certificate()));

    TestPki.Issued renewed = TestPki.tlsLeaf(files.ca, "sipscreen.test", List.of("sipscreen.test"),
        List.of("127.0.0.1"));
    files.writeProxy(renewed);
    Await.atLeast("reload counted", () -> running.metrics().counterValue("sipscreen_tls_reloads", "ok"), 1);
    assertThat(presented(files.clientContext(peer))).isEqualTo(TlsFiles.fingerprint(renewed.certificate()));

    Files.writeString(dir.resolve("proxy.crt"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n");
    Await.atLeast("refusal counted", () -> running.metrics().counterValue("sipscreen_tls_reloads", "refused"),
        1);
    assertThat(presented(files.clientContext(peer))).isEqualTo(TlsFiles.fingerprint(renewed.certificate()));
  }

  private static String colons(String hex) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 2) {
      out.append(i == 0 ? "" : ":").append(hex, i, i + 2);
    }
    return out.toString().toUpperCase(java.util.Locale.ROOT);
  }

  private String options() {
    return "OPTIONS sip:127.0.0.1:" + tlsPort + ";transport=tls SIP/2.0\r\n"
        + "Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK-tls-" + System.nanoTime() + "\r\n"
        + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
        + "Call-ID: tls-" + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  }

  /** The first line of the answer to an OPTIONS sent over TLS, or "" when the connection ends first. */
  private String handshakeAndOptions(javax.net.ssl.SSLContext context) throws Exception {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", tlsPort), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(options().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
        line.append((char) b);
      }
      return line.toString();
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** The fingerprint of the certificate the proxy presents to a new connection. */
  private String presented(javax.net.ssl.SSLContext context) throws Exception {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
      socket.startHandshake();
      return TlsFiles.fingerprint((java.security.cert.X509Certificate) socket.getSession()
          .getPeerCertificates()[0]);
    }
  }
}
