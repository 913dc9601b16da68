package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.proxy.StatelessProxyTest.UAC;
import static org.sipscreen.proxy.StatelessProxyTest.UAS;
import static org.sipscreen.proxy.StatelessProxyTest.cleanInvite;
import static org.sipscreen.proxy.StatelessProxyTest.in;
import static org.sipscreen.proxy.StatelessProxyTest.sentTo;
import static org.sipscreen.proxy.StatelessProxyTest.settings;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.screening.Check;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.calling_number.CallingNumberCheck;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;
import org.sipscreen.sip.Transport;

/** Swapping the proxy's snapshot: new messages see the new one at once, calls in flight keep theirs. */
class ProxySnapshotTest {

  /** The caller of {@link StatelessProxyTest#cleanInvite}. */
  static final String CALLER = "+13035550100";

  final ProxyMetrics metrics = new ProxyMetrics(new PrometheusRegistry());

  /** Answers every call later, when the test completes {@link #answer}. */
  static final class LaterCheck implements Check {
    final CompletableFuture<Verdict> answer = new CompletableFuture<>();

    @Override
    public String name() {
      return "slow_remote";
    }

    @Override
    public Verdict check(ScreenedCall call) {
      return new Verdict.Later(answer);
    }
  }

  static ScreeningChain chain(NumberList blocked, Check... more) {
    PeerTable peers = PeerTable.of(Map.of("local", List.of("127.0.0.0/8")));
    List<Check> checks = new java.util.ArrayList<>(List.of(new SourcePeerCheck(peers),
        new CallingNumberCheck(), new NumberListCheck("block_list", blocked)));
    checks.addAll(List.of(more));
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY, checks);
  }

  @Test
  void callWaitingForAnAsyncCheckFinishesWithTheChainItStartedWith() throws Exception {
    LaterCheck slow = new LaterCheck();
    StatelessProxy proxy = new StatelessProxy(settings("127.0.0.0/8"), chain(NumberList.EMPTY, slow),
        metrics);
    ProxyAction first = proxy.process(in(cleanInvite(), UAC));
    assertThat(first).isInstanceOf(ProxyAction.Pending.class);

    // The reload blocks the caller; a new INVITE from it is rejected at once.
    proxy.replace(new ProxySnapshot(settings("127.0.0.0/8"),
        chain(NumberList.of("block.txt", CALLER))));
    String second = sentTo(proxy.process(in(cleanInvite().replace("call-1@", "call-2@"), UAC)), UAC,
        Transport.UDP);
    assertThat(second).startsWith("SIP/2.0 603 Decline");

    // The first call's check answers now: it finishes with the old chain and is forwarded.
    slow.answer.complete(Verdict.CONTINUE);
    ProxyAction later = ((ProxyAction.Pending) first).action().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertThat(sentTo(later, UAS, Transport.UDP)).startsWith("INVITE ");
  }

  @Test
  void nextMessageUsesTheNewSettings() {
    StatelessProxy proxy = new StatelessProxy(settings("127.0.0.0/8"), chain(NumberList.EMPTY), metrics);
    InetSocketAddress other = new InetSocketAddress("127.0.0.9", 5080);
    ProxySettings before = proxy.settings();
    proxy.replace(new ProxySnapshot(new ProxySettings(before.endpoints(), new NextHop(other,
        Transport.UDP), before.destinations(), before.recordRoute()), chain(NumberList.EMPTY)));
    assertThat(sentTo(proxy.process(in(cleanInvite(), UAC)), other, Transport.UDP)).startsWith("INVITE ");
  }
}
