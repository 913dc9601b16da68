package org.sipscreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.sip.SipMessage;
import org.sipscreen.sip.SipMessageParser;

class ScannerFilterTest {

  static SipMessage request(String... headers) {
    String text = "OPTIONS sip:127.0.0.1 SIP/2.0\r\n" + String.join("\r\n", headers) + "\r\n\r\n";
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    try {
      return SipMessageParser.parse(b, 0, b.length, true);
    } catch (org.sipscreen.sip.MalformedMessageException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void matchesAWholeWordCaseInsensitively() {
    String[] words = {"sipcli", "friendly-scanner"};
    assertThat(ScannerFilter.containsWord("sipcli/v1.8", words)).isTrue();
    assertThat(ScannerFilter.containsWord("SIPCLI", words)).isTrue();
    assertThat(ScannerFilter.containsWord("x friendly-scanner", words)).isTrue();
    assertThat(ScannerFilter.containsWord("MySIPClient", words)).isFalse();
    assertThat(ScannerFilter.containsWord("sipclient sipcli2", words)).isFalse();
    assertThat(ScannerFilter.containsWord("notfriendly-scanner", words)).isFalse();
  }

  @Test
  void marksUserAgentOrFromUser() {
    ScannerFilter filter = new ScannerFilter(List.of("friendly-scanner"), List.of("scanme"));
    assertThat(filter.match(request("User-Agent: friendly-scanner")))
        .contains(ScannerFilter.Match.USER_AGENT);
    assertThat(filter.match(request("From: \"x\" <sip:scanme@1.1.1.1>;tag=1")))
        .contains(ScannerFilter.Match.FROM_USER);
    assertThat(filter.match(request("From: <sip:alice@1.1.1.1>;tag=1", "User-Agent: Asterisk")))
        .isEmpty();
  }

  @Test
  void anUnreadableFromIsNoMark() {
    ScannerFilter filter = new ScannerFilter(List.of(), List.of("scanme"));
    assertThat(filter.match(request("From: <<<scanme"))).isEqualTo(Optional.empty());
    assertThat(filter.match(request())).isEmpty();
  }

  @Test
  void offMarksNothing() {
    assertThat(ScannerFilter.OFF.isOn()).isFalse();
    assertThat(ScannerFilter.OFF.match(request("User-Agent: friendly-scanner"))).isEmpty();
    assertThat(ScannerFilter.DEFAULT.isOn()).isTrue();
  }

  @Test
  void refusesAnEmptyPattern() {
    assertThatThrownBy(() -> new ScannerFilter(List.of(" "), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userAgents");
  }
}
