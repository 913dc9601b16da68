package org.sipscreen.screening.check.do_not_originate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;

class DoNotOriginateCheckTest {

  private final DoNotOriginateCheck check = new DoNotOriginateCheck(
      NumberList.of("dno.txt", "+18008291040", "+1 202 555 01*"));

  @Test
  void flagsDoNotOriginateCaller() {
    ScreenedCall call = TestCalls.invite().from("\"IRS\" <sip:+18008291040@peer;user=phone>").screened();
    Verdict verdict = check.check(call);
    assertThat(verdict).isEqualTo(new Verdict.Flag("dno", 100));
    assertThat(check.outcomeLabel(verdict, call)).isEqualTo("dno");
    assertThat(check.name()).isEqualTo("do_not_originate");
  }

  @Test
  void flagsDnoRangeByPrefix() {
    ScreenedCall call = TestCalls.invite().from("<tel:+1-202-555-0177>").screened();
    assertThat(check.check(call)).isEqualTo(DoNotOriginateCheck.HIT);
  }

  @Test
  void callerOutsideTheListContinues() {
    ScreenedCall call = TestCalls.invite().from("<sip:+12025550277@peer>").screened();
    assertThat(check.check(call)).isEqualTo(Verdict.CONTINUE);
    assertThat(check.outcomeLabel(Verdict.CONTINUE, call)).isEqualTo("continue");
  }

  @Test
  void checksTheAssertedIdentityRatherThanFrom() {
    ScreenedCall call = TestCalls.invite()
        .from("<sip:+12025550277@peer>")
        .pai("<tel:+18008291040>")
        .screened();
    assertThat(check.check(call)).isEqualTo(DoNotOriginateCheck.HIT);
  }

  @Test
  void anonymousAndUnparseableCallersContinue() {
    DoNotOriginateCheck everything = new DoNotOriginateCheck(NumberList.of("all", "+1*", "+2*", "+3*",
        "+4*", "+5*", "+6*", "+7*", "+8*", "+9*"));
    assertThat(everything.check(TestCalls.invite()
        .from("\"Anonymous\" <sip:anonymous@anonymous.invalid>").screened()))
        .isEqualTo(Verdict.CONTINUE);
    assertThat(everything.check(TestCalls.invite().from(",,,,").screened()))
        .isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void allowListDoesNotExemptADoNotOriginateCaller() {
    ScreenedCall call = TestCalls.invite().from("<tel:+18008291040>")
        .screened(NumberList.of("allow.txt", "+1800*"));
    assertThat(call.callerAllowListed()).isTrue();
    assertThat(check.check(call)).isEqualTo(DoNotOriginateCheck.HIT);
  }

  @Test
  void rejectsNullList() {
    assertThatThrownBy(() -> new DoNotOriginateCheck(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dnoList");
  }
}
