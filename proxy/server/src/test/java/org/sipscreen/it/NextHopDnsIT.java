package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.proxy.NextHopSet;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Dnsmasq;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * A next hop named by DNS, with a real dnsmasq as its name server and SIPp next hops: calls go to the best
 * SRV target; when the records change the hop set follows while calls go on; a name that resolves outside
 * the next-hop networks is refused and counted; with the name server gone the last good answer stays and
 * calls still complete. A TLS next hop named by DNS ({@code _sips._tcp} SRV) gets calls over TLS when its
 * certificate carries the configured name (sent as SNI), and none when it carries another name, even with
 * the right address (test CA and certificates made by the test: {@link TlsTestFiles}, test keys only).
 */
@Timeout(180)
class NextHopDnsIT {

  @TempDir
  Path dir;
  Sipscreen running;
  Dnsmasq dns;
  final List<Process> hops = new ArrayList<>();
  int sipPort;
  JainSipAgent caller;
  JainSipAgent callee;

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  @AfterEach
  void stop() {
    if (caller != null) {
      caller.close();
    }
    if (callee != null) {
      callee.close();
    }
    hops.forEach(Process::destroyForcibly);
    if (running != null) {
      running.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  /** A SIPp next hop on {@code port} that answers calls until it is killed. */
  Process hop(int port) throws Exception {
    Process p = Sipp.hop(dir, port);
    hops.add(p);
    return p;
  }

  Sipp.Result calls(int n) throws Exception {
    return Sipp.uac(dir, "uac-call.xml", sipPort, "u1", n, 20, "+13105550100",
        Map.of("caller", TestProxy.CLEAN));
  }

  /** The SRV records of core.test: a target per port, each with its priority. */
  static List<String> records(int portA, int priorityA, int portB, int priorityB) {
    return List.of("--local=/test/",
        "--srv-host=_sip._udp.core.test,a.core.test," + portA + "," + priorityA + ",1",
        "--srv-host=_sip._udp.core.test,b.core.test," + portB + "," + priorityB + ",1",
        "--host-record=a.core.test,127.0.0.1",
        "--host-record=b.core.test,127.0.0.1",
        "--host-record=outside.test,192.0.2.66");
  }

  NextHopSet nextHops() {
    return running.proxy().settings().nextHops();
  }

  double dnsResolutions(String name, String result) {
    return running.metrics().counterValue("sipscreen_next_hop_dns_resolutions", name, result);
  }

  @Test
  void callsFollowTheSrvRecordsAndTheLastGoodAnswerStaysWhileTheNameServerIsDown() throws Exception {
    int portA = Ports.free();
    int portB = Ports.free();
    Process hopA = hop(portA);
    dns = Dnsmasq.start(dir.resolve("dns"), 1, records(portA, 10, portB, 20));
    sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp]}]
          warmup_calls: 0
        routing:
          next_hops:
            - {uri: "sip:core.test"}
            - {uri: "sip:outside.test:5060", priority: 5}
          next_hop_networks: [127.0.0.0/8]
          dns: {servers: ["%s"], min_ttl: 1s, max_ttl: 2s, timeout: 300ms}
        http: {address: 127.0.0.1, port: 0}
        peers:
          local: {networks: [127.0.0.0/8]}
        """.formatted(sipPort, dns.server()));
    running = Sipscreen.start(Sipscreen.prepare(config));

    // Both SRV targets are hops with their priorities; outside.test's address is refused, never a hop.
    assertThat(nextHops().members()).extracting(m -> m.hop().address().getPort() + "/" + m.priority())
        .containsExactly(portA + "/10", portB + "/20");
    assertThat(nextHops().members()).allSatisfy(m -> assertThat(m.source()).isEqualTo("sip:core.test"));
    Await.atLeast("outside.test refused", () -> running.metrics().counterValue(
        "sipscreen_next_hop_dns_refused", "sip:outside.test:5060"), 1);

    // Only A runs: every call completes, so every call went to the best target.
    Sipp.Result first = calls(20);
    assertThat(first.successful()).as(first.output()).isEqualTo(20);

    // B becomes the best target while calls go on (both hops answer meanwhile), then A dies.
    hop(portB);
    CompletableFuture<Sipp.Result> during = CompletableFuture.supplyAsync(() -> {
      try {
        return calls(40);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    dns.restart(1, records(portA, 20, portB, 10));
    Await.until("B is the best hop", () -> nextHops().first().address().getPort() == portB);
    assertThat(during.get().failed()).as(during.get().output()).isZero();
    hopA.destroyForcibly().waitFor();
    Sipp.Result afterChange = calls(20);
    assertThat(afterChange.successful()).as(afterChange.output()).isEqualTo(20);

    // The name server dies: resolutions fail, the last good answer stays, calls still reach B.
    List<NextHopSet.Member> lastGood = nextHops().members();
    double failedBefore = dnsResolutions("sip:core.test", "failed");
    dns.kill();
    Await.atLeast("two failed resolutions", () -> dnsResolutions("sip:core.test", "failed"),
        failedBefore + 2);
    assertThat(nextHops().members()).isEqualTo(lastGood);
    Sipp.Result dnsDown = calls(20);
    assertThat(dnsDown.successful()).as(dnsDown.output()).isEqualTo(20);

    JsonNode view = new ObjectMapper().readTree(adminNextHops());
    assertThat(view.path("next_hops").findValuesAsText("name")).containsOnly("sip:core.test").hasSize(2);
    assertThat(view.path("names").toString()).contains("sip:core.test", "sip:outside.test:5060");
  }

  @Test
  void aReloadResolvesNewNamesAndIsRefusedWhenNoNextHopResolves() throws Exception {
    int portA = Ports.free();
    int portB = Ports.free();
    hop(portB);
    dns = Dnsmasq.start(dir.resolve("dns"), 60, records(portA, 20, portB, 10));
    sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    String yaml = """
        sip:
          listen: [{address: 127.0.0.1, port: %d, transports: [udp]}]
          warmup_calls: 0
        routing:
          next_hops:
            - {uri: "%s"}
          next_hop_networks: [127.0.0.0/8]
          dns: {servers: ["%s"], timeout: 300ms}
        http: {address: 127.0.0.1, port: 0}
        peers:
          local: {networks: [127.0.0.0/8]}
        """;
    Files.writeString(config, yaml.formatted(sipPort, "sip:127.0.0.1:" + portA, dns.server()));
    running = Sipscreen.start(Sipscreen.prepare(config));
    assertThat(nextHops().names()).isEmpty();

    // A reload to a name: resolved before it applies, so the first call after it already goes to B.
    Files.writeString(config, yaml.formatted(sipPort, "sip:core.test", dns.server()));
    assertThat(running.reloader().reload("test").get(30, java.util.concurrent.TimeUnit.SECONDS).error())
        .isEmpty();
    assertThat(nextHops().first().address().getPort()).isEqualTo(portB);
    Sipp.Result calls = calls(10);
    assertThat(calls.successful()).as(calls.output()).isEqualTo(10);

    // A reload to a name that does not exist has no next hop at all: refused, the running hops stay.
    Files.writeString(config, yaml.formatted(sipPort, "sip:nowhere.test", dns.server()));
    var refused = running.reloader().reload("test").get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(refused.error()).hasValueSatisfying(e -> assertThat(e)
        .contains("routing.next_hops: no next hop has an address (sip:nowhere.test: no SRV, A or AAAA record)"));
    assertThat(nextHops().first().address().getPort()).isEqualTo(portB);
    assertThat(nextHops().names()).extracting(n -> n.uri()).containsExactly("sip:core.test");
  }

  // ------------------------------------------------------------------------- TLS next hops named by DNS

  /** core.test's TLS service: an SRV record to a.core.test on {@code port}, which is 127.0.0.1. */
  static List<String> tlsRecords(int port) {
    return List.of("--local=/test/",
        "--srv-host=_sips._tcp.core.test,a.core.test," + port + ",10,1",
        "--host-record=a.core.test,127.0.0.1");
  }

  /** The proxy on UDP and TLS, its one next hop {@code sip:core.test;transport=tls}, resolved by dnsmasq. */
  void startWithTlsNextHop(TlsTestFiles files, String provider) throws Exception {
    sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen:
            - {address: 127.0.0.1, port: %d, transports: [udp]}
            - {address: 127.0.0.1, port: %d, transports: [tls]}
          warmup_calls: 0
        %s
        routing:
          next_hops: [{uri: "sip:core.test;transport=tls"}]
          next_hop_networks: [127.0.0.0/8]
          dns: {servers: ["%s"], timeout: 300ms}
        http: {address: 127.0.0.1, port: 0}
        peers:
          local: {networks: [127.0.0.0/8]}
        """.formatted(sipPort, Ports.free(), files.tlsSection(provider), dns.server()));
    running = Sipscreen.start(Sipscreen.prepare(config));
  }

  double outboundHandshakes(String result) {
    return running.metrics().counterValue("sipscreen_tls_handshakes", "outbound", result);
  }

  @Test
  void aTlsNextHopNamedByDnsCarriesAWholeCallWhenItsCertificateNamesIt() throws Exception {
    TlsTestFiles files = new TlsTestFiles(dir);
    int calleePort = Ports.free();
    // The certificate names core.test only: not the SRV target, not the address (RFC 5922 §4).
    callee = JainSipAgent.tls("callee", calleePort, true,
        files.keyStore("callee", List.of("core.test"), List.of()), files.trustStore());
    dns = Dnsmasq.start(dir.resolve("dns"), 60, tlsRecords(calleePort));
    startWithTlsNextHop(files, "auto");
    assertThat(nextHops().members()).extracting(m -> m.hop().tlsName().orElse("-") + "@"
        + m.hop().address().getPort()).containsExactly("core.test@" + calleePort);

    caller = JainSipAgent.udp("caller", Ports.free(), false);
    javax.sip.ClientTransaction invite = caller.invite(TestProxy.CLEAN, "+13105550100", sipPort);
    javax.sip.message.Request atCallee = callee.requests.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(atCallee).as("INVITE at the callee").isNotNull();
    assertThat(((javax.sip.header.ViaHeader) atCallee.getHeader(javax.sip.header.ViaHeader.NAME))
        .getTransport()).isEqualToIgnoringCase("TLS");
    javax.sip.message.Response ok = caller.responses.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    while (ok != null && ok.getStatusCode() < 200) {
      ok = caller.responses.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(ok).as("200 OK at the caller").isNotNull();
    assertThat(ok.getStatusCode()).isEqualTo(200);
    // The ACK and BYE go to the callee's Contact address, on the connection open to it.
    javax.sip.Dialog dialog = invite.getDialog();
    dialog.sendAck(dialog.createAck(((javax.sip.header.CSeqHeader) ok.getHeader(
        javax.sip.header.CSeqHeader.NAME)).getSeqNumber()));
    dialog.sendRequest(caller.provider.getNewClientTransaction(dialog.createRequest(
        javax.sip.message.Request.BYE)));
    assertThat(callee.requests.poll(10, java.util.concurrent.TimeUnit.SECONDS)).as("ACK").isNotNull()
        .extracting(javax.sip.message.Request::getMethod).isEqualTo("ACK");
    assertThat(callee.requests.poll(10, java.util.concurrent.TimeUnit.SECONDS)).as("BYE").isNotNull()
        .extracting(javax.sip.message.Request::getMethod).isEqualTo("BYE");

    assertThat(outboundHandshakes("ok")).isEqualTo(1);
    assertThat(outboundHandshakes("name_mismatch") + outboundHandshakes("failed")).isZero();
    assertThat(running.metrics().counterValue("sipscreen_requests_forwarded", "BYE", "tls")).isEqualTo(1);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"openssl", "jdk"})
  void aTlsNextHopNamedByDnsIsSentTheNameAsSni(String provider) throws Exception {
    TlsTestFiles files = new TlsTestFiles(dir);
    try (RawTlsHop hop = new RawTlsHop(files.clientContext(
        org.sipscreen.testkit.TestPki.tlsLeaf(files.ca, "core", List.of("core.test"), List.of())))) {
      dns = Dnsmasq.start(dir.resolve("dns"), 60, tlsRecords(hop.port()));
      startWithTlsNextHop(files, provider);
      caller = JainSipAgent.udp("caller", Ports.free(), false);
      caller.invite(TestProxy.CLEAN, "+13105550100", sipPort);
      assertThat(hop.firstMessage.get(10, java.util.concurrent.TimeUnit.SECONDS)).startsWith("INVITE sip:");
      assertThat(hop.serverNames).containsExactly("core.test");
      assertThat(outboundHandshakes("ok")).isEqualTo(1);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"openssl, other.test", "jdk, other.test", "openssl, *.test",
      "jdk, *.test"})
  void aTlsNextHopNamedByDnsWhoseCertificateNamesAnotherHostGetsNothing(String provider, String certificateName)
      throws Exception {
    TlsTestFiles files = new TlsTestFiles(dir);
    int calleePort = Ports.free();
    // Another name (or the name only through a wildcard, RFC 5922 §7.2), but the right address: a check of
    // the address alone would let it through.
    callee = JainSipAgent.tls("callee", calleePort, true,
        files.keyStore("callee", List.of(certificateName), List.of("127.0.0.1")), files.trustStore());
    dns = Dnsmasq.start(dir.resolve("dns"), 60, tlsRecords(calleePort));
    startWithTlsNextHop(files, provider);
    caller = JainSipAgent.udp("caller", Ports.free(), false);
    caller.invite(TestProxy.CLEAN, "+13105550100", sipPort);
    Await.atLeast("name_mismatch counted", () -> outboundHandshakes("name_mismatch"), 1);
    assertThat(callee.requests.poll(500, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
    assertThat(outboundHandshakes("ok")).isZero();
  }

  /**
   * A TLS next hop that is a bare JDK server socket: it records the SNI names of the first connection and
   * the first message on it, and answers nothing.
   */
  static final class RawTlsHop implements AutoCloseable {
    final javax.net.ssl.SSLServerSocket server;
    final List<String> serverNames = new java.util.concurrent.CopyOnWriteArrayList<>();
    final CompletableFuture<String> firstMessage = new CompletableFuture<>();

    RawTlsHop(javax.net.ssl.SSLContext context) throws java.io.IOException {
      server = (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 8,
          java.net.InetAddress.getByName("127.0.0.1"));
      Thread t = new Thread(this::serve, "raw-tls-hop");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) server.accept()) {
        s.startHandshake();
        for (javax.net.ssl.SNIServerName n
            : ((javax.net.ssl.ExtendedSSLSession) s.getSession()).getRequestedServerNames()) {
          serverNames.add(new String(n.getEncoded(), java.nio.charset.StandardCharsets.US_ASCII));
        }
        StringBuilder text = new StringBuilder();
        java.io.InputStream in = s.getInputStream();
        for (int b = in.read(); b >= 0 && text.indexOf("\r\n\r\n") < 0; b = in.read()) {
          text.append((char) b);
        }
        firstMessage.complete(text.toString());
      } catch (java.io.IOException e) {
        firstMessage.completeExceptionally(e);
      }
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
    }
  }

  String adminNextHops() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + running.httpAddress().getPort() + "/admin/next-hops")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
