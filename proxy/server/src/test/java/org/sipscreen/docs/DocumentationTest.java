package org.sipscreen.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.config.ConfigException;
import org.sipscreen.config.ConfigLoader;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.screening.chain.CheckRegistry;
import org.sipscreen.screening.check.CheckModule;
import org.sipscreen.testkit.Corpus;

/**
 * The documentation keeps up with the code: every check in {@link CheckRegistry#MODULES} has its page
 * {@code docs/checks/<name>.md} with Overview, Parameters, Metrics and Example; every key of the config
 * model (the records of {@link SipscreenConfig} and each check's config and per-peer override) is named in
 * backticks on some page under {@code docs/}; and no relative link in the README, CONTRIBUTING.md,
 * deploy/README.md or docs/ points to a missing file or heading; and every YAML example under docs/ reads as
 * a config of schema 1.0 (so no example names a key the loader refuses).
 */
class DocumentationTest {

  /** Components read by hand rather than as keys: the check sections and a size's byte count. */
  private static final Set<String> NOT_KEYS = Set.of("Screening.checks", "PeerChecks.byCheck",
      "DataSize.bytes");

  /** The top-level markdown files whose links are checked besides docs/. */
  private static final List<String> LINKED_FILES = List.of("README.md", "CONTRIBUTING.md", "deploy/README.md");

  private final DocsChecker docs = new DocsChecker(Corpus.repo());

  /** Every key of the config model, by dotted path, to its own name. */
  static Map<String, String> configKeys() {
    Map<String, String> keys = new LinkedHashMap<>(DocsChecker.keysOf(SipscreenConfig.class, "", NOT_KEYS));
    for (CheckModule<?, ?> m : CheckRegistry.MODULES) {
      keys.put("screening." + m.name(), m.name());
      keys.putAll(DocsChecker.keysOf(m.configType(), "screening." + m.name(), NOT_KEYS));
      if (m.peerOverrideType().isRecord()) {
        keys.putAll(DocsChecker.keysOf(m.peerOverrideType(), "peers.<name>.checks." + m.name(), NOT_KEYS));
      }
    }
    return keys;
  }

  @Test
  void everyCheckHasItsPageWithOverviewParametersMetricsAndExample() {
    assertThat(docs.checkPageProblems(CheckRegistry.names())).isEmpty();
  }

  @Test
  void everyConfigKeyIsDocumentedUnderDocs() {
    Map<String, String> keys = configKeys();
    assertThat(keys).containsEntry("sip.listen[].port", "port")
        .containsEntry("peers.<name>.checks.velocity.caller_per_second", "caller_per_second")
        .containsEntry("screening.stir_shaken.fetch.ca_files", "ca_files")
        .containsEntry("records.retention_size", "retention_size")
        .doesNotContainKey("screening.checks");
    assertThat(docs.undocumentedKeys(keys)).isEmpty();
  }

  @Test
  void everyYamlExampleUnderDocsReadsAsAConfigOfSchema10(@TempDir Path dir) throws IOException {
    List<DocsChecker.YamlBlock> blocks = docs.yamlBlocks();
    assertThat(blocks).hasSizeGreaterThan(10);
    List<String> problems = new ArrayList<>();
    for (DocsChecker.YamlBlock block : blocks) {
      Path file = Files.writeString(dir.resolve("example.yaml"), block.text());
      try {
        ConfigLoader.Loaded loaded = ConfigLoader.read(file);
        if (!loaded.renames().isEmpty()) {
          problems.add(block.where() + ": keys of the schema before 1.0: " + loaded.renames());
        }
      } catch (ConfigException e) {
        problems.add(block.where() + ": " + e.getMessage());
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void relativeLinksPointToFilesAndHeadingsThatExist() {
    assertThat(docs.brokenLinks(LINKED_FILES)).isEmpty();
  }

  @Test
  void readmeStaysAShortMapOfTheDocumentation() throws IOException {
    assertThat(Files.readAllLines(Corpus.repo().resolve("README.md"))).hasSizeLessThanOrEqualTo(200);
  }

  // The checker itself: each check can fail.

  @Test
  void reportsAMissingCheckPageAndAMissingSection(@TempDir Path root) throws IOException {
    write(root, "docs/checks/velocity.md", "# velocity\n\n## Overview\n\n## Parameters\n\n## Metrics\n");
    assertThat(new DocsChecker(root).checkPageProblems(List.of("velocity", "reputation"))).containsExactly(
        "docs/checks/velocity.md: no '## Example' section",
        "check reputation: no page docs/checks/reputation.md");
  }

  @Test
  void aSectionInsideACodeBlockDoesNotCount(@TempDir Path root) throws IOException {
    write(root, "docs/checks/x.md", "## Overview\n## Parameters\n## Metrics\n```\n## Example\n```\n");
    assertThat(new DocsChecker(root).checkPageProblems(List.of("x")))
        .containsExactly("docs/checks/x.md: no '## Example' section");
  }

  @Test
  void reportsAKeyNamedOnlyOutsideBackticksOrOutsideDocs(@TempDir Path root) throws IOException {
    write(root, "README.md", "`queue_size` is documented only here\n");
    write(root, "docs/a.md", "| `sip.listen[].port` | the port |\nmax_step in plain text\n");
    write(root, "docs/dev/b.md", "`{count, window}`\n```\n`max_step`\n```\n");
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("sip.listen[].port", "port");
    keys.put("screening.velocity.sequential_dialing.window", "window");
    keys.put("screening.velocity.sequential_dialing.max_step", "max_step");
    keys.put("records.queue_size", "queue_size");
    assertThat(new DocsChecker(root).undocumentedKeys(keys)).containsExactly(
        "config key screening.velocity.sequential_dialing.max_step: `max_step` appears in no page under docs/",
        "config key records.queue_size: `queue_size` appears in no page under docs/");
  }

  @Test
  void reportsLinksToMissingFilesAndAnchors(@TempDir Path root) throws IOException {
    write(root, "README.md", "See [reload](docs/reload.md#publishing-a-list-safely), [gone](docs/gone.md),\n"
        + "[bad anchor](docs/reload.md#no-such-heading), [web](https://example.net/x.md), [self](#sipscreen)\n"
        + "`[in code](docs/none.md)`\n# sipscreen\n");
    write(root, "docs/reload.md", "# Reload\n\n## Publishing a list safely\n\n[back](../README.md#nope)\n"
        + "[up](../../outside.md)\n");
    assertThat(new DocsChecker(root).brokenLinks(List.of("README.md"))).containsExactly(
        "README.md:1: link docs/gone.md: no file docs/gone.md",
        "README.md:2: link docs/reload.md#no-such-heading: no heading with anchor #no-such-heading in"
            + " docs/reload.md",
        "docs/reload.md:5: link ../README.md#nope: no heading with anchor #nope in README.md",
        "docs/reload.md:6: link ../../outside.md leaves the repository");
  }

  @Test
  void yamlBlocksAreTheYamlFencesUnderDocsOnly(@TempDir Path root) throws IOException {
    write(root, "README.md", "```yaml\nsip: {}\n```\n");
    write(root, "docs/a.md", "text\n```\nnot: yaml\n```\n```yaml\nrecords:\n  retention: 30d\n```\n");
    assertThat(new DocsChecker(root).yamlBlocks()).containsExactly(
        new DocsChecker.YamlBlock("docs/a.md:5", "records:\n  retention: 30d\n"));
  }

  @Test
  void anchorsFollowGithubSlugs(@TempDir Path root) throws IOException {
    Path page = write(root, "p.md", "# STIR/SHAKEN certificates\n## Why lazy framing, not JAIN-SIP's full parse\n"
        + "## Example\n## Example\n### `velocity` (per peer)\n");
    assertThat(DocsChecker.anchorsOf(page)).containsExactly("stirshaken-certificates",
        "why-lazy-framing-not-jain-sips-full-parse", "example", "example-1", "velocity-per-peer");
  }

  @Test
  void configKeysWalkNestedRecordsListsAndMaps() {
    record Leaf(Integer maxStep) {}
    record Inner(String file, Leaf leaf) {}
    record Top(List<Inner> listen, Map<String, Inner> peers, Inner section, Integer queueSize) {}
    assertThat(DocsChecker.keysOf(Top.class, "", Set.of("Inner.leaf"))).containsExactly(
        Map.entry("listen", "listen"), Map.entry("listen[].file", "file"),
        Map.entry("peers", "peers"), Map.entry("peers.<name>.file", "file"),
        Map.entry("section", "section"), Map.entry("section.file", "file"),
        Map.entry("queue_size", "queue_size"));
  }

  private static Path write(Path root, String name, String text) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }
}
