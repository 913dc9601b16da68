package org.sipscreen.screening.check.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.screening.PhoneNumber;

class ReputationFeedTest {

  @TempDir Path dir;

  private static PhoneNumber n(String e164) {
    return new PhoneNumber.E164(e164);
  }

  @Test
  void loadsEntriesHeaderCommentsAndBlankLinesFromFile() throws Exception {
    Path file = dir.resolve("feed.csv");
    Files.writeString(file, String.join("\n",
        "# vendor feed 2026-01-01",
        "number,score,category",
        "",
        "+12025550123,87,robocall",
        " 12025550124 , 40 , Scam Likely   # spaces and a comment",
        "+442079460000,5",
        "+12025550125,10,robocall",
        ""));
    ReputationFeed feed = ReputationFeed.load(file);
    assertThat(feed.size()).isEqualTo(4);
    assertThat(feed.source()).isEqualTo(file.toString());
    assertThat(feed.answerFor(n("+12025550123"))).contains(new ReputationAnswer.Scored(87, "robocall"));
    assertThat(feed.answerFor(n("+12025550124"))).contains(new ReputationAnswer.Scored(40, "scam_likely"));
    assertThat(feed.answerFor(n("+442079460000")))
        .contains(new ReputationAnswer.Scored(5, ReputationAnswer.UNSPECIFIED));
    assertThat(feed.indexOf(n("+12025550126"))).isEqualTo(-1);
    assertThat(feed.indexOf(PhoneNumber.ANONYMOUS)).isEqualTo(-1);
    int i = feed.indexOf(n("+12025550125"));
    assertThat(feed.scoreAt(i)).isEqualTo(10);
    assertThat(feed.categoryAt(i)).isEqualTo("robocall");
  }

  @Test
  void aNumberListedTwiceKeepsItsHighestScore() {
    ReputationFeed feed = ReputationFeed.of("dup",
        "+12025550123,90,scam", "+12025550123,20,clean", "+19995550100,100,x");
    assertThat(feed.size()).isEqualTo(2);
    assertThat(feed.answerFor(n("+12025550123"))).contains(new ReputationAnswer.Scored(90, "scam"));
    assertThat(feed.answerFor(n("+19995550100"))).contains(new ReputationAnswer.Scored(100, "x"));
  }

  @Test
  void fifteenDigitNumbersUseTheWholePackedRange() {
    ReputationFeed feed = ReputationFeed.of("long",
        "+999999999999999,100,a", "+100000000000000,0,b", "+5629999999999,50,c");
    assertThat(feed.answerFor(n("+999999999999999"))).contains(new ReputationAnswer.Scored(100, "a"));
    assertThat(feed.answerFor(n("+100000000000000"))).contains(new ReputationAnswer.Scored(0, "b"));
    assertThat(feed.answerFor(n("+5629999999999"))).contains(new ReputationAnswer.Scored(50, "c"));
  }

  @Test
  void badLineNamesFileLineNumberAndText() throws Exception {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, "+12025550123,87,robocall\n# ok\n+12025550124,101,scam\n");
    assertThatThrownBy(() -> ReputationFeed.load(file))
        .isInstanceOf(ReputationFeedFormatException.class)
        .hasMessageContaining(file.toString() + ":3:")
        .hasMessageContaining("score must be an integer 0-100")
        .hasMessageContaining("'+12025550124,101,scam'")
        .satisfies(e -> assertThat(((ReputationFeedFormatException) e).lineNumber()).isEqualTo(3));
  }

  @Test
  void rejectsLinesThatAreNotNumberScoreCategory() {
    assertBad("+12025550123", "expected number,score[,category]");
    assertBad("+1202555x123,50", "digits with an optional leading '+'");
    assertBad("+02025550123,50", "cannot start with 0");
    assertBad("+120255,50", "7-15 digits");
    assertBad("+1202555012345678,50", "7-15 digits");
    assertBad("+12025550123,-1", "score must be an integer 0-100");
    assertBad("+12025550123,,robocall", "score must be an integer 0-100");
    assertBad("+12025550123,50,robocall,extra", "more than three fields");
  }

  @Test
  void limitsTheNumberOfDistinctCategories() {
    String[] lines = new String[ReputationFeed.MAX_CATEGORIES + 1];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = "+1202555" + String.format("%04d", i) + ",50,category" + i;
    }
    assertThatThrownBy(() -> ReputationFeed.of("many", lines))
        .isInstanceOf(ReputationFeedFormatException.class)
        .hasMessageContaining("many:" + lines.length + ":")
        .hasMessageContaining("more than 128 distinct categories");
  }

  @Test
  void sanitizesCategoriesForLogs() {
    assertThat(ReputationAnswer.sanitizeCategory("Scam Likely!")).isEqualTo("scam_likely");
    assertThat(ReputationAnswer.sanitizeCategory("  IRS--imposter  ")).isEqualTo("irs_imposter");
    assertThat(ReputationAnswer.sanitizeCategory("\u0000\"}")).isEqualTo(ReputationAnswer.UNSPECIFIED);
    assertThat(ReputationAnswer.sanitizeCategory("x".repeat(100))).hasSize(32);
    assertThat(new ReputationAnswer.Scored(1, "a b").category()).isEqualTo("a_b");
  }

  @Test
  void loadsAMillionEntries() throws Exception {
    Path file = dir.resolve("million.csv");
    String[] categories = {"robocall", "scam", "telemarketing", "debt_collector", "clean"};
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      w.write("number,score,category\n");
      // descending, so that the loader has to sort
      for (int i = 999_999; i >= 0; i--) {
        long number = 12_000_000_000L + i * 7L;
        w.write("+" + number + "," + (i % 101) + "," + categories[i % categories.length] + "\n");
      }
    }
    ReputationFeed feed = ReputationFeed.load(file);
    assertThat(feed.size()).isEqualTo(1_000_000);
    for (int i : new int[] {0, 1, 500_000, 999_999}) {
      long number = 12_000_000_000L + i * 7L;
      assertThat(feed.answerFor(n("+" + number)))
          .contains(new ReputationAnswer.Scored(i % 101, categories[i % categories.length]));
      assertThat(feed.indexOf(n("+" + (number + 1)))).isEqualTo(-1);
    }
    // 11.4 bytes of keys and 2.9 of score and category per number below 3 million (issue 5: at most 16)
    assertThat(feed.heapBytes()).as("heap bytes").isLessThanOrEqualTo(16L * 1_000_000);
  }

  @Test
  void manySpellingsOfFewCategoriesAllMapToTheSanitizedName() {
    String[] lines = new String[2000];
    for (int i = 0; i < lines.length; i++) {
      // 2,000 distinct spellings (more than the spelling cache holds) of two categories
      String spelling = (i % 2 == 0 ? "Robo" : "Scam") + " ".repeat(i / 2 % 50) + "-".repeat(i / 100);
      lines[i] = "+1202555" + String.format("%04d", i) + "," + (i % 101) + "," + spelling;
    }
    ReputationFeed feed = ReputationFeed.of("spellings", lines);
    assertThat(feed.size()).isEqualTo(2000);
    for (int i = 0; i < lines.length; i++) {
      assertThat(feed.answerFor(n("+1202555" + String.format("%04d", i))))
          .contains(new ReputationAnswer.Scored(i % 101, i % 2 == 0 ? "robo" : "scam"));
    }
  }

  @Test
  void versionDependsOnNumbersScoresAndCategoriesOnly() {
    ReputationFeed a = ReputationFeed.of("a", "+12025550123,87,robocall", "+12025550124,40,scam");
    ReputationFeed reordered = ReputationFeed.of("b", "number,score,category", "# x",
        "12025550124, 40, Scam", "+12025550123,87,robocall");
    assertThat(a.version()).hasSize(16).isEqualTo(reordered.version());
    assertThat(ReputationFeed.of("c", "+12025550123,88,robocall", "+12025550124,40,scam").version())
        .isNotEqualTo(a.version());
    assertThat(ReputationFeed.of("d", "+12025550123,87,robocall", "+12025550124,40,fraud").version())
        .isNotEqualTo(a.version());
    assertThat(ReputationFeed.of("e", "# empty").version()).isEqualTo(ReputationFeed.EMPTY.version());
    assertThat(a.loadDuration().isNegative()).isFalse();
    assertThat(a.heapBytes()).isPositive();
  }

  @Test
  void readsWindowsLineEndsAndSkipsAByteOrderMark() throws Exception {
    Path file = dir.resolve("bom.csv");
    Files.write(file, "\u00ef\u00bb\u00bfnumber,score,category\r\n+12025550123,87,robocall\r\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    ReputationFeed feed = ReputationFeed.load(file);
    assertThat(feed.answerFor(n("+12025550123"))).contains(new ReputationAnswer.Scored(87, "robocall"));
  }

  @Test
  void emptyFeedListsNothing() {
    ReputationFeed feed = ReputationFeed.of("e", "number,score,category", "");
    assertThat(feed.size()).isZero();
    assertThat(feed.indexOf(n("+12025550123"))).isEqualTo(-1);
    assertThat(ReputationFeed.EMPTY.indexOf(n("+12025550123"))).isEqualTo(-1);
  }

  private static void assertBad(String line, String why) {
    assertThatThrownBy(() -> ReputationFeed.of("t", line))
        .as(line)
        .isInstanceOf(ReputationFeedFormatException.class)
        .hasMessageContaining("t:1:")
        .hasMessageContaining(why);
  }
}
