package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.Sipp;

/**
 * Scanners against the real proxy, SIPp playing svmap: OPTIONS with {@code User-Agent: friendly-scanner}
 * from a peer's address, and a plain OPTIONS from an address no peer has, both get no answer at all, while
 * a peer's calls go through at the same time.
 */
@Timeout(300)
class ScannerThroughProxyIT {

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  /** Runs SIPp's scanner scenario from {@code source}; returns what its message trace saw. */
  static String scan(Path dir, String source, int proxyPort, String userAgent, int count) throws Exception {
    Path work = Files.createDirectories(dir.resolve("scan-" + source + "-" + System.nanoTime()));
    Path scenario = Sipp.scenario(work, "scanner-options.xml");
    Process p = new ProcessBuilder(List.of("sipp", "-sf", scenario.toString(), "-i", source,
        "-p", Integer.toString(Ports.free()), "-t", "u1", "-m", Integer.toString(count), "-r", "20",
        "-key", "ua", userAgent, "-nostdin", "-trace_msg", "-timeout", "60s", "127.0.0.1:" + proxyPort))
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("out.txt").toFile())
        .start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("sipp scanner finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(work.resolve("out.txt"))).isZero();
    try (Stream<Path> files = Files.list(work)) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith("_messages.log")).toList()) {
        sb.append(Files.readString(f, StandardCharsets.ISO_8859_1));
      }
      return sb.toString();
    }
  }

  @Test
  void scannersGetNoAnswerWhilePeerCallsComplete(@TempDir Path dir) throws Exception {
    int sip = Ports.free();
    int uasPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen:
            - {address: 127.0.0.1, port: %d, transports: [udp]}
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:%d
          next_hop_networks: [127.0.0.1/32]
        http: {address: 127.0.0.1, port: 0}
        peers:
          local:
            networks: [127.0.0.1/32, 127.0.0.2/32]
        """.formatted(sip, uasPort));
    Sipscreen proxy = Sipscreen.start(Sipscreen.prepare(config));
    try {
      Process uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", 50);
      String fromPeer = scan(dir, "127.0.0.2", sip, "friendly-scanner", 10);
      String fromStranger = scan(dir, "127.0.0.3", sip, "probe/1.0", 10);
      Sipp.Result calls = Sipp.uac(dir, "uac-call.xml", sip, "u1", 50, 50, "+13105550100",
          Sipp.caller("+12125550123"));

      assertThat(fromPeer).contains("OPTIONS sip:100@").doesNotContain("SIP/2.0 ");
      assertThat(fromStranger).contains("OPTIONS sip:100@").doesNotContain("SIP/2.0 ");
      assertThat(proxy.metrics().counterValue("sipscreen_scanner_requests", "user_agent", "dropped"))
          .isEqualTo(10);
      assertThat(proxy.metrics().counterValue("sipscreen_messages_dropped", "options_from_unknown_source"))
          .isEqualTo(10);
      assertThat(calls.successful()).as(calls.output()).isEqualTo(50);
      assertThat(calls.failed()).as(calls.output()).isZero();
      assertThat(Sipp.await(uas)).isZero();
    } finally {
      proxy.close();
    }
  }
}
