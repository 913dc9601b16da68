package org.sipscreen.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EmergencyCheckTest {

  private final EmergencyCheck check =
      new EmergencyCheck(List.of("911", "933", "+1 (202) 555-0100"), PhoneNumbers.NANP);

  @ParameterizedTest
  @ValueSource(strings = {
    "sip:911@proxy.example;user=phone",
    "sip:9-1-1@proxy.example",
    "tel:911",
    "sips:+911@proxy.example",
    "sip:933@proxy.example",
    "sip:2025550100@proxy.example",
    "sip:+12025550100@proxy.example",
    "urn:service:sos",
    "urn:service:sos.fire",
    "URN:SERVICE:SOS.police"
  })
  void recognizesEmergencyRequestUris(String requestUri) {
    assertThat(check.isEmergency(TestCalls.invite().to(requestUri).screened())).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "sip:+12025550199@proxy.example",
    "sip:9110@proxy.example",
    "sip:1911@proxy.example",
    "urn:service:counseling",
    "sip:proxy.example",
    "garbage%s%n"
  })
  void otherRequestUrisAreNotEmergencies(String requestUri) {
    assertThat(check.isEmergency(TestCalls.invite().to(requestUri).screened())).isFalse();
  }

  @Test
  void defaultRecognizes911Only() {
    assertThat(EmergencyCheck.DEFAULT.isEmergency(TestCalls.invite().to("sip:911@h").screened()))
        .isTrue();
    assertThat(EmergencyCheck.DEFAULT.isEmergency(TestCalls.invite().to("sip:112@h").screened()))
        .isFalse();
  }

  @Test
  void rejectsMalformedOrEmptyConfiguration() {
    assertThatThrownBy(() -> new EmergencyCheck(List.of("911", "nine"), PhoneNumbers.NANP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("emergency number must be digits with an optional leading + and visual"
            + " separators: 'nine'");
    assertThatThrownBy(() -> new EmergencyCheck(List.of(), PhoneNumbers.NANP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("emergency numbers must not be empty");
  }
}
