package org.sipscreen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.proxy.NextHopSet;
import org.sipscreen.sip.Transport;

/** What the start-up line says about where calls go. */
class StartupLineTest {

  static final NextHop A = new NextHop(new InetSocketAddress("10.0.0.1", 5060), Transport.UDP);
  static final NextHop B = new NextHop(new InetSocketAddress("10.0.0.2", 5060), Transport.TCP);

  @Test
  void oneNextHopIsNamedByDefaultRouteAlone() {
    assertThat(Sipscreen.routeText(A)).isEqualTo("sip:10.0.0.1:5060;transport=udp");
    assertThat(Sipscreen.nextHopsText(NextHopSet.of("sip:10.0.0.1:5060", A))).isEmpty();
  }

  @Test
  void severalNextHopsAreListedWithPriorityAndWeight() {
    NextHopSet hops = new NextHopSet(List.of(
        new NextHopSet.Member("sip:10.0.0.2:5060;transport=tcp", B, 2, 1),
        new NextHopSet.Member("sip:10.0.0.1:5060", A, 1, 50)), Optional.empty());

    assertThat(Sipscreen.nextHopsText(hops)).isEqualTo(
        " next_hops=sip:10.0.0.1:5060;transport=udp/1/50,sip:10.0.0.2:5060;transport=tcp/2/1");
  }
}
