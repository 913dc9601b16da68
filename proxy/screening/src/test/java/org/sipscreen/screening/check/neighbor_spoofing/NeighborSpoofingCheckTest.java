package org.sipscreen.screening.check.neighbor_spoofing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.check.neighbor_spoofing.NeighborSpoofingCheck.Mode;

class NeighborSpoofingCheckTest {

  private final NeighborSpoofingCheck npaNxx =
      new NeighborSpoofingCheck(Mode.NPA_NXX, NumberList.EMPTY, 40);
  private final NeighborSpoofingCheck npaNxxX =
      new NeighborSpoofingCheck(Mode.NPA_NXX_X, NumberList.EMPTY, 40);

  private static ScreenedCall call(String caller, String callee) {
    return TestCalls.invite().from("<tel:" + caller + ">").to("sip:" + callee + "@proxy;user=phone")
        .screened();
  }

  @Test
  void flagsNeighborSpoofingOnSameNpaNxx() {
    ScreenedCall call = call("+12025551234", "+12025559876");
    Verdict verdict = npaNxx.check(call);
    assertThat(verdict).isEqualTo(new Verdict.Flag("neighbor_spoofing", 40));
    assertThat(npaNxx.outcomeLabel(verdict, call)).isEqualTo("neighbor_spoofing");
    assertThat(npaNxx.name()).isEqualTo("neighbor_spoofing");
  }

  @Test
  void otherExchangeOrAreaCodeIsNotNeighborSpoofing() {
    assertThat(npaNxx.check(call("+12025561234", "+12025559876"))).isEqualTo(Verdict.CONTINUE);
    assertThat(npaNxx.check(call("+13025551234", "+12025559876"))).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void npaNxxXModeNeedsTheThousandsDigitToo() {
    assertThat(npaNxxX.check(call("+12025551234", "+12025559876"))).isEqualTo(Verdict.CONTINUE);
    assertThat(npaNxxX.check(call("+12025559001", "+12025559876")))
        .isEqualTo(new Verdict.Flag("neighbor_spoofing", 40));
  }

  @Test
  void allowlistedCallerIsNotNeighborSpoofing() {
    NeighborSpoofingCheck check = new NeighborSpoofingCheck(Mode.NPA_NXX,
        NumberList.of("pbx.txt", "+1202555*"), 40);
    ScreenedCall call = call("+12025551234", "+12025559876");
    Verdict verdict = check.check(call);
    assertThat(verdict).isEqualTo(Verdict.CONTINUE);
    assertThat(check.outcomeLabel(verdict, call)).isEqualTo("allowed");
  }

  @Test
  void callerAllowListExemptsToo() {
    ScreenedCall call = TestCalls.invite().from("<tel:+12025551234>")
        .to("sip:+12025559876@proxy;user=phone")
        .screened(NumberList.of("allow.txt", "+12025551234"));
    assertThat(npaNxx.check(call)).isEqualTo(Verdict.CONTINUE);
    assertThat(npaNxx.outcomeLabel(Verdict.CONTINUE, call)).isEqualTo("allowed");
  }

  @Test
  void nonNanpCallsAreNotNeighborSpoofing() {
    assertThat(npaNxx.check(call("+442071234567", "+442071234999"))).isEqualTo(Verdict.CONTINUE);
    assertThat(npaNxx.check(call("+12025551234", "+442025551234"))).isEqualTo(Verdict.CONTINUE);
    assertThat(npaNxx.check(call("+442025551234", "+12025551234"))).isEqualTo(Verdict.CONTINUE);
    // +1 with 9 or 12 digits shares leading digits but is not a NANP number
    assertThat(npaNxx.check(call("+1202555123", "+12025559876"))).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void flagsCallerEqualToCalleeAsItsOwnCategory() {
    ScreenedCall call = call("+12025551234", "+12025551234");
    Verdict verdict = npaNxxX.check(call);
    assertThat(verdict).isEqualTo(new Verdict.Flag("caller_equals_callee", 40));
    assertThat(npaNxxX.outcomeLabel(verdict, call)).isEqualTo("caller_equals_callee");
    assertThat(npaNxx.check(call("+442071234567", "+442071234567")))
        .isEqualTo(new Verdict.Flag("caller_equals_callee", 40));
  }

  @Test
  void anonymousOrUnparseableCallerContinues() {
    assertThat(npaNxx.check(TestCalls.invite().from("<sip:anonymous@anonymous.invalid>")
        .to("sip:+12025559876@proxy;user=phone").screened())).isEqualTo(Verdict.CONTINUE);
    assertThat(npaNxx.check(TestCalls.invite().from("<tel:+12025551234>")
        .to("sip:voicemail@proxy").screened())).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void readsModeFromConfigAndRejectsBadArguments() {
    assertThat(Mode.fromConfig("npa_nxx")).isEqualTo(Mode.NPA_NXX);
    assertThat(Mode.fromConfig("npa_nxx_x")).isEqualTo(Mode.NPA_NXX_X);
    assertThatThrownBy(() -> Mode.fromConfig("npa"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("neighbor_spoofing mode must be npa_nxx or npa_nxx_x, was 'npa'");
    assertThatThrownBy(() -> new NeighborSpoofingCheck(Mode.NPA_NXX, NumberList.EMPTY, 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("neighbor_spoofing score must be 0-100, was 101");
    assertThatThrownBy(() -> new NeighborSpoofingCheck(null, NumberList.EMPTY, 40))
        .hasMessage("mode");
  }
}
