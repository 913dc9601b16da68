package org.sipscreen.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.proxy.LocalEndpoint;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.ProxySettings;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.sip.Transport;
import org.sipscreen.transport.Transports;

/** The start-up warm-up over loopback sockets runs whole calls through a throwaway listener. */
@Timeout(120)
class SocketWarmupIT {

  private final EventLoopGroup group = Transports.newGroup(2);

  @AfterEach
  void stop() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void callsFromAConfiguredPeerGoThroughEveryStepOverSockets() throws Exception {
    ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

    int played = SocketWarmup.run(group, configured(), chain("127.0.0.0/8"), metrics, null, 65536, 40,
        60_000);

    assertThat(played).isEqualTo(40);
    assertThat(metrics.counterValue("sipscreen_requests_received", "INVITE", "udp")).isEqualTo(40);
    assertThat(metrics.counterValue("sipscreen_requests_forwarded", "INVITE", "udp")).isEqualTo(40);
    assertThat(metrics.counterValue("sipscreen_requests_forwarded", "ACK", "udp")).isEqualTo(40);
    assertThat(metrics.counterValue("sipscreen_requests_forwarded", "BYE", "udp")).isEqualTo(40);
    assertThat(metrics.counterValue("sipscreen_responses_relayed", "1xx")).isEqualTo(40);
    assertThat(metrics.counterValue("sipscreen_responses_relayed", "2xx")).isEqualTo(80);
    assertThat(metrics.counterValue("sipscreen_malformed_messages", "bad_via")).isZero();
  }

  @Test
  void whenLoopbackIsNoConfiguredPeerTheCallsStillRunTheWholeChainAndComplete() throws Exception {
    ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

    int played = SocketWarmup.run(group, configured(), chain("192.0.2.0/24"), metrics, null, 65536, 20,
        60_000);

    assertThat(played).isEqualTo(20);
    assertThat(metrics.counterValue("sipscreen_requests_forwarded", "INVITE", "udp")).isEqualTo(20);
    assertThat(metrics.counterValue("sipscreen_responses_sent", "403")).isZero();
  }

  @Test
  void anUnknownSourceDropInTheConfigDoesNotLeaveTheWarmupUnanswered() throws Exception {
    ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());
    ProxySettings dropping = new ProxySettings(configured().endpoints(), configured().defaultRoute(),
        configured().destinations(), true, new ProxySettings.UnknownSources(true, 403, "Forbidden"));
    ScreeningChain droppingChain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT,
        NumberList.EMPTY, List.of(new SourcePeerCheck(PeerTable.of(Map.of("carrier", List.of("192.0.2.0/24"))),
            new org.sipscreen.screening.Verdict.Drop("unknown source")).withWarmupLoopback()));

    int played = SocketWarmup.run(group, dropping, droppingChain, metrics, null, 65536, 20, 60_000);

    assertThat(played).isEqualTo(20);
    assertThat(metrics.counterValue("sipscreen_messages_dropped", "unknown_source")).isZero();
    assertThat(metrics.counterValue("sipscreen_messages_dropped", "screening")).isZero();
    assertThat(metrics.counterValue("sipscreen_requests_forwarded", "INVITE", "udp")).isEqualTo(20);
    assertThat(metrics.counterValue("sipscreen_responses_relayed", "2xx")).isEqualTo(40);
  }

  @Test
  void theWarmupListenerIsClosedAfterwardsAndTheConfiguredAddressIsNeverBound() throws Exception {
    int configuredPort;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      configuredPort = probe.getLocalPort();
    }
    ProxySettings configured = configured(configuredPort);
    SocketWarmup.run(group, configured, chain("127.0.0.0/8"), new ProxyMetrics(new PrometheusRegistry()),
        null, 65536, 5, 60_000);
    // the real listener's port is free for the real listener
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", configuredPort))) {
      assertThat(s.getLocalPort()).isEqualTo(configuredPort);
    }
  }

  @Test
  void stopsAtItsTimeLimit() throws Exception {
    assertThat(SocketWarmup.run(group, configured(), chain("127.0.0.0/8"),
        new ProxyMetrics(new PrometheusRegistry()), null, 65536, 1_000_000, 0)).isZero();
  }

  private static ProxySettings configured() {
    return configured(5060);
  }

  private static ProxySettings configured(int port) {
    return new ProxySettings(
        List.of(LocalEndpoint.of(new InetSocketAddress("127.0.0.1", port), null, EnumSet.of(Transport.UDP))),
        new NextHop(new InetSocketAddress("127.0.0.1", 5070), Transport.UDP),
        PeerTable.of(Map.of("next_hops", List.of("127.0.0.0/8"))), true);
  }

  /** The warm-up's chain (as {@code InstalledChain#forWarmup} makes it) of a proxy with one peer. */
  private static ScreeningChain chain(String peerNetwork) {
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
        List.of(new SourcePeerCheck(PeerTable.of(Map.of("carrier", List.of(peerNetwork))))
            .withWarmupLoopback()));
  }
}
