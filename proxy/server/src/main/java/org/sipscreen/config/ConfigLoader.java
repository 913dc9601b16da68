package org.sipscreen.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
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

/**
 * Reads a YAML config file into a {@link SipscreenConfig}. Every failure becomes a {@link ConfigException}
 * whose message starts with the file, then the key path ({@code sip.listen[0].port}) and line.
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
      .build();

  private ConfigLoader() {}

  public static SipscreenConfig load(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": file not found");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    try (JsonParser parser = MAPPER.createParser(bytes)) {
      if (parser.nextToken() == null) {
        // An empty file (or one with only comments) means every default.
        return new SipscreenConfig(null, null, null, null);
      }
      SipscreenConfig config = MAPPER.readValue(parser, SipscreenConfig.class);
      if (config == null) {
        return new SipscreenConfig(null, null, null, null);
      }
      return config;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(file + ": " + where(e) + ": unknown key '" + e.getPropertyName()
          + "'" + line(keyLocation(bytes, e)) + "; known keys: " + e.getKnownPropertyIds());
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof StreamReadException syntax) {
        throw new ConfigException(file + ": not valid YAML: " + oneLine(syntax.getOriginalMessage())
            + line(syntax.getLocation()), e);
      }
      throw new ConfigException(file + ": " + where(e) + ": " + rootMessage(e) + line(e.getLocation()), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + ": not valid YAML: " + oneLine(e.getOriginalMessage())
          + line(e.getLocation()), e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Where the key the exception's path ends in is written. Records bind through their constructor, so
   * Jackson buffers an unknown key and reports it only at the end of the enclosing mapping, with that
   * location; to name the key's own line, walk the file again to the key.
   */
  private static JsonLocation keyLocation(byte[] bytes, JsonMappingException e) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        pointer.append('/').append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
      } else if (ref.getIndex() >= 0) {
        pointer.append('/').append(ref.getIndex());
      }
    }
    JsonPointer target = JsonPointer.compile(pointer.toString());
    try (JsonParser p = MAPPER.createParser(bytes)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME && p.getParsingContext().pathAsPointer().equals(target)) {
          return p.currentTokenLocation();
        }
      }
    } catch (IOException | IllegalArgumentException ignored) {
      // Fall back to what Jackson reported.
    }
    return e.getLocation();
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
