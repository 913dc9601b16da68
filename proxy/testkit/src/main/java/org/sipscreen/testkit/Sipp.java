package org.sipscreen.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs SIPp (Debian package sip-tester) as the independent peer in integration tests. Scenarios are read
 * from the test classpath under {@code /sipp/}.
 */
public final class Sipp {

  private Sipp() {}

  /** Fails, never skips, when SIPp is missing: .ci/run installs it. */
  public static void requireInstalled() throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("sipp", "-v").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("sipp is not installed (apt-get install sip-tester); .ci/run installs it", e);
    }
    p.getInputStream().readAllBytes();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  /** Copies a scenario from test resources into {@code dir}. */
  public static Path scenario(Path dir, String name) throws IOException {
    Path out = dir.resolve(name);
    try (InputStream in = Sipp.class.getResourceAsStream("/sipp/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no scenario " + name);
      }
      Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return out;
  }

  /**
   * Starts a uas that handles {@code calls} calls and then exits; returns once it has bound its port (so
   * calls sent from then on reach it).
   */
  public static Process uas(Path dir, String scenario, int port, String transport, int calls)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", scenario(dir, scenario).toString(),
        "-i", "127.0.0.1", "-p", Integer.toString(port), "-t", transport, "-m", Integer.toString(calls),
        "-nostdin", "-trace_msg", "-trace_err", "-trace_stat", "-timeout", "120s"));
    return listening(new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(dir.resolve("uas.out").toFile()).redirectErrorStream(true).start(), port, transport);
  }

  /**
   * Starts a next hop on UDP {@code port} ({@code uas-hop.xml}: answers OPTIONS probes and calls until it is
   * killed) in a fresh folder under {@code dir}; returns once it has bound its port.
   */
  public static Process hop(Path dir, int port) throws IOException {
    Path work = Files.createDirectories(dir.resolve("hop-" + port + "-" + System.nanoTime()));
    List<String> cmd = List.of("sipp", "-sf", scenario(work, "uas-hop.xml").toString(),
        "-i", "127.0.0.1", "-p", Integer.toString(port), "-t", "u1", "-nostdin", "-trace_err",
        "-timeout", "170s");
    return listening(new ProcessBuilder(cmd).directory(work.toFile())
        .redirectOutput(work.resolve("uas.out").toFile()).redirectErrorStream(true).start(), port, "u1");
  }

  /**
   * Waits until a SIPp process started as a uas on {@code port} has bound it, for SIPp transport mode
   * {@code transport} ({@code u1}, {@code un}: UDP; {@code t1}, {@code tn}: TCP), and returns it; fails
   * with SIPp's exit code when it exits first.
   */
  public static Process listening(Process uas, int port, String transport) {
    Await.bound(transport.startsWith("t") ? Await.Protocol.TCP : Await.Protocol.UDP, port, uas);
    return uas;
  }

  /** Result of a uac run: SIPp's exit code and its final successful/failed call counts. */
  public record Result(int exitCode, long successful, long failed, String output) {}

  public static Result uac(Path dir, String scenario, int proxyPort, String transport, int calls, int rate,
      String service, Map<String, String> keys) throws IOException, InterruptedException {
    return uacFrom("127.0.0.1", dir, scenario, proxyPort, transport, calls, rate, service, keys);
  }

  /** {@link #uac} holding each call for {@code pauseMillis} where the scenario pauses ({@code -d}). */
  public static Result uacHolding(Path dir, String scenario, int proxyPort, int calls, int rate,
      String service, Map<String, String> keys, long pauseMillis) throws IOException, InterruptedException {
    return uacFrom("127.0.0.1", dir, scenario, proxyPort, "u1", calls, rate, service, keys,
        List.of("-d", Long.toString(pauseMillis)));
  }

  /** {@link #uac} sending from {@code localAddress} (another loopback address: another peer). */
  public static Result uacFrom(String localAddress, Path dir, String scenario, int proxyPort, String transport,
      int calls, int rate, String service, Map<String, String> keys) throws IOException, InterruptedException {
    return uacFrom(localAddress, dir, scenario, proxyPort, transport, calls, rate, service, keys, List.of());
  }

  private static Result uacFrom(String localAddress, Path dir, String scenario, int proxyPort,
      String transport, int calls, int rate, String service, Map<String, String> keys, List<String> extra)
      throws IOException, InterruptedException {
    Path work = Files.createDirectories(dir.resolve("uac-" + System.nanoTime()));
    List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", scenario(work, scenario).toString(),
        "-i", localAddress, "-p", Integer.toString(Ports.free()), "-t", transport,
        "-m", Integer.toString(calls), "-r", Integer.toString(rate), "-s", service,
        "-nostdin", "-trace_stat", "-trace_err", "-timeout", "90s", "-timeout_error",
        "-recv_timeout", "10000", "127.0.0.1:" + proxyPort));
    cmd.addAll(cmd.size() - 1, extra);
    keys.forEach((k, v) -> {
      cmd.add("-key");
      cmd.add(k);
      cmd.add(v);
    });
    Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(work.resolve("uac.out").toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("sipp uac did not finish in 120 s");
    }
    String out = Files.readString(work.resolve("uac.out"));
    long[] counts = finalCounts(work);
    return new Result(p.exitValue(), counts[0], counts[1], out + errors(work));
  }

  /** Waits for a uas to finish its calls. */
  public static int await(Process uas) throws InterruptedException {
    if (!uas.waitFor(60, TimeUnit.SECONDS)) {
      uas.destroyForcibly();
      throw new AssertionError("sipp uas did not finish in 60 s");
    }
    return uas.exitValue();
  }

  /** Every message the uas received or sent, from its -trace_msg log. */
  public static String messages(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith("_messages.log")).toList()) {
        sb.append(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      return sb.toString();
    }
  }

  private static long[] finalCounts(Path work) throws IOException {
    try (Stream<Path> files = Files.list(work)) {
      Path csv = files.filter(f -> f.getFileName().toString().endsWith("_.csv")).findFirst()
          .orElseThrow(() -> new AssertionError("sipp wrote no statistics in " + work));
      List<String> lines = Files.readAllLines(csv);
      assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
      List<String> header = List.of(lines.get(0).split(";"));
      String[] last = lines.get(lines.size() - 1).split(";");
      int ok = header.indexOf("SuccessfulCall(C)");
      int failed = header.indexOf("FailedCall(C)");
      return new long[] {Long.parseLong(last[ok]), Long.parseLong(last[failed])};
    }
  }

  private static String errors(Path work) throws IOException {
    try (Stream<Path> files = Files.list(work)) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith("_errors.log")).toList()) {
        String s = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
        sb.append(s, 0, Math.min(s.length(), 4000));
      }
      return sb.toString();
    }
  }

  public static Map<String, String> caller(String number) {
    return Map.of("caller", number);
  }
}
