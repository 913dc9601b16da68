package org.sipscreen.screening.numbering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CountryCodeLengthsTest {

  private static final CountryCodeLengths LIB = CountryCodeLengths.libphonenumber();

  private static NumberValidity classify(CountryCodeLengths lengths, String e164) {
    String digits = e164.substring(1);
    return lengths.classify(Long.parseLong(digits), digits.length());
  }

  @Test
  void acceptsLondonNumberOfValidLength() {
    assertThat(classify(LIB, "+442079460018")).isEqualTo(NumberValidity.VALID);
  }

  @Test
  void flagsNumberTooShortForItsCountry() {
    assertThat(classify(LIB, "+44123")).isEqualTo(NumberValidity.TOO_SHORT);
    assertThat(classify(LIB, "+3312345678")).isEqualTo(NumberValidity.TOO_SHORT); // France: 9 digits
  }

  @Test
  void flagsNumberTooLongForItsCountry() {
    assertThat(classify(LIB, "+4420794600181")).isEqualTo(NumberValidity.TOO_LONG);
    assertThat(classify(LIB, "+33123456789012")).isEqualTo(NumberValidity.TOO_LONG);
  }

  @Test
  void flagsFifteenPlusDigits() {
    assertThat(LIB.classify(4420794600181234L, 16)).isEqualTo(NumberValidity.TOO_LONG);
  }

  @Test
  void flagsLengthInAGapOfItsCountry() {
    // The UK has 7-, 9- and 10-digit national numbers but no 8-digit ones.
    assertThat(LIB.minNationalLength(44)).isEqualTo(7);
    assertThat(LIB.maxNationalLength(44)).isEqualTo(10);
    assertThat(classify(LIB, "+4420794600")).isEqualTo(NumberValidity.INVALID_LENGTH);
  }

  @Test
  void flagsUnassignedCountryCode() {
    assertThat(LIB.isCountryCode(28)).isFalse();
    assertThat(classify(LIB, "+2801234567")).isEqualTo(NumberValidity.UNKNOWN_COUNTRY_CODE);
    assertThat(classify(LIB, "+8091234567")).isEqualTo(NumberValidity.UNKNOWN_COUNTRY_CODE);
  }

  @Test
  void knowsThreeDigitAndGlobalNetworkCountryCodes() {
    assertThat(classify(LIB, "+35312345678")).isEqualTo(NumberValidity.VALID); // Ireland
    assertThat(classify(LIB, "+80012345678")).isEqualTo(NumberValidity.VALID); // UIFN +800
    assertThat(LIB.minNationalLength(1)).isEqualTo(10);
    assertThat(LIB.maxNationalLength(1)).isEqualTo(10);
  }

  @Test
  void everyCallingCodeLibphonenumberSupportsHasLengths() {
    for (int cc : PhoneNumberUtil.getInstance().getSupportedCallingCodes()) {
      assertThat(LIB.isCountryCode(cc)).as("+" + cc).isTrue();
    }
  }

  @Test
  void explicitTableRejectsOverlappingCountryCodes() {
    assertThatThrownBy(() -> CountryCodeLengths.of(Map.of(4, Set.of(9), 44, Set.of(10))))
        .hasMessage("country code +44 overlaps a shorter country code");
    assertThatThrownBy(() -> CountryCodeLengths.of(Map.of(44, Set.of(18))))
        .hasMessage("national length for +44 must be 1-17, was 18");
    CountryCodeLengths one = CountryCodeLengths.of(Map.of(44, Set.of(10)));
    assertThat(classify(one, "+442079460018")).isEqualTo(NumberValidity.VALID);
    assertThat(classify(one, "+332079460018")).isEqualTo(NumberValidity.UNKNOWN_COUNTRY_CODE);
  }
}
