package org.sipscreen.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
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
  void loadsAMillionNumbersAndFindsEachOfThem() throws Exception {
    Path file = dir.resolve("million.txt");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < 1_000_000; i++) {
        w.write("+1202");
        w.write(Integer.toString(1_000_000 + i * 7));
        w.write('\n');
      }
    }
    NumberList list = NumberList.load(file);
    assertThat(list.exactCount()).isEqualTo(1_000_000);
    for (int i = 0; i < 1_000_000; i += 997) {
      long number = 12_021_000_000L + i * 7L;
      assertThat(list.contains(n("+" + number))).as("+%d", number).isTrue();
      assertThat(list.contains(n("+" + (number + 1)))).as("+%d", number + 1).isFalse();
    }
    assertThat(list.contains(n("+12021000007"))).isTrue();
    assertThat(list.contains(n("+12021000008"))).isFalse();
    // load time is measured by loadtest/jmh ListBenchmark, not asserted here
    assertThat(list.loadDuration()).isPositive();
    // one cache line of 8 long keys per lookup below 3 million numbers: 11.4 bytes each (issue 5: 16)
    assertThat(list.heapBytes()).as("heap bytes").isLessThan(12L * 1_000_000);
  }

  @Test
  void findsEveryNumberOfALargeMixOfCountriesAndNoOther() {
    // 90 % in one dense +1 range, the rest spread over other countries and lengths up to 15 digits:
    // the clustering that a value-ordered directory handles badly
    SplittableRandom random = new SplittableRandom(5);
    Set<Long> listed = new HashSet<>();
    StringBuilder text = new StringBuilder();
    while (listed.size() < 300_000) {
      long number = random.nextInt(10) != 0 ? 12_025_550_000L + random.nextInt(1_000_000)
          : random.nextLong(1_000_000L, 1_000_000_000_000_000L);
      listed.add(number);
      text.append('+').append(number).append('\n');
    }
    NumberList list = parse(text.toString());
    assertThat(list.exactCount()).isEqualTo(listed.size());
    for (long number : listed) {
      assertThat(list.containsExact(n("+" + number))).isTrue();
    }
    int falsePositives = 0;
    for (int i = 0; i < 200_000; i++) {
      long number = random.nextInt(2) == 0 ? 12_025_550_000L + random.nextInt(2_000_000)
          : random.nextLong(1_000_000L, 1_000_000_000_000_000L);
      if (!listed.contains(number) && list.containsExact(n("+" + number))) {
        falsePositives++;
      }
    }
    assertThat(falsePositives).isZero();
    assertThat(list.heapBytes()).as("heap bytes").isLessThan(12L * listed.size());
  }

  @Test
  void duplicatesCountOnce() {
    NumberList list = NumberList.of("dup", "+12025550123", "1 202 555 0123", "+1202555*", "+1 202 555*",
        "+12025550124");
    assertThat(list.exactCount()).isEqualTo(2);
    assertThat(list.prefixCount()).isEqualTo(1);
    assertThat(list.contains(n("+12025550123"))).isTrue();
  }

  @Test
  void aNumberListedExactlyAndUnderAPrefixIsListedBothWays() {
    NumberList list = NumberList.of("both", "+12025550123", "+1202*");
    assertThat(list.contains(n("+12025550123"))).isTrue();
    assertThat(list.containsExact(n("+12025550123"))).isTrue();
    assertThat(list.longestPrefixMatch(n("+12025550123"))).isEqualTo(4);
    assertThat(list.containsExact(n("+12025550199"))).isFalse();
    assertThat(list.contains(n("+12025550199"))).isTrue();
  }

  @Test
  void prefixLongerThanTheNumberDoesNotMatch() {
    NumberList list = NumberList.of("p", "+12025550123456*");
    assertThat(list.longestPrefixMatch(n("+12025550123456"))).isEqualTo(14);
    assertThat(list.longestPrefixMatch(n("+1202555012345"))).isZero();
    assertThat(list.longestPrefixMatch(n("+120255501234567"))).isEqualTo(14);
  }

  @Test
  void acceptsFifteenDigitNumbersAndPrefixes() {
    NumberList list = NumberList.of("max", "+999999999999999", "+100000000000000", "+1234567",
        "+999999999999998*", "+9*");
    assertThat(list.exactCount()).isEqualTo(3);
    assertThat(list.containsExact(n("+999999999999999"))).isTrue();
    assertThat(list.containsExact(n("+100000000000000"))).isTrue();
    assertThat(list.containsExact(n("+1234567"))).isTrue();
    assertThat(list.containsExact(n("+99999999999999"))).isFalse();
    assertThat(list.longestPrefixMatch(n("+999999999999998"))).isEqualTo(15);
    assertThat(list.longestPrefixMatch(n("+999999999999997"))).isEqualTo(1);
  }

  @Test
  void emptyListsHaveNoEntriesAndTheEmptyVersion() {
    NumberList blank = NumberList.of("blank", "# nothing", "");
    assertThat(blank.exactCount()).isZero();
    assertThat(blank.prefixCount()).isZero();
    assertThat(blank.contains(n("+12025550123"))).isFalse();
    assertThat(blank.longestPrefixMatch(n("+12025550123"))).isZero();
    assertThat(blank.version()).isEqualTo(NumberList.EMPTY.version());
    assertThat(NumberList.EMPTY.exactCount()).isZero();
  }

  @Test
  void versionDependsOnTheEntriesOnly() {
    NumberList a = NumberList.of("a", "+12025550123", "+1900*", "+442079460000");
    NumberList sameEntries = NumberList.of("b", "# reordered", "+44 20 7946 0000", "+1 900*",
        "1 (202) 555-0123", "+12025550123");
    NumberList other = NumberList.of("c", "+12025550123", "+1900*", "+442079460001");
    NumberList prefixInsteadOfNumber = NumberList.of("d", "+12025550123*", "+1900*", "+442079460000");
    assertThat(a.version()).hasSize(16).isEqualTo(sameEntries.version());
    assertThat(other.version()).isNotEqualTo(a.version());
    assertThat(prefixInsteadOfNumber.version()).isNotEqualTo(a.version());
    assertThat(a.source()).isEqualTo("a");
    assertThat(a.loadDuration().isNegative()).isFalse();
    assertThat(a.heapBytes()).isPositive();
  }

  @Test
  void readsWindowsAndOldMacLineEndsAndSkipsAByteOrderMark() throws Exception {
    Path file = dir.resolve("crlf.txt");
    Files.write(file, "\u00ef\u00bb\u00bf+12025550123\r\n+12025550124\r+12025550125\r\nbad\r\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> NumberList.load(file))
        .hasMessage(file + ":4: not an E.164 number or prefix (digits, optional leading +, optional"
            + " trailing *): 'bad'");
    Files.write(file, "\u00ef\u00bb\u00bf+12025550123\r\n+12025550124\r+12025550125"
        .getBytes(StandardCharsets.ISO_8859_1));
    NumberList list = NumberList.load(file);
    assertThat(list.exactCount()).isEqualTo(3);
    assertThat(list.contains(n("+12025550125"))).isTrue();
  }

  private static NumberList parse(String text) {
    try {
      return NumberList.parse("text", new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
