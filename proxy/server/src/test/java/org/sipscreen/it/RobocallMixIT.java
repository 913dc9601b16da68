package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The robocall mix on the wire: SIPp places the calls of loadtest/scenarios/robocall-mix.csv (legitimate,
 * invalid, DNO, blocklisted, neighbor-spoofed, bad-reputation and high-velocity callers) through a proxy
 * with every robocall check on, and each call's outcome is checked as the caller and the callee saw it:
 * the exact 603+ status line and Reason header, 608 and 603 for deterministic blocks, and the tag on the
 * INVITEs that reach the uas.
 */
@Timeout(300)
class RobocallMixIT {

  static final String REASON_603_PLUS =
      "SIP;cause=603;text=\"v=analytics1;url=https://redress.example.net/sipscreen\";location=TN";

  @BeforeAll
  static void sippIsInstalled() throws Exception {
    Sipp.requireInstalled();
  }

  static Path repo() {
    return Path.of(System.getProperty("sipscreen.repo", "../.."));
  }

  @Test
  void eachCallOfTheMixGetsItsOutcomeOnTheWire(@TempDir Path dir) throws Exception {
    Path csv = repo().resolve("loadtest/scenarios/robocall-mix.csv");
    Map<String, String> expected = new LinkedHashMap<>();
    for (String line : Files.readAllLines(csv)) {
      if (line.isBlank() || line.startsWith("#") || line.equals("SEQUENTIAL")) {
        continue;
      }
      String[] f = line.split(";");
      expected.put(f[0] + ";" + f[1], f[2].trim());
    }
    long forwarded = expected.values().stream().filter(v -> v.equals("forwarded") || v.equals("tagged"))
        .count();

    int uasPort = Ports.free();
    int sipPort = Ports.free();
    Files.writeString(dir.resolve("block.txt"), "+17732020198\n");
    Files.writeString(dir.resolve("dno.txt"), "+18008291040\n");
    Files.writeString(dir.resolve("reputation.csv"), "+15034441234,95,robocall\n");
    Path config = dir.resolve("mix.yaml");
    Files.writeString(config, """
        sip:
          listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
        routing:
          default_route: sip:127.0.0.1:%d
        http: { address: 127.0.0.1, port: 0 }
        screening:
          source_peer:
            peers:
              local: { networks: [127.0.0.0/8] }
          block_list: { file: block.txt }
          invalid_number: { npa_file: %s, action: reject_deterministic }
          do_not_originate: { file: dno.txt }
          neighbor_spoofing: { mode: npa_nxx, action: tag }
          velocity: { caller_per_second: 3, action: reject_analytics }
          reputation: { feed_file: reputation.csv, action: score }
          policy:
            tag_score: 50
            block_score: 90
            label: "SPAM?"
            redress_url: https://redress.example.net/sipscreen
            location: TN
            deterministic_status: 608
        """.formatted(sipPort, uasPort,
        repo().resolve("config/data/nanp-npa.txt").toAbsolutePath().normalize()));

    try (Sipscreen proxy = Sipscreen.start(Sipscreen.prepare(config))) {
      Path uasDir = Files.createDirectories(dir.resolve("uas"));
      Process uas = new ProcessBuilder("sipp", "-sf", Sipp.scenario(uasDir, "uas-log.xml").toString(),
          "-i", "127.0.0.1", "-p", Integer.toString(uasPort), "-m", Long.toString(forwarded),
          "-nostdin", "-trace_logs", "-trace_err", "-timeout", "60s")
          .directory(uasDir.toFile()).redirectErrorStream(true)
          .redirectOutput(uasDir.resolve("uas.out").toFile()).start();
      Sipp.listening(uas, uasPort, "u1");
      Path uacDir = Files.createDirectories(dir.resolve("uac"));
      Process uac = new ProcessBuilder("sipp", "-sf",
          repo().resolve("loadtest/scenarios/uac-mix.xml").toAbsolutePath().toString(),
          "-inf", csv.toAbsolutePath().toString(), "-i", "127.0.0.1", "-p", Integer.toString(Ports.free()),
          "-m", Integer.toString(expected.size()), "-r", "20", "-nostdin", "-trace_logs", "-trace_err",
          "-timeout", "60s", "127.0.0.1:" + sipPort)
          .directory(uacDir.toFile()).redirectErrorStream(true)
          .redirectOutput(uacDir.resolve("uac.out").toFile()).start();
      assertThat(uac.waitFor(90, TimeUnit.SECONDS)).as("uac finished").isTrue();
      assertThat(uas.waitFor(30, TimeUnit.SECONDS)).as("uas finished its " + forwarded + " calls").isTrue();

      Map<String, String[]> results = new LinkedHashMap<>();
      for (String line : logLines(uacDir)) {
        if (line.startsWith("RESULT;")) {
          String[] f = line.split(";", 5);
          results.put(f[1] + ";" + f[2], new String[] {f[3], f.length > 4 ? f[4] : ""});
        }
      }
      List<String> invites = logLines(uasDir).stream().filter(l -> l.startsWith("INVITE;")).toList();
      List<String> wrong = new ArrayList<>();
      for (Map.Entry<String, String> e : expected.entrySet()) {
        String[] r = results.get(e.getKey());
        String caller = e.getKey().split(";")[0];
        if (r == null) {
          wrong.add(e.getKey() + ": no result");
          continue;
        }
        String status = r[0].trim();
        String reason = r[1].trim();
        boolean ok = switch (e.getValue()) {
          case "forwarded" -> status.equals("SIP/2.0 200 OK")
              && invites.stream().anyMatch(i -> i.contains("\"Caller\" <sip:" + caller + "@"));
          case "tagged" -> status.equals("SIP/2.0 200 OK")
              && invites.stream().anyMatch(i -> i.contains("\"SPAM? Caller\" <sip:" + caller + "@"));
          case "603+" -> status.equals("SIP/2.0 603 Network Blocked") && reason.equals(REASON_603_PLUS);
          case "603" -> status.equals("SIP/2.0 603 Decline") && reason.isEmpty();
          case "608" -> status.equals("SIP/2.0 608 Rejected") && reason.isEmpty();
          default -> false;
        };
        if (!ok) {
          wrong.add(e.getKey() + ": expected " + e.getValue() + ", got '" + status + "' reason '" + reason
              + "'");
        }
        if (!e.getValue().equals("forwarded") && !e.getValue().equals("tagged")) {
          if (invites.stream().anyMatch(i -> i.contains("<sip:" + caller + "@"))
              && expected.entrySet().stream().noneMatch(x -> x.getKey().startsWith(caller + ";")
                  && (x.getValue().equals("forwarded") || x.getValue().equals("tagged")))) {
            wrong.add(e.getKey() + ": a refused caller reached the uas");
          }
        }
      }
      assertThat(wrong).as("uac log:%n%s%nuas log:%n%s", String.join("\n", logLines(uacDir)),
          String.join("\n", invites)).isEmpty();
      assertThat(invites).hasSize((int) forwarded);
      assertThat(proxy.metrics().counterValue("sipscreen_peer_invites", "local", "rejected_analytics"))
          .isEqualTo(expected.values().stream().filter("603+"::equals).count());
      assertThat(proxy.metrics().counterValue("sipscreen_messages_dropped", "ack_for_local_response"))
          .isEqualTo(expected.values().stream().filter(v -> v.startsWith("60")).count());
    }
  }

  private static List<String> logLines(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith("_logs.log")).toList()) {
        out.addAll(Files.readAllLines(f, StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }
}
