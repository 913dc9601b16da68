package org.sipscreen.sip;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class HeaderNameTest {

  private static HeaderName of(String name) {
    byte[] b = ("x" + name + "x").getBytes(US_ASCII);
    return HeaderName.of(b, 1, 1 + name.length());
  }

  @Test
  void everyNameInAnyCaseIsItselfAndNearMissesAreOther() {
    for (HeaderName h : HeaderName.values()) {
      if (h == HeaderName.OTHER) {
        continue;
      }
      String n = h.canonical();
      assertThat(of(n)).isEqualTo(h);
      assertThat(of(n.toUpperCase(Locale.ROOT))).isEqualTo(h);
      assertThat(of(n.toLowerCase(Locale.ROOT))).isEqualTo(h);
      assertThat(of(n.substring(0, n.length() - 1) + "_")).as(n + " with its last letter changed")
          .isEqualTo(HeaderName.OTHER);
      assertThat(of(n + "s")).isEqualTo(HeaderName.OTHER);
    }
  }

  @Test
  void compactFormsAndNamesOfNoKnownLength() {
    assertThat(of("v")).isEqualTo(HeaderName.VIA);
    assertThat(of("I")).isEqualTo(HeaderName.CALL_ID);
    assertThat(of("y")).isEqualTo(HeaderName.IDENTITY);
    assertThat(of("q")).isEqualTo(HeaderName.OTHER);
    assertThat(of("X-A-Header-Name-Longer-Than-Any-Known")).isEqualTo(HeaderName.OTHER);
    assertThat(of("Subject")).isEqualTo(HeaderName.OTHER); // the length of Contact and Call-ID
  }
}
