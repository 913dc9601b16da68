package org.sipscreen.screening.check.invalid_number;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;
import org.sipscreen.screening.numbering.CountryCodeLengths;
import org.sipscreen.screening.numbering.NanpNumberingPlan;
import org.sipscreen.screening.numbering.NumberValidity;

class InvalidNumberCheckTest {

  private static final Path SHIPPED_NPAS = Path.of("../../config/data/nanp-npa.txt");

  private static final InvalidNumberCheck STRUCTURE = new InvalidNumberCheck(NanpNumberingPlan.structureOnly());

  private static InvalidNumberCheck shipped() throws Exception {
    return new InvalidNumberCheck(NanpNumberingPlan.load(SHIPPED_NPAS, Optional.empty()));
  }

  private static ScreenedCall from(String callerUri) {
    return TestCalls.invite().from("<" + callerUri + ">;tag=1").screened();
  }

  private static ScreenedCall fromNumber(String e164) {
    return from("sip:" + e164 + "@peer.example;user=phone");
  }

  private static Verdict flag(String category, int score) {
    return new Verdict.Flag(category, score);
  }

  @Test
  void acceptsAssignedNanpNumber() throws Exception {
    InvalidNumberCheck check = shipped();
    for (String number : new String[] {"+12125551234", "+14165550200", "+16046881234", "+12024561111"}) {
      ScreenedCall call = fromNumber(number);
      Verdict verdict = check.check(call);
      assertThat(verdict).as(number).isEqualTo(Verdict.CONTINUE);
      assertThat(check.outcomeLabel(verdict, call)).isEqualTo("continue");
    }
  }

  @Test
  void flagsN11Exchange() {
    ScreenedCall call = fromNumber("+12122111234");
    Verdict verdict = STRUCTURE.check(call);
    assertThat(verdict).isEqualTo(flag("n11_nxx", 100));
    assertThat(STRUCTURE.outcomeLabel(verdict, call)).isEqualTo("n11_nxx");
  }

  @Test
  void flagsN11AreaCode() {
    assertThat(STRUCTURE.check(fromNumber("+14115551234"))).isEqualTo(flag("n11_npa", 100));
  }

  @Test
  void flagsAreaCodeOrExchangeStartingWithZeroOrOne() {
    assertThat(STRUCTURE.check(fromNumber("+11235551234"))).isEqualTo(flag("bad_npa", 100));
    assertThat(STRUCTURE.check(fromNumber("+12121234567"))).isEqualTo(flag("bad_nxx", 100));
  }

  @Test
  void flagsReservedAreaCode() {
    assertThat(STRUCTURE.check(fromNumber("+12905551234"))).isEqualTo(flag("reserved_npa", 100));
    assertThat(STRUCTURE.check(fromNumber("+13755551234"))).isEqualTo(flag("reserved_npa", 100));
    assertThat(STRUCTURE.check(fromNumber("+19655551234"))).isEqualTo(flag("reserved_npa", 100));
  }

  @Test
  void flagsFictional555Range() {
    assertThat(STRUCTURE.check(fromNumber("+12025550123"))).isEqualTo(flag("fictional_555", 100));
    assertThat(STRUCTURE.check(fromNumber("+12025550200"))).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void flagsUnassignedAreaCode() throws Exception {
    // 555 passes every structure rule but is not an assigned area code.
    assertThat(shipped().check(fromNumber("+15552345678"))).isEqualTo(flag("unassigned_npa", 90));
    assertThat(STRUCTURE.check(fromNumber("+15552345678"))).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void flagsUnallocatedExchange() {
    BitSet npas = new BitSet();
    npas.set(202);
    BitSet exchanges = new BitSet();
    exchanges.set(202_456);
    InvalidNumberCheck check = new InvalidNumberCheck(
        NanpNumberingPlan.builder().assignedNpas(npas).allocatedExchanges(exchanges).build());
    assertThat(check.check(fromNumber("+12024561111"))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(fromNumber("+12027771234"))).isEqualTo(flag("unallocated_exchange", 90));
  }

  @Test
  void flagsNanpNumberWithTooManyDigits() {
    // PhoneNumbers keeps a +1 number with 12 digits as E.164 (it is at most 15 digits).
    assertThat(STRUCTURE.check(fromNumber("+121255512345"))).isEqualTo(flag("too_long", 100));
    assertThat(STRUCTURE.check(fromNumber("+1212555123"))).isEqualTo(flag("too_short", 100));
  }

  @Test
  void checksInternationalCallersAgainstCountryLengths() {
    assertThat(STRUCTURE.check(fromNumber("+442079460018"))).isEqualTo(Verdict.CONTINUE);
    assertThat(STRUCTURE.check(fromNumber("+4420794600181"))).isEqualTo(flag("too_long", 100));
    assertThat(STRUCTURE.check(fromNumber("+2801234567"))).isEqualTo(flag("unknown_country_code", 100));
    assertThat(STRUCTURE.classify(new PhoneNumber.E164("+44123"))).isEqualTo(NumberValidity.TOO_SHORT);
  }

  @Test
  void readsCallerFromPAssertedIdentity() {
    ScreenedCall call = TestCalls.invite().pai("<tel:+12122111234>").screened();
    assertThat(STRUCTURE.check(call)).isEqualTo(flag("n11_nxx", 100));
  }

  @Test
  void flagsNanpNationalNumbersOfNineOrTwelveDigitsAsTooShortOrTooLong() {
    assertThat(STRUCTURE.check(from("sip:212555123@peer.example;user=phone")))
        .isEqualTo(flag("too_short", 100));
    assertThat(STRUCTURE.check(from("tel:212555123"))).isEqualTo(flag("too_short", 100));
    assertThat(STRUCTURE.check(from("sip:212555123456@peer.example;user=phone")))
        .isEqualTo(flag("too_long", 100));
    assertThat(STRUCTURE.check(from("tel:212-555-123-456"))).isEqualTo(flag("too_long", 100));
    assertThat(STRUCTURE.check(from("sip:+1212555123@peer.example"))).isEqualTo(flag("too_short", 100));
    assertThat(STRUCTURE.check(from("sip:+121255512345@peer.example"))).isEqualTo(flag("too_long", 100));
  }

  @Test
  void flagsDigitStringsLongerThanE164AsTooLong() {
    ScreenedCall call = from("sip:+1212555123456789@peer.example;user=phone");
    Verdict verdict = STRUCTURE.check(call);
    assertThat(verdict).isEqualTo(flag("too_long", 100));
    assertThat(STRUCTURE.outcomeLabel(verdict, call)).isEqualTo("too_long");
    assertThat(STRUCTURE.check(from("tel:+44207946001812345"))).isEqualTo(flag("too_long", 100));
    assertThat(STRUCTURE.check(from("sip:00442079460018123456@peer.example")))
        .isEqualTo(flag("too_long", 100));
  }

  @Test
  void flagsLettersInATelephoneNumberAsNotANumber() {
    ScreenedCall call = from("tel:+1-214-393-CASH");
    Verdict verdict = STRUCTURE.check(call);
    assertThat(verdict).isEqualTo(flag("not_a_number", 100));
    assertThat(STRUCTURE.outcomeLabel(verdict, call)).isEqualTo("not_a_number");
    assertThat(STRUCTURE.check(from("sip:+1-214-393-CASH@peer.example;user=phone")))
        .isEqualTo(flag("not_a_number", 100));
    assertThat(STRUCTURE.check(TestCalls.invite().pai("<tel:+1-214-393-CASH>").screened()))
        .isEqualTo(flag("not_a_number", 100));
  }

  @Test
  void takesTheScoreOfNotANumberFromConfiguration() {
    InvalidNumberCheck check = new InvalidNumberCheck(NanpNumberingPlan.structureOnly(),
        CountryCodeLengths.libphonenumber(), Map.of(NumberValidity.NOT_A_NUMBER, 80));
    assertThat(check.check(from("tel:+1-214-393-CASH"))).isEqualTo(flag("not_a_number", 80));
  }

  @Test
  void anonymousAndUnparseableCallersContinueWithTheirKindAsOutcome() {
    ScreenedCall anonymous = from("sip:anonymous@anonymous.invalid");
    assertThat(STRUCTURE.check(anonymous)).isEqualTo(Verdict.CONTINUE);
    assertThat(STRUCTURE.outcomeLabel(Verdict.CONTINUE, anonymous)).isEqualTo("anonymous");
    ScreenedCall unparseable = from("sip:alice@peer.example");
    assertThat(STRUCTURE.check(unparseable)).isEqualTo(Verdict.CONTINUE);
    assertThat(STRUCTURE.outcomeLabel(Verdict.CONTINUE, unparseable)).isEqualTo("unparseable");
  }

  @Test
  void takesScorePerCategoryFromConfiguration() {
    InvalidNumberCheck check = new InvalidNumberCheck(NanpNumberingPlan.structureOnly(),
        CountryCodeLengths.libphonenumber(), Map.of(NumberValidity.N11_NXX, 40));
    assertThat(check.check(fromNumber("+12122111234"))).isEqualTo(flag("n11_nxx", 40));
    assertThat(check.check(fromNumber("+14115551234"))).isEqualTo(flag("n11_npa", 100));
    InvalidNumberCheck uniform = new InvalidNumberCheck(NanpNumberingPlan.structureOnly(),
        CountryCodeLengths.libphonenumber(), InvalidNumberCheck.uniformScores(70));
    assertThat(uniform.check(fromNumber("+12025550123"))).isEqualTo(flag("fictional_555", 70));
  }

  @Test
  void rejectsScoresOutsideRangeOrForValid() {
    assertThatThrownBy(() -> new InvalidNumberCheck(NanpNumberingPlan.structureOnly(),
        CountryCodeLengths.libphonenumber(), Map.of(NumberValidity.TOO_LONG, 101)))
        .hasMessage("invalid_number score for 'too_long' must be 0-100, was 101");
    assertThatThrownBy(() -> new InvalidNumberCheck(NanpNumberingPlan.structureOnly(),
        CountryCodeLengths.libphonenumber(), Map.of(NumberValidity.VALID, 0)))
        .hasMessage("invalid_number: 'valid' is not a flag category and takes no score");
  }

  @Test
  void categoriesAreSnakeCaseAndStable() {
    assertThat(STRUCTURE.name()).isEqualTo("invalid_number");
    for (NumberValidity v : NumberValidity.values()) {
      assertThat(new CheckOutcome("invalid_number", v.label()).outcome()).isEqualTo(v.label());
      assertThat(NumberValidity.fromLabel(v.label())).isEqualTo(v);
    }
    assertThat(NumberValidity.N11_NXX.label()).isEqualTo("n11_nxx");
  }

  @Test
  void returnsTheSameVerdictInstanceForEveryCall() {
    assertThat(STRUCTURE.check(fromNumber("+12122111234")))
        .isSameAs(STRUCTURE.check(fromNumber("+13122111234")));
  }
}
