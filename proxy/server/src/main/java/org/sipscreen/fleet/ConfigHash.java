package org.sipscreen.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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

  /** The first 16 hex digits of the SHA-256 of the file's shared sections; "unreadable" when it fails. */
  public static String of(Path configFile) {
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
