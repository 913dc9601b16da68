package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.records.DecisionFiles;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;

/**
 * What the design promises about decision records when the process dies: the proxy runs in a child JVM
 * ({@code org.sipscreen.cli.Main}), answers N calls, and is killed with SIGKILL once more than the flush
 * interval has passed since the last answer: all N records are on disk, whole. Calls answered just before
 * the kill may be missing (at most the last flush interval's worth) but never leave a broken line. A
 * restart appends to the same files, and an orderly stop (SIGTERM) writes everything.
 */
@Timeout(300)
class DecisionRecordsKillIT {

  static final String BLOCKED = "+12025550199";
  static final int FLUSH_MS = 200;
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aKilledProxyLosesNoRecordOlderThanTheFlushInterval(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("block.txt"), BLOCKED + "\n");
    int sipPort = Ports.free();
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
          warmup_calls: 0
        http: { address: 127.0.0.1, port: 0 }
        records:
          directory: records
          flush_interval_ms: %d
        screening:
          source_peer:
            peers:
              local: { networks: [127.0.0.0/8] }
          block_list: { file: block.txt }
        """.formatted(sipPort, FLUSH_MS));
    Path records = dir.resolve("records");
    InetSocketAddress proxy = new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort);

    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Process child = startProxy(config, dir.resolve("proxy-1.out"));
      List<String> answered;
      try {
        Await.answersOptions(peer, proxy, child);
        answered = callAll(peer, proxy, "first-", 300);
        // The guarantee: what was decided more than one flush interval ago is in the files. Time passing is
        // the premise here, not a state to wait for: let ten flush intervals pass (a loaded machine may be
        // slow to schedule the writer), then send more and kill at once.
        Thread.sleep(10L * FLUSH_MS);
        for (int i = 0; i < 100; i++) {
          send(peer, proxy, invite("late-" + i, peer.getLocalPort()));
        }
      } finally {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
      }
      List<String> afterKill = callIds(records);
      assertThat(afterKill).as("every record is a whole JSON line").doesNotContainNull();
      assertThat(new HashSet<>(afterKill)).containsAll(answered);
      assertThat(afterKill).hasSizeBetween(answered.size(), answered.size() + 100);
      assertThat(new HashSet<>(afterKill)).as("no duplicates").hasSize(afterKill.size());

      Process again = startProxy(config, dir.resolve("proxy-2.out"));
      List<String> second;
      try {
        Await.answersOptions(peer, proxy, again);
        second = callAll(peer, proxy, "second-", 50);
      } finally {
        again.destroy(); // SIGTERM: the shutdown hook closes the recorder, which writes everything
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      List<String> all = callIds(records);
      assertThat(all).doesNotContainNull().hasSize(afterKill.size() + 50);
      assertThat(all).containsAll(second);
    }
  }

  static Process startProxy(Path config, Path output) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "org.sipscreen.cli.Main", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
  }

  /** Places {@code n} calls from a blocked caller, one at a time, each until its 603 arrives. */
  static List<String> callAll(DatagramSocket peer, InetSocketAddress proxy, String prefix, int n)
      throws IOException {
    peer.setSoTimeout(500);
    List<String> answered = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String callId = prefix + i;
      byte[] invite = invite(callId, peer.getLocalPort());
      boolean done = false;
      for (int attempt = 0; attempt < 20 && !done; attempt++) {
        send(peer, proxy, invite); // a resend is a retransmission: recorded once
        String answer;
        while ((answer = receive(peer)) != null) {
          if (answer.contains("Call-ID: " + callId + "\r\n")) {
            assertThat(answer).startsWith("SIP/2.0 603 Decline");
            done = true;
            break;
          }
        }
      }
      assertThat(done).as("answer to " + callId).isTrue();
      answered.add(callId);
    }
    return answered;
  }

  static byte[] invite(String callId, int peerPort) {
    return ("INVITE sip:+13125550100@127.0.0.1;user=phone SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:" + peerPort + ";branch=z9hG4bK-" + callId + "\r\n"
        + "From: <sip:" + BLOCKED + "@127.0.0.1;user=phone>;tag=a\r\nTo: <sip:+13125550100@127.0.0.1>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  static void send(DatagramSocket s, InetSocketAddress to, byte[] bytes) throws IOException {
    s.send(new DatagramPacket(bytes, bytes.length, to));
  }

  static String receive(DatagramSocket s) throws IOException {
    byte[] buf = new byte[65536];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      s.receive(p);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
  }

  /** The Call-ID of every line in the records, null for a line that is not a whole record. */
  static List<String> callIds(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (DecisionFiles.Segment s : DecisionFiles.list(dir)) {
      for (String line : Files.readAllLines(s.path())) {
        try {
          out.add(JSON.readTree(line).get("call_id").asText());
        } catch (IOException | RuntimeException e) {
          out.add(null);
        }
      }
    }
    return out;
  }
}
