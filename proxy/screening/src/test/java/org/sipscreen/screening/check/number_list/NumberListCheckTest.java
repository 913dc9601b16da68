package org.sipscreen.screening.check.number_list;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.NumberList;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.SipHeader;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;

class NumberListCheckTest {

  private final NumberList blocked = NumberList.of("block.txt", "+12025550123", "+1900*");

  @Test
  void rejectsBlockedCallerWith603() {
    NumberListCheck check = new NumberListCheck("block_list", blocked);
    ScreenedCall call = TestCalls.invite().from("<sip:+12025550123@peer>").screened();
    Verdict verdict = check.check(call);
    assertThat(verdict).isEqualTo(new Verdict.Reject(603, "Decline", List.of()));
    assertThat(check.outcomeLabel(verdict, call)).isEqualTo("reject");
  }

  @Test
  void blocksCallerMatchingAPrefixEntry() {
    ScreenedCall call = TestCalls.invite().from("<tel:+1-900-555-0100>").screened();
    assertThat(new NumberListCheck("block_list", blocked).check(call))
        .isInstanceOf(Verdict.Reject.class);
  }

  @Test
  void unlistedCallerContinues() {
    ScreenedCall call = TestCalls.invite().from("<sip:+12025550199@peer>").screened();
    NumberListCheck check = new NumberListCheck("block_list", blocked);
    assertThat(check.check(call)).isEqualTo(Verdict.CONTINUE);
    assertThat(check.outcomeLabel(Verdict.CONTINUE, call)).isEqualTo("continue");
  }

  @Test
  void allowListWinsOverBlockList() {
    NumberList allow = NumberList.of("allow.txt", "+12025550123");
    ScreenedCall call = TestCalls.invite().from("<sip:+12025550123@peer>").screened(allow);
    NumberListCheck check = new NumberListCheck("block_list", blocked);
    Verdict verdict = check.check(call);
    assertThat(verdict).isEqualTo(Verdict.CONTINUE);
    assertThat(check.outcomeLabel(verdict, call)).isEqualTo("allowed");
  }

  @Test
  void checksTheAssertedIdentityRatherThanFrom() {
    ScreenedCall call = TestCalls.invite()
        .from("<sip:+12025550199@peer>")
        .pai("<sip:+12025550123@peer;user=phone>")
        .screened();
    assertThat(new NumberListCheck("block_list", blocked).check(call))
        .isInstanceOf(Verdict.Reject.class);
  }

  @Test
  void anonymousCallerIsNeverOnAList() {
    NumberList everything = NumberList.of("all", "+1*", "+2*", "+3*", "+4*", "+5*", "+6*", "+7*",
        "+8*", "+9*");
    ScreenedCall call = TestCalls.invite()
        .from("\"Anonymous\" <sip:anonymous@anonymous.invalid>").screened();
    assertThat(new NumberListCheck("block_list", everything).check(call)).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void rejectCarriesConfiguredReasonHeader() {
    Verdict.Reject reject = NumberListCheck.reject(608, "Rejected", Optional.of("Do not originate"));
    NumberListCheck check = new NumberListCheck("dno_list", blocked, reject);
    Verdict verdict = check.check(TestCalls.invite().from("<sip:+12025550123@peer>").screened());
    assertThat(verdict).isEqualTo(new Verdict.Reject(608, "Rejected",
        List.of(new SipHeader("Reason", "SIP;cause=608;text=\"Do not originate\""))));
  }

  @Test
  void dropsListedCallerWhenConfigured() {
    Verdict drop = new Verdict.Drop("listed");
    NumberListCheck check = new NumberListCheck("flood_list", blocked, drop);
    ScreenedCall call = TestCalls.invite().from("<sip:+12025550123@peer>").screened();
    assertThat(check.check(call)).isEqualTo(drop);
    assertThat(check.outcomeLabel(drop, call)).isEqualTo("drop");
  }

  @Test
  void tagsListedCallerWithDisplayLabelAndVerstat() {
    Verdict.Tag tag = NumberListCheck.tag(Optional.of("SPAM?"), Optional.of("TN-Validation-Failed"));
    NumberListCheck check = new NumberListCheck("tag_list", blocked, tag);
    ScreenedCall call = TestCalls.invite().from("<sip:+12025550123@peer>").screened();
    assertThat(check.check(call)).isEqualTo(new Verdict.Tag(List.of(
        new CallTag.DisplayLabel("SPAM?"), new CallTag.Verstat("TN-Validation-Failed"))));
    assertThat(check.outcomeLabel(tag, call)).isEqualTo("tag");
  }

  @Test
  void rejectsBadConfiguration() {
    assertThatThrownBy(() -> new NumberListCheck("Block-List", blocked))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("check name must be snake_case: 'Block-List'");
    assertThatThrownBy(() -> new NumberListCheck("block_list", blocked, Verdict.CONTINUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("list check 'block_list': the verdict for a listed caller must be a Flag, Reject,"
            + " Drop or Tag");
    assertThatThrownBy(() -> NumberListCheck.tag(Optional.empty(), Optional.empty()))
        .hasMessage("a tag needs a display label, a verstat value or both");
    assertThatThrownBy(() -> NumberListCheck.reject(603, "Decline", Optional.of("say \"hi\"")))
        .hasMessage("reason text must be printable without quotes or backslashes: 'say \"hi\"'");
  }
}
