package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;
import org.sipscreen.testkit.TestPki;

/**
 * Kamailio with its tls module (OpenSSL) as the independent TLS peer, on both sides of the proxy: SIPp calls
 * Kamailio over UDP, Kamailio relays to sipscreen over TLS presenting its client certificate (the peer is
 * known by the name in it), sipscreen forwards to Kamailio's TLS listener, verifying its certificate and
 * address, and Kamailio relays to the SIPp callee over UDP. ACK and BYE follow the Record-Route set through
 * both TLS legs.
 */
@Timeout(180)
class KamailioTlsPeerIT {

  private static final int CALLS = 5;

  @TempDir
  Path dir;

  private Sipscreen running;
  private Process kamailio;
  private Process uas;

  @AfterEach
  void stop() throws InterruptedException {
    if (kamailio != null) {
      kamailio.destroy();
      if (!kamailio.waitFor(10, TimeUnit.SECONDS)) {
        kamailio.destroyForcibly();
      }
    }
    if (uas != null) {
      uas.destroyForcibly();
    }
    if (running != null) {
      running.close();
    }
  }

  /** Fails, never skips, when Kamailio or its tls module is missing: .ci/run installs them. */
  static Path kamailioModules() {
    for (String candidate : List.of("/usr/lib/x86_64-linux-gnu/kamailio/modules",
        "/usr/lib/aarch64-linux-gnu/kamailio/modules", "/usr/lib/kamailio/modules")) {
      Path p = Path.of(candidate);
      if (Files.exists(p.resolve("tls.so"))) {
        return p;
      }
    }
    throw new AssertionError("kamailio's tls module is not installed (apt-get install kamailio"
        + " kamailio-tls-modules); .ci/run installs it");
  }

  @Test
  void kamailioCallsThroughTheProxyOverMutualTlsOnBothSides() throws Exception {
    Sipp.requireInstalled();
    Path modules = kamailioModules();
    TlsTestFiles files = new TlsTestFiles(dir);
    TestPki.Issued kam = TestPki.tlsLeaf(files.ca, "kamailio", List.of("kamailio.peer.test"),
        List.of("127.0.0.1"));
    Files.writeString(dir.resolve("kamailio.crt"), kam.pem());
    Files.writeString(dir.resolve("kamailio.key"), TestPki.privateKeyPem(kam.keys().getPrivate()));

    int kamUdp = Ports.free();
    int kamTls = Ports.free();
    int uasPort = Ports.free();
    int proxyTls = Ports.free();
    Files.writeString(dir.resolve("sipscreen.yaml"), """
        sip:
          listen:
            - {address: 127.0.0.1, port: %d, transports: [udp]}
            - {address: 127.0.0.1, port: %d, transports: [tls]}
          warmup_calls: 0
        %s
        routing:
          default_route: "sip:127.0.0.1:%d;transport=tls"
          next_hop_networks: [127.0.0.0/8]
        http: {address: 127.0.0.1, port: 0}
        peers:
          local:
            networks: [127.0.0.0/8]
            tls: {subject_alt_names: [kamailio.peer.test]}
        """.formatted(Ports.free(), proxyTls, files.tlsSection("auto"), kamTls));
    running = Sipscreen.start(Sipscreen.prepare(dir.resolve("sipscreen.yaml")));

    Files.writeString(dir.resolve("tls.cfg"), """
        [server:default]
        method = TLSv1.2+
        verify_certificate = yes
        require_certificate = yes
        private_key = %1$s/kamailio.key
        certificate = %1$s/kamailio.crt
        ca_list = %1$s/ca.pem

        [client:default]
        method = TLSv1.2+
        verify_certificate = yes
        require_certificate = yes
        private_key = %1$s/kamailio.key
        certificate = %1$s/kamailio.crt
        ca_list = %1$s/ca.pem
        """.formatted(dir));
    // From SIPp (UDP) to sipscreen over TLS; from sipscreen (TLS) to the SIPp callee over UDP. In-dialog
    // requests follow their Route set (both of Kamailio's double Record-Routes and sipscreen's).
    Files.writeString(dir.resolve("kamailio.cfg"), """
        #!KAMAILIO
        debug=2
        log_stderror=yes
        children=2
        tcp_children=2
        enable_tls=yes
        listen=udp:127.0.0.1:%d
        listen=tls:127.0.0.1:%d
        mpath="%s/"
        loadmodule "tls.so"
        loadmodule "tm.so"
        loadmodule "sl.so"
        loadmodule "rr.so"
        loadmodule "pv.so"
        loadmodule "siputils.so"
        loadmodule "xlog.so"
        loadmodule "textops.so"
        modparam("tls", "config", "%s")
        modparam("rr", "enable_double_rr", 1)

        request_route {
          if (has_totag()) {
            if (loose_route()) {
              t_relay();
              exit;
            }
            if (is_method("ACK")) {
              if (t_check_trans()) {
                t_relay();
              }
              exit;
            }
            sl_send_reply("404", "Not here");
            exit;
          }
          if (is_method("CANCEL")) {
            if (t_check_trans()) {
              t_relay();
            }
            exit;
          }
          record_route();
          if ($pr == "udp") {
            $du = "sip:127.0.0.1:%d;transport=tls";
          } else {
            $du = "sip:127.0.0.1:%d";
          }
          t_relay();
        }
        """.formatted(kamUdp, kamTls, modules, dir.resolve("tls.cfg"), proxyTls, uasPort));
    Path run = Files.createDirectories(dir.resolve("run"));
    List<String> cmd = new ArrayList<>(List.of("kamailio", "-f", dir.resolve("kamailio.cfg").toString(),
        "-DD", "-E", "-m", "64", "-M", "8", "-Y", run.toString(), "-P", run.resolve("kamailio.pid").toString()));
    kamailio = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("kamailio.log").toFile()).start();
    try {
      Await.bound(Await.Protocol.TCP, kamTls, kamailio);
      Await.bound(Await.Protocol.UDP, kamUdp, kamailio);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + kamailioLog(), e);
    }

    uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", CALLS);
    Sipp.Result calls = Sipp.uac(dir, "uac-call-kamailio-tls.xml", kamUdp, "u1", CALLS, 5, "+13105550100",
        Map.of("caller", TestProxy.CLEAN));
    assertThat(calls.successful()).as(calls.output() + kamailioLog()).isEqualTo(CALLS);
    assertThat(Sipp.await(uas)).as("uas exit code\n" + kamailioLog()).isZero();

    assertThat(running.metrics().counterValue("sipscreen_requests_received", "INVITE", "tls"))
        .isEqualTo(CALLS);
    assertThat(running.metrics().counterValue("sipscreen_requests_forwarded", "BYE", "tls"))
        .isEqualTo(CALLS);
    assertThat(running.metrics().counterValue("sipscreen_tls_handshakes", "inbound", "ok")).isGreaterThanOrEqualTo(1);
    assertThat(running.metrics().counterValue("sipscreen_tls_handshakes", "outbound", "ok")).isGreaterThanOrEqualTo(1);
    assertThat(running.metrics().counterValue("sipscreen_tls_handshakes", "inbound", "peer_mismatch")).isZero();
  }

  private String kamailioLog() {
    try {
      String log = Files.readString(dir.resolve("kamailio.log"));
      return "\nkamailio:\n" + (log.length() > 8000 ? log.substring(log.length() - 8000) : log);
    } catch (IOException e) {
      return "";
    }
  }
}
