package org.sipscreen.screening.check.source_peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.PeerTable;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;

class SourcePeerCheckTest {

  private final PeerTable peers = PeerTable.of(Map.of("carrier_a", List.of("10.1.2.0/24")));

  @Test
  void knownSourceContinuesAndRecordsPeerName() {
    ScreenedCall call = TestCalls.invite().source("10.1.2.3").screened();
    assertThat(new SourcePeerCheck(peers).check(call)).isEqualTo(Verdict.CONTINUE);
    assertThat(call.peerName()).contains("carrier_a");
  }

  @Test
  void unknownSourceIsRejectedWith403() {
    ScreenedCall call = TestCalls.invite().source("203.0.113.9").screened();
    assertThat(new SourcePeerCheck(peers).check(call))
        .isEqualTo(new Verdict.Reject(403, "Forbidden", List.of()));
    assertThat(call.peerName()).isEmpty();
  }

  @Test
  void unknownSourceIsDroppedWhenConfigured() {
    ScreenedCall call = TestCalls.invite().source("203.0.113.9").screened();
    Verdict drop = new Verdict.Drop("unknown source");
    assertThat(new SourcePeerCheck(peers, drop).check(call)).isEqualTo(drop);
  }

  @Test
  void continueOrTagIsNotAnUnknownSourceVerdict() {
    assertThatThrownBy(() -> new SourcePeerCheck(peers, Verdict.CONTINUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the verdict for an unknown source must be a Reject or a Drop");
  }
}
