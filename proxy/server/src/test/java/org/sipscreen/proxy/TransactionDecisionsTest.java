package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.sip.Transport;

/**
 * The transaction memory on its own: what a transaction's slot gives back, and which calls share their
 * decision (the calls themselves go through it in {@link RetransmissionTest}).
 */
class TransactionDecisionsTest {

  final TransactionDecisions decisions =
      new TransactionDecisions(1024, TransactionDecisions.TIMER_B_MILLIS, () -> 1_000L);

  static ScreeningResult result(ScreeningResult.Action action, String caller) {
    return new ScreeningResult(action, List.of(),
        action instanceof ScreeningResult.Action.Forward ? Optional.empty() : Optional.of("block_list"),
        Optional.of("local"), PhoneNumbers.NANP.fromNumber(caller),
        PhoneNumbers.NANP.fromNumber("+13107940100"), List.of(), 0, List.of(), Optional.empty());
  }

  static ScreeningResult.Action reject(int status) {
    return new ScreeningResult.Action.Reject(status, "Decline", List.of());
  }

  @Test
  void callsRejectedAlikeShareOneDecisionAndOthersDoNot() {
    TransactionDecisions.Decision first = decisions.decisionOf(result(reject(603), "+12025550101"));
    TransactionDecisions.Decision second = decisions.decisionOf(result(reject(603), "+12025550102"));
    TransactionDecisions.Decision other = decisions.decisionOf(result(reject(608), "+12025550103"));

    assertThat(second).isSameAs(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(decisions.decisionOf(result(reject(603), "+12025550104"))).isSameAs(first);
    assertThat(decisions.decisionOf(result(ScreeningResult.Action.FORWARD, "+12025550105")))
        .isSameAs(TransactionDecisions.FORWARD);
  }

  @Test
  void aTransactionGivesBackItsDecisionHopAndStamp() {
    NextHop hop = new NextHop(new InetSocketAddress("127.0.0.1", 5070), Transport.UDP);
    TransactionDecisions.Decision rejected = decisions.decisionOf(result(reject(603), "+12025550101"));

    assertThat(decisions.begin(11)).isNull();
    assertThat(decisions.begin(11)).isSameAs(TransactionDecisions.PENDING);
    assertThat(decisions.hopOf(11)).isNull();
    decisions.decide(11, TransactionDecisions.FORWARD, hop, 1_733_000_000_000L, "local");
    assertThat(decisions.begin(12)).isNull();
    decisions.decide(12, rejected, null, TransactionDecisions.NOT_STAMPED, null);

    assertThat(decisions.begin(11)).isEqualTo(new TransactionDecisions.Decided(TransactionDecisions.FORWARD,
        hop, 1_733_000_000_000L, "local"));
    assertThat(decisions.hopOf(11)).isSameAs(hop);
    assertThat(decisions.begin(12)).isEqualTo(new TransactionDecisions.Decided(rejected, null,
        TransactionDecisions.NOT_STAMPED, null));
    assertThat(decisions.hopOf(13)).isNull();
  }
}
