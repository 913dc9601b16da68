package org.sipscreen.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a YAML config file into a {@link SipscreenConfig}. Every failure becomes a {@link ConfigException}
 * whose message starts with the file, then the key path ({@code sip.listen[0].port}) and the line of that
 * key. A file in the schema before 1.0 is read as 1.0 ({@link LegacyConfig}); what changed is returned with
 * the config ({@link Loaded#renames}) for the caller to tell the operator.
 */
public final class ConfigLoader {

  private static final ObjectMapper MAPPER = JsonMapper.builder(new YAMLFactory())
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      // FAIL_ON_READING_DUP_TREE_KEY covers JsonNode only; records need the parser to refuse duplicates.
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      // 5.5 is not an integer: say so instead of quietly using 5.
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .addModule(ConfigTypes.module())
      .build();

  private ConfigLoader() {}

  /** A config and, when the file used the schema before 1.0, each old key with its new spelling. */
  public record Loaded(SipscreenConfig config, List<String> renames) {
    public Loaded {
      renames = List.copyOf(renames);
    }
  }

  public static SipscreenConfig load(Path file) throws ConfigException {
    return read(file).config();
  }

  /** Reads {@code file}; a legacy file is read as 1.0 and its renames come along. */
  public static Loaded read(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": file not found");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    JsonNode tree;
    try (JsonParser parser = MAPPER.createParser(bytes)) {
      tree = parser.nextToken() == null ? null : MAPPER.readTree(parser);
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + ": not valid YAML: " + oneLine(e.getOriginalMessage())
          + line(e.getLocation()), e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      return new Loaded(SipscreenConfig.defaults(), List.of());
    }
    LegacyConfig.Migration migration = LegacyConfig.migrate(tree);
    List<String> renames = new ArrayList<>();
    for (LegacyConfig.Rename r : migration.renames()) {
      renames.add(r.describe() + line(locationOf(bytes, r.oldKey())));
    }
    try {
      SipscreenConfig config = migration.legacy()
          ? MAPPER.treeToValue(migration.config(), SipscreenConfig.class)
          : MAPPER.readValue(bytes, SipscreenConfig.class);
      return new Loaded(config == null ? SipscreenConfig.defaults() : config, renames);
    } catch (UnrecognizedPropertyException e) {
      String at = where(e);
      throw new ConfigException(file + ": " + at + ": unknown key '" + e.getPropertyName() + "'"
          + line(locationOf(bytes, migration.oldKeyOf(at)))
          + "; known keys: " + e.getKnownPropertyIds());
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof StreamReadException syntax
          && !(syntax instanceof com.fasterxml.jackson.core.exc.InputCoercionException)) {
        throw new ConfigException(file + ": not valid YAML: " + oneLine(syntax.getOriginalMessage())
            + line(syntax.getLocation()), e);
      }
      throw valueError(file, bytes, e, migration);
    } catch (com.fasterxml.jackson.core.exc.InputCoercionException e) {
      // A number too large for its key, met while reading it: name the key and its line.
      throw new ConfigException(file + ": " + e.getProcessor().getParsingContext().pathAsPointer()
          .toString().substring(1).replace('/', '.') + ": expected " + expected(e.getTargetType())
          + ", got " + textOf(e.getProcessor()) + line(e.getLocation()), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + ": not valid YAML: " + oneLine(e.getOriginalMessage())
          + line(e.getLocation()), e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The config file in the 1.0 schema, as YAML: what {@code check-config --migrate} prints. */
  public static String migrated(Path file) throws ConfigException, IOException {
    JsonNode tree = MAPPER.readTree(Files.readAllBytes(file));
    JsonNode out = LegacyConfig.migrate(tree).config();
    return new ObjectMapper(new YAMLFactory()
        .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES))
        .writeValueAsString(out);
  }

  /**
   * Where the key at a dotted path ({@code screening.velocity.peers.b}, {@code sip.listen[0].port}) is
   * written in the file, walking the file to it: Jackson reports records' failures at the end of the
   * enclosing mapping, not at the key. The nearest key that exists on the path when the full one does not.
   */
  private static JsonLocation locationOf(byte[] bytes, String dotted) {
    List<String> parts = new ArrayList<>();
    for (String part : dotted.split("\\.")) {
      int bracket = part.indexOf('[');
      if (bracket >= 0) {
        parts.add(part.substring(0, bracket));
        for (String index : part.substring(bracket + 1).split("\\]\\[?")) {
          if (!index.isEmpty()) {
            parts.add(index);
          }
        }
      } else if (!part.isEmpty() && !part.equals("(top level)")) {
        parts.add(part);
      }
    }
    for (int n = parts.size(); n > 0; n--) {
      StringBuilder pointer = new StringBuilder();
      for (String p : parts.subList(0, n)) {
        pointer.append('/').append(p.replace("~", "~0").replace("/", "~1"));
      }
      JsonLocation at = pointerLocation(bytes, JsonPointer.compile(pointer.toString()));
      if (at != null) {
        return at;
      }
    }
    return null;
  }

  private static JsonLocation pointerLocation(byte[] bytes, JsonPointer target) {
    try (JsonParser p = MAPPER.createParser(bytes)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME && p.getParsingContext().pathAsPointer().equals(target)) {
          return p.currentTokenLocation();
        }
        if (t.isScalarValue() && p.getParsingContext().inArray()
            && p.getParsingContext().pathAsPointer().equals(target)) {
          return p.currentTokenLocation();
        }
      }
    } catch (IOException | IllegalArgumentException ignored) {
      // no location then
    }
    return null;
  }

  /**
   * A bad value: the key path, what was expected in the operator's words ({@code expected an integer, got
   * "five"}) or the record's own check ({@code tcp_idle_timeout_seconds must be positive, was -5}), and
   * the line of the offending key itself, not the end of its section.
   */
  private static ConfigException valueError(Path file, byte[] bytes, JsonMappingException e,
      LegacyConfig.Migration migration) {
    String where = where(e);
    String pointer = pointer(e);
    String message;
    if (rootCause(e) instanceof com.fasterxml.jackson.core.exc.InputCoercionException range) {
      message = "expected " + expected(range.getTargetType()) + range(range.getTargetType()) + ", got "
          + valueAt(bytes, pointer);
    } else if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
        && mismatch.getTargetType() != null && !(rootCause(e) instanceof IllegalArgumentException)) {
      message = "expected " + expected(mismatch.getTargetType()) + ", got " + valueAt(bytes, pointer);
    } else {
      message = rootMessage(e);
      // A record's own check names its key first ("port must be 0-65535, was 99999"): point at that key.
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([a-z][a-z0-9_]*)(?= must |: | is | and )")
          .matcher(message == null ? "" : message);
      if (m.find()) {
        String key = (where.equals("(top level)") ? "" : where + ".") + m.group(1);
        if (locate(bytes, pointer + "/" + m.group(1)) != null
            || !migration.oldKeyOf(key).equals(key)) {
          pointer = pointer + "/" + m.group(1);
          where = key;
        }
      }
    }
    JsonLocation at = locate(bytes, pointer);
    if (at == null) {
      at = locationOf(bytes, migration.oldKeyOf(where)); // a legacy file: where the old key is written
    }
    return new ConfigException(file + ": " + where + ": " + message + line(at), e);
  }

  private static String textOf(JsonParser p) {
    try {
      return p.getText();
    } catch (IOException e) {
      return "a value out of range";
    }
  }

  private static String range(Class<?> type) {
    if (type == Integer.class || type == int.class) {
      return " from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
    }
    if (type == Long.class || type == long.class) {
      return " from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
    }
    return "";
  }

  /** What a Java type is called in a config file. */
  private static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class
        || type == Short.class || type == short.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a text value";
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "a section of keys (key: value lines)";
  }

  /** The value written at a pointer, as the operator wrote it: {@code "five"}, {@code 5.5}, a list. */
  private static String valueAt(byte[] bytes, String pointer) {
    JsonPointer target = JsonPointer.compile(pointer);
    try (JsonParser p = MAPPER.createParser(bytes)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME && p.getParsingContext().pathAsPointer().equals(target)) {
          JsonToken v = p.nextToken();
          return switch (v) {
            case VALUE_STRING -> "\"" + p.getText() + "\"";
            case START_ARRAY -> "a list";
            case START_OBJECT -> "a section of keys";
            case VALUE_NULL -> "nothing";
            default -> p.getText();
          };
        }
      }
    } catch (IOException | IllegalArgumentException ignored) {
      // Fall through.
    }
    return "something else";
  }

  /** The JSON pointer of the exception's path, e.g. {@code /sip/listen/0/port}. */
  private static String pointer(JsonMappingException e) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        pointer.append('/').append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
      } else if (ref.getIndex() >= 0) {
        pointer.append('/').append(ref.getIndex());
      }
    }
    return pointer.toString();
  }

  /** Where the key at {@code pointer} is written, or null when the file has no such key. */
  private static JsonLocation locate(byte[] bytes, String pointer) {
    if (pointer.isEmpty()) {
      return null;
    }
    JsonPointer target = JsonPointer.compile(pointer);
    try (JsonParser p = MAPPER.createParser(bytes)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME && p.getParsingContext().pathAsPointer().equals(target)) {
          return p.currentTokenLocation();
        }
      }
    } catch (IOException | IllegalArgumentException ignored) {
      // No line then.
    }
    return null;
  }

  /**
   * The same error with the line of the config key it names ({@code <file>: screening.block_list.file:
   * ...}) when it has none: for errors found after loading (a list file missing, a directory that cannot
   * be created), which know the key but not where it is written.
   */
  public static ConfigException located(ConfigException e, Path file) {
    String message = e.getMessage();
    String prefix = file + ": ";
    if (message == null || !message.startsWith(prefix) || message.contains("(line ")) {
      return e;
    }
    String rest = message.substring(prefix.length());
    int colon = rest.indexOf(": ");
    if (colon < 0) {
      return e;
    }
    String key = rest.substring(0, colon);
    if (!key.matches("[a-z0-9_.\\[\\]-]+")) {
      return e;
    }
    // A message about a line of another file (a list) keeps that location alone.
    if (rest.substring(colon + 2).matches("(?s)\\S+:\\d+: .*")) {
      return e;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException io) {
      return e;
    }
    String pointer = "/" + key.replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
    JsonLocation at = locate(bytes, pointer);
    return at == null ? e : new ConfigException(message + line(at), e.getCause());
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** SnakeYAML messages span several lines with a caret drawing; an error message is one line. */
  private static String oneLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    StringBuilder sb = new StringBuilder();
    for (String l : message.split("\\R")) {
      String t = l.strip();
      if (t.isEmpty() || t.equals("^") || t.startsWith("in 'reader'")) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(t);
    }
    return sb.length() == 0 ? "syntax error" : sb.toString();
  }

  /** The key path of the failure, e.g. {@code sip.listen[0].port}. */
  private static String where(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "(top level)" : sb.toString();
  }

  private static String rootMessage(JsonMappingException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof IllegalArgumentException || t instanceof NullPointerException) {
      return t.getMessage();
    }
    return e.getOriginalMessage();
  }

  private static String line(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1 ? "" : " (line " + loc.getLineNr() + ")";
  }
}
