package org.sipscreen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;

/**
 * An out-of-memory error that reaches a SIP pipeline, heap or direct, wrapped by a decoder or not, ends the
 * process with status 3; any other error only closes the connection.
 */
class OutOfMemoryExitTest {

  final List<Integer> halts = new CopyOnWriteArrayList<>();
  final OutOfMemoryExit exit = new OutOfMemoryExit(halts::add);
  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  EmbeddedChannel tcp() {
    return new SipUdpHandlerTest.AddressedChannel(new SipTcpHandler(null, new Sender(metrics), metrics, exit));
  }

  @Test
  void aDirectMemoryErrorWrappedByADecoderEndsTheProcess() {
    EmbeddedChannel ch = tcp();
    assertThat(ch.isOpen()).isTrue();
    ch.pipeline().fireExceptionCaught(new DecoderException(
        new OutOfMemoryError("failed to allocate 65536 byte(s) of direct memory")));
    assertThat(halts).containsExactly(OutOfMemoryExit.EXIT_CODE);
    assertThat(exit.triggered()).isTrue();
  }

  @Test
  void nettysOwnOutOfDirectMemoryErrorIsOneToo() throws Exception {
    // io.netty.util.internal.OutOfDirectMemoryError has no public constructor; it extends OutOfMemoryError.
    Class<?> netty = Class.forName("io.netty.util.internal.OutOfDirectMemoryError");
    assertThat(OutOfMemoryError.class).isAssignableFrom(netty);
    var constructor = netty.getDeclaredConstructor(String.class);
    constructor.setAccessible(true);
    exit.onError((Throwable) constructor.newInstance("failed to allocate 16777216 byte(s) of direct memory"));
    assertThat(halts).containsExactly(3);
  }

  @Test
  void aUdpSocketThatMeetsOneEndsTheProcessToo() {
    EmbeddedChannel ch = new EmbeddedChannel(new SipUdpHandler(null, new Sender(metrics), metrics, 65536, exit));
    ch.pipeline().fireExceptionCaught(new OutOfMemoryError("Java heap space"));
    assertThat(halts).containsExactly(3);
  }

  @Test
  void whenTheLogCannotTakeTheErrorForWantOfMemoryALineMadeBeforehandTellsIt() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    OutOfMemoryExit exit = new OutOfMemoryExit(halts::add, new java.io.PrintStream(err, true));
    // Describing this error needs memory there is none of, as formatting the log line would.
    OutOfMemoryError undescribable = new OutOfMemoryError() {
      @Override
      public String getMessage() {
        throw new OutOfMemoryError("Java heap space");
      }
    };
    exit.onError(undescribable);
    exit.onError(new OutOfMemoryError("Java heap space"));
    assertThat(halts).containsExactly(3, 3);
    assertThat(err.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(
        "out of memory (no memory left to log which); exiting with status 3 so that the service manager"
            + " restarts the proxy\n");
  }

  @Test
  void aSecondThreadThatMeetsOneHaltsOnlyOnceTheFirstHasToldItsError() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    OutOfMemoryExit exit = new OutOfMemoryExit(code -> events.add("halt " + code));
    CountDownLatch describing = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    // The first thread is still describing its error (as formatting the log line would) when the second
    // meets one; it waits for the second to finish, which must not happen before it has told its error.
    OutOfMemoryError slowToTell = new OutOfMemoryError() {
      @Override
      public String getMessage() {
        describing.countDown();
        try {
          secondDone.await(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        events.add("told");
        return "Direct buffer memory";
      }
    };
    Thread first = new Thread(() -> exit.onError(slowToTell));
    first.start();
    assertThat(describing.await(10, TimeUnit.SECONDS)).isTrue();
    Thread second = new Thread(() -> {
      exit.onError(new OutOfMemoryError("Direct buffer memory"));
      secondDone.countDown();
    });
    second.start();
    first.join();
    second.join();

    assertThat(events).containsExactly("told", "halt 3", "halt 3");
  }

  @Test
  void anyOtherErrorClosesTheConnectionAndTheProcessGoesOn() {
    EmbeddedChannel ch = tcp();
    assertThat(ch.isOpen()).isTrue();
    ch.pipeline().fireExceptionCaught(new DecoderException(new IllegalStateException("bad")));
    assertThat(halts).isEmpty();
    assertThat(exit.triggered()).isFalse();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aThreadThatDiesOfOneEndsTheProcess() throws Exception {
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    try {
      exit.installAsDefaultHandler();
      Thread t = new Thread(() -> {
        throw new OutOfMemoryError("Direct buffer memory");
      });
      t.start();
      t.join();
      assertThat(halts).containsExactly(3);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
  }
}
