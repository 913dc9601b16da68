package org.sipscreen.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hash of what must agree across a fleet, read from a config file: every top-level section except an
 * instance's own ({@code sip}, {@code http}, {@code fleet}, {@code records}, {@code reload}), in a
 * canonical form (keys sorted), so two files that say the same thing in another order hash alike.
 */
public final class ConfigHash {

  /** Sections each instance sets for itself. */
  static final List<String> INSTANCE_SECTIONS = List.of("sip", "http", "fleet", "records", "reload");

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private ConfigHash() {}

  /** The latest file hashed, with its size and time of change, and its hash. */
  private record Hashed(Path file, long size, FileTime modified, String hash) {}

  /**
   * The latest hash: a fleet member reports it every few seconds, and parsing the YAML each time would cost
   * the proxy more than the rest of the report.
   */
  private static final AtomicReference<Hashed> LATEST = new AtomicReference<>();

  /**
   * The first 16 hex digits of the SHA-256 of the file's shared sections; "unreadable" when it fails. The
   * file is read again only when its size or time of change differs from the last call's.
   */
  public static String of(Path configFile) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(configFile, BasicFileAttributes.class);
    } catch (IOException e) {
      return "unreadable";
    }
    Hashed latest = LATEST.get();
    if (latest != null && latest.file().equals(configFile) && latest.size() == attributes.size()
        && latest.modified().equals(attributes.lastModifiedTime())) {
      return latest.hash();
    }
    String hash = read(configFile);
    LATEST.set(new Hashed(configFile, attributes.size(), attributes.lastModifiedTime(), hash));
    return hash;
  }

  private static String read(Path configFile) {
    try {
      JsonNode tree = YAML.readTree(Files.readAllBytes(configFile));
      if (tree instanceof ObjectNode o) {
        INSTANCE_SECTIONS.forEach(o::remove);
      }
      Object plain = CANONICAL.treeToValue(tree == null ? CANONICAL.createObjectNode() : tree, Object.class);
      byte[] canonical = CANONICAL.writeValueAsBytes(plain instanceof Map<?, ?> m ? m : plain);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical), 0, 8);
    } catch (IOException | NoSuchAlgorithmException e) {
      return "unreadable";
    }
  }

}
