package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.sip.MalformedMessageException;
import org.sipscreen.sip.SipMessageParser;
import org.sipscreen.sip.Transport;

/**
 * Hostile and broken messages are turned away without an exception: framing, validation and the proxy's
 * handling of the RFC 4475 torture messages and the PROTOS INVITEs (the fuzz seeds), whole and cut short,
 * from a peer and from a stranger, throw nothing in sipscreen code. JFR's exception events see every
 * Throwable constructed, caught or not.
 */
class PeerInputWithoutExceptionsTest {

  static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.2", 5062);
  static final InetSocketAddress STRANGER = new InetSocketAddress("192.0.2.7", 5060);

  @TempDir
  Path dir;

  final StatelessProxy proxy = new StatelessProxy(StatelessProxyTest.settings("127.0.0.0/8"),
      StatelessProxyTest.chain(Optional.of("TN-Validation-Failed")), new ProxyMetrics(new PrometheusRegistry()));

  @Test
  void theCorporaWholeAndCutShortThrowNothingInSipscreenCode() throws Exception {
    List<byte[]> messages = seeds();
    assertThat(messages).as("the RFC 4475 seeds are on the test classpath").hasSizeGreaterThan(40);

    Runnable play = () -> {
      for (byte[] m : messages) {
        for (int len : new int[] {m.length, m.length * 3 / 4, m.length / 2, m.length / 4}) {
          for (InetSocketAddress from : List.of(PEER, STRANGER)) {
            for (Transport t : List.of(Transport.UDP, Transport.TCP)) {
              proxy.process(new InboundMessage(m, 0, len, t, from, StatelessProxyTest.PROXY, 0L));
            }
          }
        }
      }
    };
    // Once before recording: the JVM's own linkage errors on first use (method handles, the metrics
    // client probing for OpenTelemetry) are class loading, not the message path.
    play.run();
    List<String> thrown = exceptionsThrownInSipscreenCode(play);

    assertThat(thrown).isEmpty();
  }

  @Test
  void theRecordingSeesAnExceptionThrownAndCaughtInSipscreenCode() throws Exception {
    byte[] garbage = "\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    List<String> thrown = exceptionsThrownInSipscreenCode(() -> {
      try {
        SipMessageParser.parse(garbage, 0, garbage.length, true);
      } catch (MalformedMessageException expected) {
        // what the throwing wrapper for trusted input does
      }
    });

    assertThat(thrown).anySatisfy(t -> assertThat(t).startsWith(MalformedMessageException.class.getName()));
  }

  /** Every Throwable constructed while {@code work} runs with a sipscreen main-code frame: class and frame. */
  private List<String> exceptionsThrownInSipscreenCode(Runnable work) throws IOException {
    Path file = dir.resolve("exceptions-" + System.nanoTime() + ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.JavaExceptionThrow").withStackTrace();
      recording.enable("jdk.JavaErrorThrow").withStackTrace();
      recording.start();
      work.run();
      recording.stop();
      recording.dump(file);
    }
    List<String> found = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (e.getStackTrace() == null || e.getThread() == null
          || e.getThread().getJavaThreadId() != Thread.currentThread().getId()) {
        continue;
      }
      for (RecordedFrame f : e.getStackTrace().getFrames()) {
        String type = f.getMethod().getType().getName();
        if (type.startsWith("org.sipscreen.") && !type.startsWith(getClass().getName())) {
          found.add(e.getClass("thrownClass").getName() + " in " + type + "." + f.getMethod().getName()
              + ": " + e.getString("message"));
          break;
        }
      }
    }
    return found;
  }

  /** The fuzz seeds the build copies for RequestPathFuzzTest: RFC 4475, and PROTOS when ../shared is there. */
  private static List<byte[]> seeds() throws IOException, URISyntaxException {
    Path seeds = Path.of(PeerInputWithoutExceptionsTest.class
        .getResource("/org/sipscreen/transport/RequestPathFuzzTestInputs/requestPath").toURI());
    List<byte[]> all = new ArrayList<>();
    try (Stream<Path> files = Files.walk(seeds)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        all.add(Files.readAllBytes(f));
      }
    }
    return all;
  }
}
