package org.sipscreen.docs;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the documentation must hold, as checks over the markdown files of a repository: a page per check
 * with its four sections, every config key in backticks somewhere under {@code docs/}, and relative links
 * (and their {@code #anchors}) that resolve. Each check returns the problems it found, one line each, so a
 * test can show them all at once.
 */
final class DocsChecker {

  /** The sections every check page has, as level-2 headings. */
  static final List<String> CHECK_PAGE_SECTIONS = List.of("Overview", "Parameters", "Metrics", "Example");

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern TOKEN = Pattern.compile("[a-z0-9_]+");
  private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE =
      new PropertyNamingStrategies.SnakeCaseStrategy();

  private final Path root;

  DocsChecker(Path root) {
    this.root = root;
  }

  /** The check pages missing under {@code docs/checks/}, or lacking one of the four sections. */
  List<String> checkPageProblems(List<String> checkNames) {
    List<String> problems = new ArrayList<>();
    for (String name : checkNames) {
      Path page = root.resolve("docs/checks/" + name + ".md");
      if (!Files.isRegularFile(page)) {
        problems.add("check " + name + ": no page docs/checks/" + name + ".md");
        continue;
      }
      Set<String> headings = new HashSet<>();
      for (String line : proseLines(read(page))) {
        Matcher m = HEADING.matcher(line);
        if (m.matches() && m.group(1).equals("##")) {
          headings.add(m.group(2));
        }
      }
      for (String section : CHECK_PAGE_SECTIONS) {
        if (!headings.contains(section)) {
          problems.add("docs/checks/" + name + ".md: no '## " + section + "' section");
        }
      }
    }
    return problems;
  }

  /**
   * The config keys (dotted paths as in YAML) whose own name appears in no inline code span of any page
   * under {@code docs/}. A span counts for every snake_case word in it, so {@code `sip.listen[].port`} and
   * {@code `{count, window, max_step}`} document each of their keys.
   */
  List<String> undocumentedKeys(Map<String, String> keysByPath) {
    Set<String> words = new HashSet<>();
    for (Path page : markdownUnder(root.resolve("docs"))) {
      for (String line : proseLines(read(page))) {
        Matcher code = INLINE_CODE.matcher(line);
        while (code.find()) {
          Matcher token = TOKEN.matcher(code.group(2).toLowerCase(Locale.ROOT));
          while (token.find()) {
            words.add(token.group());
          }
        }
      }
    }
    List<String> problems = new ArrayList<>();
    keysByPath.forEach((path, key) -> {
      if (!words.contains(key)) {
        problems.add("config key " + path + ": `" + key + "` appears in no page under docs/");
      }
    });
    return problems;
  }

  /** Relative links in {@code files} (and every markdown file under {@code docs/}) to a missing file or anchor. */
  List<String> brokenLinks(List<String> files) {
    List<Path> pages = new ArrayList<>();
    for (String f : files) {
      pages.add(root.resolve(f));
    }
    pages.addAll(markdownUnder(root.resolve("docs")));
    List<String> problems = new ArrayList<>();
    Map<Path, Set<String>> anchors = new HashMap<>();
    for (Path page : pages) {
      if (!Files.isRegularFile(page)) {
        problems.add(root.relativize(page) + ": missing");
        continue;
      }
      int lineNo = 0;
      boolean fenced = false;
      for (String line : read(page).split("\n", -1)) {
        lineNo++;
        if (line.strip().startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        if (fenced) {
          continue;
        }
        Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
        while (link.find()) {
          String target = link.group(1);
          if (target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            continue; // http:, https:, mailto:
          }
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          String anchor = hash < 0 ? null : target.substring(hash + 1);
          Path to = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
          String where = root.relativize(page) + ":" + lineNo + ": link " + target;
          if (!to.startsWith(root)) {
            problems.add(where + " leaves the repository");
          } else if (!Files.exists(to)) {
            problems.add(where + ": no file " + root.relativize(to));
          } else if (anchor != null && !anchors.computeIfAbsent(to, DocsChecker::anchorsOf).contains(anchor)) {
            problems.add(where + ": no heading with anchor #" + anchor + " in " + root.relativize(to));
          }
        }
      }
    }
    return problems;
  }

  /** A fenced {@code yaml} block of a page under {@code docs/}: where it starts and its text. */
  record YamlBlock(String where, String text) {}

  /** Every fenced {@code ```yaml} block under {@code docs/}, so that a test can load each as a config. */
  List<YamlBlock> yamlBlocks() {
    List<YamlBlock> blocks = new ArrayList<>();
    for (Path page : markdownUnder(root.resolve("docs"))) {
      StringBuilder text = null;
      String where = null;
      int lineNo = 0;
      for (String line : read(page).split("\n", -1)) {
        lineNo++;
        String t = line.strip();
        if (text == null && t.equals("```yaml")) {
          text = new StringBuilder();
          where = root.relativize(page) + ":" + lineNo;
        } else if (text != null && t.startsWith("```")) {
          blocks.add(new YamlBlock(where, text.toString()));
          text = null;
        } else if (text != null) {
          text.append(line).append('\n');
        }
      }
    }
    return blocks;
  }

  /** GitHub's anchors of a markdown file's headings ({@code ## STIR/SHAKEN certificates} is {@code #stirshaken-certificates}). */
  static Set<String> anchorsOf(Path file) {
    Set<String> anchors = new LinkedHashSet<>();
    if (Files.isDirectory(file) || !file.toString().endsWith(".md")) {
      return anchors;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (String line : proseLines(read(file))) {
      Matcher m = HEADING.matcher(line);
      if (m.matches()) {
        String slug = slug(m.group(2));
        int n = seen.merge(slug, 1, Integer::sum) - 1;
        anchors.add(n == 0 ? slug : slug + "-" + n);
      }
    }
    return anchors;
  }

  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        sb.appendCodePoint(c);
      } else if (c == ' ') {
        sb.append('-');
      }
    });
    return sb.toString();
  }

  /**
   * Every key of a config record type, by dotted path ({@code sip.listen[].port}) to its own name as YAML
   * spells it: each record component is a key, and a component that is a record, a list of records or a
   * map of names to records has keys of its own beneath it. {@code skip} names components read by hand
   * (not keys themselves), as {@code Type.component}.
   */
  static Map<String, String> keysOf(Class<?> type, String prefix, Set<String> skip) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (RecordComponent c : type.getRecordComponents()) {
      if (skip.contains(type.getSimpleName() + "." + c.getName())) {
        continue;
      }
      String key = SNAKE.translate(c.getName());
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      keys.put(path, key);
      Type generic = c.getGenericType();
      if (c.getType().isRecord()) {
        keys.putAll(keysOf(c.getType(), path, skip));
      } else if (generic instanceof ParameterizedType p) {
        Type[] args = p.getActualTypeArguments();
        Type element = List.class.isAssignableFrom(c.getType()) ? args[0]
            : Map.class.isAssignableFrom(c.getType()) ? args[1] : null;
        if (element instanceof Class<?> e && e.isRecord()) {
          String inner = List.class.isAssignableFrom(c.getType()) ? path + "[]" : path + ".<name>";
          keys.putAll(keysOf(e, inner, skip));
        }
      }
    }
    return keys;
  }

  /** The lines of a markdown text outside fenced code blocks. */
  private static List<String> proseLines(String text) {
    List<String> lines = new ArrayList<>();
    boolean fenced = false;
    for (String line : text.split("\n", -1)) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static List<Path> markdownUnder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
