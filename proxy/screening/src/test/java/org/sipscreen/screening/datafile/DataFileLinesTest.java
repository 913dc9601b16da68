package org.sipscreen.screening.datafile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.screening.datafile.DataFileFormatException;

class DataFileLinesTest {

  @TempDir Path dir;

  private static final class TestFormatException extends DataFileFormatException {
    private static final long serialVersionUID = 1L;

    TestFormatException(String source, int lineNumber, String line, String why) {
      super(source, lineNumber, line, why);
    }
  }

  /** A reader that hands out one char per read, so that every line end falls on a buffer boundary. */
  private static final class OneCharReader extends Reader {
    private final String text;
    private int pos;

    OneCharReader(String text) {
      this.text = text;
    }

    @Override
    public int read(char[] buf, int off, int len) {
      if (pos == text.length()) {
        return -1;
      }
      buf[off] = text.charAt(pos++);
      return 1;
    }

    @Override
    public void close() {}
  }

  private static List<String> lines(DataFileLines lines) throws IOException {
    List<String> all = new ArrayList<>();
    while (lines.next()) {
      assertThat(lines.lineNumber()).isEqualTo(all.size() + 1);
      all.add(new String(lines.chars(), lines.start(), lines.end() - lines.start()));
    }
    assertThat(lines.next()).isFalse();
    return all;
  }

  private static List<String> lines(String text) throws IOException {
    List<String> whole = lines(DataFileLines.of("t", new StringReader(text), TestFormatException::new));
    List<String> oneByOne = lines(DataFileLines.of("t", new OneCharReader(text), TestFormatException::new));
    assertThat(oneByOne).isEqualTo(whole);
    return whole;
  }

  @Test
  void splitsLinesLikeReadLine() throws Exception {
    assertThat(lines("a\nb\r\nc\rd")).containsExactly("a", "b", "c", "d");
    assertThat(lines("a\n\nb\n")).containsExactly("a", "", "b");
    assertThat(lines("a\r\r\nb\r")).containsExactly("a", "", "b");
    assertThat(lines("")).isEmpty();
    assertThat(lines("\n")).containsExactly("");
  }

  @Test
  void skipsAByteOrderMarkOnTheFirstLineOnly() throws Exception {
    assertThat(lines("\ufeffa\n\ufeffb")).containsExactly("a", "\ufeffb");
    assertThat(lines("\u00ef\u00bb\u00bfa\n")).containsExactly("a");
    assertThat(lines("\u00ef\u00bbx")).containsExactly("\u00ef\u00bbx");
  }

  @Test
  void readsFilesByteForChar() throws Exception {
    Path file = dir.resolve("f.txt");
    StringBuilder text = new StringBuilder("\u00ef\u00bb\u00bffirst\r\n");
    for (int i = 0; i < 50_000; i++) {
      text.append("line ").append(i).append(i % 2 == 0 ? "\n" : "\r\n");
    }
    text.append("caf\u00e9 \u00ff");
    Files.write(file, text.toString().getBytes(StandardCharsets.ISO_8859_1));
    try (DataFileLines lines = DataFileLines.open(file, TestFormatException::new)) {
      List<String> all = lines(lines);
      assertThat(all).hasSize(50_002);
      assertThat(all.get(0)).isEqualTo("first");
      assertThat(all.get(40_001)).isEqualTo("line 40000");
      assertThat(all.get(50_001)).isEqualTo("caf\u00e9 \u00ff");
      assertThat(lines.source()).isEqualTo(file.toString());
    }
  }

  @Test
  void growsForLongLinesUpToTheLimit() throws Exception {
    String longLine = "y".repeat(200_000);
    assertThat(lines("x\n" + longLine + "\nz")).containsExactly("x", longLine, "z");
    String tooLong = "\nz".repeat(3) + "\n" + "y".repeat(DataFileLines.MAX_LINE_LENGTH + 1);
    DataFileLines lines = DataFileLines.of("big", new StringReader(tooLong), TestFormatException::new);
    assertThatThrownBy(() -> {
      while (lines.next()) {
        // read on
      }
    }).isInstanceOf(TestFormatException.class)
        .hasMessageStartingWith("big:5: line longer than 1048576 characters: 'yyy")
        .message().hasSizeLessThan(200);
    String exactlyMax = "y".repeat(DataFileLines.MAX_LINE_LENGTH);
    assertThat(lines(exactlyMax + "\n")).containsExactly(exactlyMax);
  }

  @Test
  void errorsNameSourceLineAndText() throws Exception {
    DataFileLines lines = DataFileLines.of("src", new StringReader("a\nb\tc"), TestFormatException::new);
    lines.next();
    lines.next();
    assertThat(lines.line()).isEqualTo("b\tc");
    assertThat(lines.error("why")).hasMessage("src:2: why: 'b\\x09c'");
    assertThat(lines.fileError("empty")).hasMessage("src:2: empty");
  }
}
