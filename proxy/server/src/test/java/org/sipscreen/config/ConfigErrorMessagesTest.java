package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;

/**
 * Bad values are reported in the operator's words (what was expected, what was written) at the line of the
 * offending key itself, even when its section ends the file; errors found after loading (a list file that
 * is missing) name the key's line too, and no message carries a Java class name.
 */
class ConfigErrorMessagesTest {

  @TempDir
  Path dir;

  private String loadError(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file)).getMessage();
  }

  private String prepareError(String yaml) throws Exception {
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, yaml);
    return catchThrowableOfType(ConfigException.class, () -> Sipscreen.prepare(file)).getMessage();
  }

  @Test
  void aWordWhereAnIntegerBelongsIsNamedAtItsOwnLineWhenItsSectionEndsTheFile() throws Exception {
    String message = loadError("""
        sip:
          record_route: true
        screening:
          policy:
            label: "SPAM?"
            tag_score: five
            block_score: 90
            redress_url: https://redress.example.net/
        """);

    assertThat(message).endsWith("sipscreen.yaml: screening.policy.tag_score: expected an integer, got"
        + " \"five\" (line 6)");
    assertThat(message).doesNotContain("coerce").doesNotContain("java.");
  }

  @Test
  void aBooleanAListAndAFractionAreNamedInWords() throws Exception {
    assertThat(loadError("sip:\n  record_route: maybe\n"))
        .endsWith("sip.record_route: expected true or false, got \"maybe\" (line 2)");
    assertThat(loadError("http:\n  address: 127.0.0.1\n  port: [8080]\n"))
        .endsWith("http.port: expected an integer, got a list (line 3)");
    assertThat(loadError("sip:\n  warmup_calls: 5.5\n"))
        .endsWith("sip.warmup_calls: expected an integer, got 5.5 (line 2)");
  }

  @Test
  void aNumberTooLargeNamesTheRange() throws Exception {
    assertThat(loadError("sip:\n  listen:\n    - address: 127.0.0.1\n      port: 99999999999\n"))
        .endsWith("sip.listen[0].port: expected an integer from -2147483648 to 2147483647, got 99999999999"
            + " (line 4)");
  }

  @Test
  void aValueItsSectionRefusesPointsAtTheKeyNotTheSectionEnd() throws Exception {
    String message = loadError("""
        sip:
          tcp_idle_timeout: 0s
          record_route: true
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:5070
        """);

    assertThat(message).contains("sip.tcp_idle_timeout: tcp_idle_timeout must be 1s-1d, was 0s (line 2)");
  }

  @Test
  void aMissingListFileNamesTheKeysLineWithoutJavaClassNames() throws Exception {
    String message = prepareError("""
        screening:
          block_list:
            action: reject_deterministic
            file: lists/absent.txt
        """);

    assertThat(message).endsWith("screening.block_list.file: cannot read " + dir.resolve("lists/absent.txt")
        + ": no such file (line 4)");
    assertThat(message).doesNotContain("java.").doesNotContain("Exception");
  }

  @Test
  void anErrorInsideAListFileKeepsTheListsLineAlone() throws Exception {
    Files.writeString(dir.resolve("block.txt"), "+12025550199\nnot-a-number\n");

    String message = prepareError("screening:\n  block_list:\n    file: block.txt\n");

    assertThat(message).contains("block.txt:2: not an E.164 number").doesNotContain("(line");
  }
}
