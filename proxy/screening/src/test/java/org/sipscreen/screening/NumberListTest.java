package org.sipscreen.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumberListTest {

  @TempDir Path dir;

  private static PhoneNumber n(String e164) {
    return new PhoneNumber.E164(e164);
  }

  @Test
  void loadsNumbersPrefixesCommentsAndBlankLinesFromFile() throws Exception {
    Path file = dir.resolve("block.txt");
    Files.writeString(file, String.join("\n",
        "# robocallers",
        "",
        "+12025550123",
        "1 (202) 555-0124   # trailing comment",
        "  +1.202.555.0125\t",
        "+1 900*",
        "+44 20 7946*  # London fictional range",
        "+12025550123",
        ""));
    NumberList list = NumberList.load(file);
    assertThat(list.exactCount()).isEqualTo(3);
    assertThat(list.prefixCount()).isEqualTo(2);
    assertThat(list.source()).isEqualTo(file.toString());
    assertThat(list.contains(n("+12025550123"))).isTrue();
    assertThat(list.contains(n("+12025550124"))).isTrue();
    assertThat(list.contains(n("+12025550125"))).isTrue();
    assertThat(list.contains(n("+12025550126"))).isFalse();
    assertThat(list.contains(n("+19005550100"))).isTrue();
    assertThat(list.contains(n("+442079460000"))).isTrue();
    assertThat(list.contains(n("+442079470000"))).isFalse();
  }

  @Test
  void badLineNamesFileLineNumberAndText() throws Exception {
    Path file = dir.resolve("tags.txt");
    Files.writeString(file, "+12025550123\n# ok\n+1202555x0124\n");
    assertThatThrownBy(() -> NumberList.load(file))
        .isInstanceOf(NumberListFormatException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(":3:")
        .hasMessageContaining("'+1202555x0124'")
        .satisfies(e -> assertThat(((NumberListFormatException) e).lineNumber()).isEqualTo(3));
  }

  @Test
  void rejectsEntriesThatAreNotE164NumbersOrPrefixes() {
    String[][] cases = {
      {"+0123456789", "an E.164 number or prefix cannot start with 0"},
      {"+1234567890123456", "more than 15 digits"},
      {"+1202*555", "not an E.164 number or prefix"},
      {"*", "no digits"},
      {"+", "no digits"},
      {"120255", "fewer than 7 digits for a number (end a prefix with '*')"},
      {"sip:+12025550123@h", "not an E.164 number or prefix"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> NumberList.of("inline", "+12025550100", c[0]))
          .as(c[0])
          .isInstanceOf(NumberListFormatException.class)
          .hasMessageStartingWith("inline:2: " + c[1])
          .hasMessageEndingWith("'" + c[0] + "'");
    }
  }

  @Test
  void errorMessageShortensHugeLinesAndEscapesControlCharacters() {
    String huge = "x".repeat(128 * 1024);
    assertThatThrownBy(() -> NumberList.of("f", huge))
        .message().hasSizeLessThan(200);
    assertThatThrownBy(() -> NumberList.of("f", "12\u0007"))
        .hasMessageEndingWith("'12\\x07'");
  }

  @Test
  void longestPrefixMatchReportsTheLongestMatchingPrefix() {
    NumberList list = NumberList.of("p", "+1*", "+1202*", "+1202555*", "+1203*");
    assertThat(list.longestPrefixMatch(n("+12025550123"))).isEqualTo(7);
    assertThat(list.longestPrefixMatch(n("+12035550123"))).isEqualTo(4);
    assertThat(list.longestPrefixMatch(n("+13035550123"))).isEqualTo(1);
    assertThat(list.longestPrefixMatch(n("+442071234567"))).isZero();
    assertThat(list.containsExact(n("+12025550123"))).isFalse();
  }

  @Test
  void prefixEntryMatchesTheNumberEqualToIt() {
    NumberList list = NumberList.of("p", "+12025550123*");
    assertThat(list.contains(n("+12025550123"))).isTrue();
    assertThat(list.contains(n("+1202555012"))).isFalse();
  }

  @Test
  void anonymousAndUnparseableCallersAreNeverOnAList() {
    NumberList list = NumberList.of("p", "+1*", "+2*", "+3*", "+4*", "+5*", "+6*", "+7*", "+8*", "+9*");
    assertThat(list.contains(PhoneNumber.ANONYMOUS)).isFalse();
    assertThat(list.contains(new PhoneNumber.Unparseable("x"))).isFalse();
    assertThat(list.longestPrefixMatch(PhoneNumber.ANONYMOUS)).isZero();
  }

  @Test
  void emptyListContainsNothing() {
    assertThat(NumberList.EMPTY.contains(n("+12025550123"))).isFalse();
    assertThat(NumberList.of("blank", "", "# only comments", "   ").exactCount()).isZero();
  }

  @Test
  void loadsOneMillionNumbersWellUnderASecond() throws Exception {
    Path file = dir.resolve("million.txt");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < 1_000_000; i++) {
        w.write("+1202");
        w.write(Integer.toString(1_000_000 + i * 7));
        w.write('\n');
      }
    }
    NumberList.load(file); // warm up the JIT, as a long-running proxy would be
    long start = System.nanoTime();
    NumberList list = NumberList.load(file);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(list.exactCount()).isEqualTo(1_000_000);
    assertThat(list.contains(n("+12021000007"))).isTrue();
    assertThat(list.contains(n("+12021000008"))).isFalse();
    assertThat(millis).as("load time in ms").isLessThan(1000);
  }
}
