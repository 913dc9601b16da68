package org.sipscreen.screening.check.calling_number;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.EmergencyCheck;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.Policy;
import org.sipscreen.screening.PolicyAction;
import org.sipscreen.screening.PolicyDecision;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;

/** calling_number: the caller's kind as outcome, and the anonymous flag the policy acts on. */
class CallingNumberCheckTest {

  private static final String ANONYMOUS_FROM = "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=a1";

  private static ScreeningChain chain(CallingNumberCheck check, PolicyAction action) {
    Policy policy = new Policy(false, 50, 101, List.of(new CallTag.DisplayLabel("SPAM?")),
        Policy.analytics603("https://redress.example/", Optional.empty(), Optional.empty(), "TN"),
        new Verdict.Reject(603, "Decline", List.of()), new Verdict.Reject(403, "Forbidden", List.of()),
        Map.of(CallingNumberCheck.NAME, new Policy.CheckPolicy(action, false)), Map.of());
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
        List.of(check), policy);
  }

  @Test
  void flagsAnAnonymousCallerWithoutPAssertedIdentity() {
    ScreenedCall call = TestCalls.invite().from(ANONYMOUS_FROM).screened();
    CallingNumberCheck check = new CallingNumberCheck();
    Verdict verdict = check.check(call);
    assertThat(verdict).isEqualTo(new Verdict.Flag("anonymous", 0));
    assertThat(check.outcomeLabel(verdict, call)).isEqualTo("anonymous");
  }

  @Test
  void anAnonymousFromBehindANumberInPAssertedIdentityIsNoAnonymousCaller() {
    ScreenedCall call = TestCalls.invite().from(ANONYMOUS_FROM).pai("<tel:+12025550123>").screened();
    assertThat(new CallingNumberCheck().check(call)).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void numbersInvalidAndUnparseableCallersContinueWithTheirKind() {
    CallingNumberCheck check = new CallingNumberCheck();
    ScreenedCall number = TestCalls.invite().screened();
    ScreenedCall invalid = TestCalls.invite().from("<tel:+1-214-393-CASH>").screened();
    ScreenedCall name = TestCalls.invite().from("<sip:alice@peer.example>;tag=1").screened();
    assertThat(check.check(number)).isEqualTo(Verdict.CONTINUE);
    assertThat(check.outcomeLabel(Verdict.CONTINUE, number)).isEqualTo("e164");
    assertThat(check.check(invalid)).isEqualTo(Verdict.CONTINUE);
    assertThat(check.outcomeLabel(Verdict.CONTINUE, invalid)).isEqualTo("invalid");
    assertThat(check.check(name)).isEqualTo(Verdict.CONTINUE);
    assertThat(check.outcomeLabel(Verdict.CONTINUE, name)).isEqualTo("unparseable");
  }

  @Test
  void anAllowedAnonymousCallIsForwardedAndItsDecisionRecorded() {
    ScreeningResult r = chain(new CallingNumberCheck(), PolicyAction.ALLOW)
        .screen(TestCalls.invite().from(ANONYMOUS_FROM).build());
    assertThat(r.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(r.tags()).isEmpty();
    assertThat(r.decisions()).containsExactly(
        new PolicyDecision("calling_number", "anonymous", 0, PolicyAction.ALLOW, false));
    assertThat(r.outcomes()).contains(new CheckOutcome("calling_number", "anonymous"));
  }

  @Test
  void thePolicyDecidesWhatAnonymousCallsGet() {
    ScreeningResult rejected = chain(new CallingNumberCheck(), PolicyAction.REJECT_DETERMINISTIC)
        .screen(TestCalls.invite().from(ANONYMOUS_FROM).build());
    assertThat(rejected.action()).isEqualTo(new ScreeningResult.Action.Reject(603, "Decline", List.of()));
    assertThat(rejected.decidedBy()).contains("calling_number");

    ScreeningResult scored = chain(new CallingNumberCheck(60), PolicyAction.SCORE)
        .screen(TestCalls.invite().from(ANONYMOUS_FROM).build());
    assertThat(scored.score()).isEqualTo(60);
    assertThat(scored.tags()).containsExactly(new CallTag.DisplayLabel("SPAM?"));

    ScreeningResult numbered = chain(new CallingNumberCheck(60), PolicyAction.REJECT_DETERMINISTIC)
        .screen(TestCalls.invite().build());
    assertThat(numbered.action()).isEqualTo(ScreeningResult.Action.FORWARD);
  }

  @Test
  void rejectsAScoreOutsideZeroToHundred() {
    assertThatThrownBy(() -> new CallingNumberCheck(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("calling_number score must be 0-100, was 101");
  }
}
