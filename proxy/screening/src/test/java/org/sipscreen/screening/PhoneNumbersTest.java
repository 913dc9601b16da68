package org.sipscreen.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

  private final PhoneNumbers nanp = PhoneNumbers.NANP;

  private static PhoneNumber e164(String value) {
    return new PhoneNumber.E164(value);
  }

  @Test
  void normalizesTelUriWithVisualSeparatorsAndVerstat() {
    assertThat(nanp.fromHeader("tel:+1-202-555-0123;verstat=TN-Validation-Passed"))
        .isEqualTo(e164("+12025550123"));
  }

  @Test
  void normalizesBracketedTelUri() {
    assertThat(nanp.fromHeader("<tel:+12025550123>")).isEqualTo(e164("+12025550123"));
  }

  @Test
  void normalizesNameAddrWithQuotedDisplayNameAndUserPhone() {
    assertThat(nanp.fromHeader("\"Name\" <sip:+12025550123@host;user=phone>;tag=abc"))
        .isEqualTo(e164("+12025550123"));
  }

  @Test
  void quotedDisplayNameMayContainAngleBracketsCommasAndEscapedQuotes() {
    assertThat(nanp.fromHeader("\"a <b>, \\\"c\\\"\" <sip:+12025550123@host>"))
        .isEqualTo(e164("+12025550123"));
  }

  @Test
  void normalizesUnquotedDisplayName() {
    assertThat(nanp.fromHeader("Alice Smith <sip:+12025550123@host>")).isEqualTo(e164("+12025550123"));
  }

  @Test
  void normalizesAddrSpecWithHeaderParameters() {
    assertThat(nanp.fromHeader("sip:+12025550123@host;tag=xyz")).isEqualTo(e164("+12025550123"));
  }

  @Test
  void normalizesNanpTenDigitSipUserToE164() {
    assertThat(nanp.fromUri("sip:2025550123@host")).isEqualTo(e164("+12025550123"));
  }

  @Test
  void normalizesNanpElevenDigitSipUserToE164() {
    assertThat(nanp.fromUri("sip:12025550123@host")).isEqualTo(e164("+12025550123"));
  }

  @Test
  void replacesNanpInternationalPrefix011WithPlus() {
    assertThat(nanp.fromUri("sip:011442071234567@h")).isEqualTo(e164("+442071234567"));
  }

  @Test
  void removesVisualSeparatorsAndSpacesFromUserPart() {
    assertThat(nanp.fromHeader("<sip:(202) 555.0123@host>")).isEqualTo(e164("+12025550123"));
    assertThat(nanp.fromUri("tel:+1 202 555 0123")).isEqualTo(e164("+12025550123"));
  }

  @Test
  void ignoresUserPartParametersSuchAsVerstat() {
    assertThat(nanp.fromHeader("<sip:+12025550123;verstat=TN-Validation-Passed@host;user=phone>"))
        .isEqualTo(e164("+12025550123"));
  }

  @Test
  void acceptsSipsAndUppercaseSchemes() {
    assertThat(nanp.fromUri("sips:+12025550123@host")).isEqualTo(e164("+12025550123"));
    assertThat(nanp.fromUri("SIP:+12025550123@HOST")).isEqualTo(e164("+12025550123"));
  }

  @Test
  void decodesPercentEscapedPlus() {
    assertThat(nanp.fromUri("sip:%2B12025550123@host")).isEqualTo(e164("+12025550123"));
  }

  @Test
  void ignoresPasswordInUserInfo() {
    assertThat(nanp.fromUri("sip:+12025550123:secret@host")).isEqualTo(e164("+12025550123"));
  }

  @Test
  void prefersTheE164IdentityOfATwoValuePAssertedIdentity() {
    assertThat(nanp.fromHeader("<sip:alice@example.com>, <tel:+12025550123>"))
        .isEqualTo(e164("+12025550123"));
  }

  @Test
  void appliesConfiguredCountryCodeToNationalFormsWithTrunkPrefix() {
    PhoneNumbers uk = new PhoneNumbers("44");
    assertThat(uk.fromUri("sip:02071234567@h")).isEqualTo(e164("+442071234567"));
    assertThat(uk.fromUri("sip:0012025550123@h")).isEqualTo(e164("+12025550123"));
    assertThat(uk.fromUri("sip:442071234567@h")).isEqualTo(e164("+442071234567"));
    assertThat(uk.fromUri("sip:2071234567@h")).isInstanceOf(PhoneNumber.Unparseable.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1",
    "<sip:anonymous@anonymous.invalid>",
    "sip:Anonymous@carrier.example",
    "<sip:+12025550123@anonymous.invalid>",
    "<sip:restricted@carrier.example>",
    "tel:restricted",
    "Anonymous",
    "\"Anonymous\"",
    "<sip:carrier.example>",
    "<sip:@carrier.example>"
  })
  void recognizesAnonymousCallers(String value) {
    assertThat(nanp.fromHeader(value)).isEqualTo(PhoneNumber.ANONYMOUS);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "sip:alice@example.com",
    "<http://example.com/+12025550123>",
    "sip:12-ab-3456789@host",
    "sip:%zz12025550123@host",
    "sip:%2@host",
    "\"unbalanced <sip:+12025550123@host>",
    "<sip:+12025550123@host",
    "\"Name\" sip:+12025550123@host",
    "%s%s%n%x%p",
    "<<<<<<<<",
    ">>>",
    ",,,,",
    "",
    "   ",
    "\0\0\0"
  })
  void garbageIsUnparseableNotAnException(String value) {
    assertThat(nanp.fromHeader(value)).isInstanceOf(PhoneNumber.Unparseable.class);
  }

  @Test
  void overlongGarbageFromHeaderIsUnparseableNotAnException() {
    String huge = "a".repeat(128 * 1024);
    assertThat(nanp.fromHeader(huge)).isEqualTo(new PhoneNumber.Unparseable("too long"));
    assertThat(nanp.fromUri("sip:" + "1".repeat(128 * 1024) + "@h"))
        .isInstanceOf(PhoneNumber.Unparseable.class);
    assertThat(nanp.fromHeader("\"" + "\\".repeat(4000)))
        .isInstanceOf(PhoneNumber.Unparseable.class);
    assertThat(PhoneNumbers.dialedDigits("sip:" + "9".repeat(128 * 1024) + "@h")).isEmpty();
  }

  @Test
  void longDigitStringBelowTheSizeCapIsTooLong() {
    assertThat(nanp.fromUri("sip:+" + "1".repeat(4000) + "@h")).isEqualTo(PhoneNumber.Invalid.TOO_LONG);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "sip:+1202555012345678901@host",
    "<sip:+1234567890123456@carrier.example;user=phone>",
    "tel:+1234567890123456",
    "<sip:1234567890123456789@carrier.example>",
    "<sip:202555012345@carrier.example;user=phone>",
    "tel:202555012345"
  })
  void digitStringsLongerThanE164OrANanpNumberAreTooLong(String value) {
    assertThat(nanp.fromHeader(value)).isEqualTo(PhoneNumber.Invalid.TOO_LONG);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "<sip:202555012@carrier.example;user=phone>",
    "tel:202555012",
    "tel:202-555-012",
    "sip:5550123@host",
    "<sip:+12345@carrier.example>",
    "tel:+1-202"
  })
  void digitStringsShorterThanAnyNumberOfTheCountryAreTooShort(String value) {
    assertThat(nanp.fromHeader(value)).isEqualTo(PhoneNumber.Invalid.TOO_SHORT);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "tel:+1-214-393-CASH",
    "<sip:+1-214-393-CASH@carrier.example;user=phone>",
    "<sip:214393CASH@carrier.example;user=phone>",
    "<sip:214393cash@carrier.example;USER=Phone;transport=udp>",
    "sip:+12-ab-3456789@host",
    "tel:+"
  })
  void lettersInATelephoneNumberAreNotANumber(String value) {
    assertThat(nanp.fromHeader(value)).isEqualTo(PhoneNumber.Invalid.NOT_A_NUMBER);
  }

  @Test
  void aCountryCodeStartingWithZeroIsUnknown() {
    assertThat(nanp.fromUri("sip:+0123456789@host")).isEqualTo(PhoneNumber.Invalid.UNKNOWN_COUNTRY_CODE);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "<sip:alice@carrier.example>",
    "<sip:alice@carrier.example;user=ip>",
    "<sip:214393CASH@carrier.example>",
    "<sip:alice@carrier.example;transport=tcp>;user=phone-ish"
  })
  void aNonNumericSipUserStaysUnparseable(String value) {
    assertThat(nanp.fromHeader(value)).isInstanceOf(PhoneNumber.Unparseable.class);
  }

  @Test
  void nationalNumbersOfOtherCountriesOutsideE164AreInvalid() {
    PhoneNumbers uk = new PhoneNumbers("44");
    assertThat(uk.fromUri("sip:0207@h")).isEqualTo(PhoneNumber.Invalid.TOO_SHORT);
    assertThat(uk.fromUri("sip:12345@h")).isEqualTo(PhoneNumber.Invalid.TOO_SHORT);
    assertThat(uk.fromUri("sip:0207123456789012@h")).isEqualTo(PhoneNumber.Invalid.TOO_LONG);
    assertThat(uk.fromUri("sip:2071234567890123@h")).isEqualTo(PhoneNumber.Invalid.TOO_LONG);
  }

  @Test
  void nullInputIsUnparseable() {
    assertThat(nanp.fromHeader(null)).isInstanceOf(PhoneNumber.Unparseable.class);
    assertThat(nanp.fromUri(null)).isInstanceOf(PhoneNumber.Unparseable.class);
    assertThat(PhoneNumbers.dialedDigits(null)).isEmpty();
  }

  @Test
  void acceptsFifteenDigitsAndRejectsSixteen() {
    assertThat(nanp.fromUri("tel:+123456789012345")).isEqualTo(e164("+123456789012345"));
    assertThat(nanp.fromUri("tel:+1234567890123456")).isEqualTo(PhoneNumber.Invalid.TOO_LONG);
  }

  @Test
  void fromNumberNormalizesConfigStyleNumbers() {
    assertThat(nanp.fromNumber(" +1 (202) 555-0123 ")).isEqualTo(e164("+12025550123"));
    assertThat(nanp.fromNumber("202.555.0123")).isEqualTo(e164("+12025550123"));
    assertThat(nanp.fromNumber("911")).isEqualTo(PhoneNumber.Invalid.TOO_SHORT);
  }

  @Test
  void dialedDigitsKeepLeadingPlusAndDropSeparatorsAndParameters() {
    assertThat(PhoneNumbers.dialedDigits("sip:9-1-1@psap.example;user=phone")).isEqualTo("911");
    assertThat(PhoneNumbers.dialedDigits("sip:+1-202-555-0123;npdi@h")).isEqualTo("+12025550123");
    assertThat(PhoneNumbers.dialedDigits("tel:911;phone-context=+1")).isEqualTo("911");
    assertThat(PhoneNumbers.dialedDigits("sip:%39%31%31@h")).isEqualTo("911");
    assertThat(PhoneNumbers.dialedDigits("sip:host.example")).isEmpty();
    assertThat(PhoneNumbers.dialedDigits("urn:service:sos")).isEmpty();
  }

  @Test
  void uriOfTakesTheUriOfTheFirstHeaderValue() {
    assertThat(PhoneNumbers.uriOf("\"Bob, Jr.\" <sip:5550199@h;user=phone>;tag=x, <tel:+1>"))
        .isEqualTo("sip:5550199@h;user=phone");
    assertThat(PhoneNumbers.uriOf("tel:+12025550123")).isEqualTo("tel:+12025550123");
    assertThat(PhoneNumbers.uriOf("<sip:unterminated@h")).isEmpty();
    assertThat(PhoneNumbers.uriOf(null)).isEmpty();
    assertThat(PhoneNumbers.uriOf("<" + "a".repeat(PhoneNumbers.MAX_INPUT_LENGTH) + ">")).isEmpty();
  }

  @Test
  void recognizesSosServiceUrnsCaseInsensitively() {
    assertThat(PhoneNumbers.isEmergencyServiceUrn("urn:service:sos")).isTrue();
    assertThat(PhoneNumbers.isEmergencyServiceUrn("URN:Service:SOS.police")).isTrue();
    assertThat(PhoneNumbers.isEmergencyServiceUrn("urn:service:sosx")).isFalse();
    assertThat(PhoneNumbers.isEmergencyServiceUrn("urn:service:counseling")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0", "1234", "a", "01"})
  void rejectsBadDefaultCountryCode(String code) {
    assertThatThrownBy(() -> new PhoneNumbers(code))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("default country code must be 1-3 digits not starting with 0, was '" + code + "'");
  }

  @Test
  void e164RecordRejectsInvalidValues() {
    assertThatThrownBy(() -> new PhoneNumber.E164("12025550123"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an E.164 number (+ and 1-15 digits, first not 0): 12025550123");
    assertThat(new PhoneNumber.E164("+12025550123").digitsAsLong()).isEqualTo(12025550123L);
  }
}
