package org.sipscreen.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.sipscreen.screening.check.DataSize;

/**
 * Reads a config written in the schema before 1.0 as the 1.0 schema: durations and sizes with units, no
 * {@code enabled:} keys, lists as {@code {file: …}}, one action vocabulary, score maps as {@code scores:},
 * and everything about a peer under {@code peers.<name>}. Each change is one {@link Rename}, so
 * {@code check-config} can tell the operator the new spelling of every old key and the proxy can say which
 * keys to change.
 */
final class LegacyConfig {

  private LegacyConfig() {}

  /**
   * One old key and what it became.
   *
   * @param oldKey the key path as the old file wrote it ({@code screening.velocity.peers.b.caller_per_second})
   * @param newKey its 1.0 path, or empty when the key is gone
   * @param newValue how the value is written now, or empty when unchanged
   * @param note why, when that is not obvious
   */
  record Rename(String oldKey, String newKey, String newValue, String note) {
    String describe() {
      StringBuilder sb = new StringBuilder(oldKey);
      if (newKey.isEmpty()) {
        sb.append(" is gone");
      } else {
        sb.append(" -> ").append(newKey);
        if (!newValue.isEmpty()) {
          sb.append(": ").append(newValue);
        }
      }
      if (!note.isEmpty()) {
        sb.append(" (").append(note).append(')');
      }
      return sb.toString();
    }
  }

  /** The config in the 1.0 schema and every change that took. */
  record Migration(JsonNode config, List<Rename> renames) {
    boolean legacy() {
      return !renames.isEmpty();
    }

    /** The old key path a 1.0 key path came from, for error locations; the key itself when unchanged. */
    String oldKeyOf(String newKey) {
      String best = null;
      String bestOld = newKey;
      for (Rename r : renames) {
        if (!r.newKey().isEmpty() && (newKey.equals(r.newKey()) || newKey.startsWith(r.newKey() + "."))
            && (best == null || r.newKey().length() > best.length())) {
          best = r.newKey();
          bestOld = r.oldKey() + newKey.substring(r.newKey().length());
        }
      }
      return bestOld;
    }
  }

  static Migration migrate(JsonNode root) {
    if (root == null || !root.isObject()) {
      return new Migration(root, List.of());
    }
    ObjectNode out = root.deepCopy();
    List<Rename> renames = new ArrayList<>();
    ObjectNode sip = object(out, "sip");
    if (sip != null) {
      size(sip, "sip", "max_message_bytes", "max_message_size", renames);
      seconds(sip, "sip", "tcp_idle_timeout_seconds", "tcp_idle_timeout", renames);
      size(sip, "sip", "udp_max_bytes", "udp_max_size", renames);
    }
    ObjectNode records = object(out, "records");
    if (records != null) {
      JsonNode enabled = records.get("enabled") != null && records.get("enabled").isBoolean()
          ? records.remove("enabled") : null;
      if (enabled != null) {
        if (enabled.asBoolean(true)) {
          renames.add(new Rename("records.enabled", "", "", "a section is on when present"));
        } else {
          out.remove("records");
          renames.add(new Rename("records.enabled", "", "", "false: the records section is left out"));
        }
      }
      if (out.has("records")) {
        millis(records, "records", "flush_interval_ms", "flush_interval", renames);
        size(records, "records", "max_file_bytes", "max_file_size", renames);
        hours(records, "records", "retention_hours", "retention", renames);
        size(records, "records", "retention_bytes", "retention_size", renames);
      }
    }
    ObjectNode reload = object(out, "reload");
    if (reload != null) {
      millis(reload, "reload", "settle_ms", "settle", renames);
    }
    ObjectNode screening = object(out, "screening");
    if (screening != null) {
      migrateScreening(out, screening, renames);
    }
    return new Migration(out, List.copyOf(renames));
  }

  private static void migrateScreening(ObjectNode root, ObjectNode s, List<Rename> renames) {
    ObjectNode peers = null;
    ObjectNode source = object(s, "source_peer");
    if (source != null && source.get("peers") instanceof ObjectNode old) {
      source.remove("peers");
      peers = peersOf(root);
      for (Iterator<Map.Entry<String, JsonNode>> it = old.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ObjectNode peer = peers.putObject(e.getKey());
        peer.setAll((ObjectNode) e.getValue());
        renames.add(new Rename("screening.source_peer.peers." + e.getKey() + ".networks",
            "peers." + e.getKey() + ".networks", "", ""));
      }
      if (source.isEmpty()) {
        s.remove("source_peer");
      }
    }
    ObjectNode policy = object(s, "policy");
    if (policy != null && policy.get("peers") instanceof ObjectNode old) {
      policy.remove("peers");
      peers = peers == null ? peersOf(root) : peers;
      for (Iterator<Map.Entry<String, JsonNode>> it = old.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ObjectNode peer = peerOf(peers, e.getKey());
        for (Iterator<Map.Entry<String, JsonNode>> keys = e.getValue().fields(); keys.hasNext(); ) {
          Map.Entry<String, JsonNode> k = keys.next();
          if (k.getKey().equals("checks") && k.getValue() instanceof ObjectNode checks) {
            ObjectNode to = peer.withObject("/checks");
            for (Iterator<Map.Entry<String, JsonNode>> c = checks.fields(); c.hasNext(); ) {
              Map.Entry<String, JsonNode> check = c.next();
              to.withObject("/" + check.getKey()).setAll((ObjectNode) check.getValue());
              renames.add(new Rename("screening.policy.peers." + e.getKey() + ".checks." + check.getKey(),
                  "peers." + e.getKey() + ".checks." + check.getKey(), "", ""));
            }
          } else {
            peer.set(k.getKey(), k.getValue());
            renames.add(new Rename("screening.policy.peers." + e.getKey() + "." + k.getKey(),
                "peers." + e.getKey() + "." + k.getKey(), "", ""));
          }
        }
      }
    }
    for (String list : List.of("allow_list", "block_list", "tag_list")) {
      ObjectNode l = object(s, list);
      if (l == null) {
        continue;
      }
      if (!l.has("file")) {
        s.remove(list);
        renames.add(new Rename("screening." + list, "", "", "a list without file is left out"));
        continue;
      }
      if (l.has("action") && l.get("action").asText().equals("reject")) {
        l.put("action", "reject_deterministic");
        renames.add(new Rename("screening." + list + ".action", "screening." + list + ".action",
            "reject_deterministic", "one action vocabulary for every check"));
      }

    }
    ObjectNode neighbor = object(s, "neighbor_spoofing");
    if (neighbor != null && neighbor.get("allow_list") instanceof TextNode file) {
      neighbor.putObject("allow_list").put("file", file.asText());
      renames.add(new Rename("screening.neighbor_spoofing.allow_list",
          "screening.neighbor_spoofing.allow_list.file", "", "lists are {file: ...}"));
    }
    ObjectNode invalid = object(s, "invalid_number");
    if (invalid != null) {
      listFile(invalid, "screening.invalid_number", "npa_file", "npa", renames);
      listFile(invalid, "screening.invalid_number", "co_code_file", "co_codes", renames);
    }
    ObjectNode velocity = object(s, "velocity");
    if (velocity != null) {
      sequential(velocity, "screening.velocity", renames);
      if (velocity.get("peers") instanceof ObjectNode old) {
        velocity.remove("peers");
        peers = peers == null ? peersOf(root) : peers;
        for (Iterator<Map.Entry<String, JsonNode>> it = old.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          ObjectNode to = peerOf(peers, e.getKey()).withObject("/checks").withObject("/velocity");
          to.setAll((ObjectNode) e.getValue());
          sequential(to, "screening.velocity.peers." + e.getKey(), renames);
          renames.add(new Rename("screening.velocity.peers." + e.getKey(),
              "peers." + e.getKey() + ".checks.velocity", "", ""));
        }
      }
    }
    ObjectNode stir = object(s, "stir_shaken");
    if (stir != null) {
      JsonNode enabled = stir.get("enabled") != null && stir.get("enabled").isBoolean()
          ? stir.remove("enabled") : null;
      if (enabled != null && !enabled.asBoolean(true)) {
        s.remove("stir_shaken");
        renames.add(new Rename("screening.stir_shaken.enabled", "", "",
            "false: the stir_shaken section is left out (comment it out until the trust anchors are there)"));
      } else {
        if (enabled != null) {
          renames.add(new Rename("screening.stir_shaken.enabled", "", "", "a section is on when present"));
        }
        String k = "screening.stir_shaken";
        millis(stir, k, "deadline_ms", "deadline", renames);
        seconds(stir, k, "freshness_seconds", "freshness", renames);
        ObjectNode fetch = object(stir, "fetch");
        if (fetch != null) {
          JsonNode on = fetch.get("enabled") != null && fetch.get("enabled").isBoolean()
              ? fetch.remove("enabled") : null;
          if (on != null && !on.asBoolean(false)) {
            stir.remove("fetch");
            renames.add(new Rename(k + ".fetch.enabled", "", "", "false: the fetch section is left out"));
          } else {
            if (on != null) {
              renames.add(new Rename(k + ".fetch.enabled", "", "", "a section is on when present"));
            }
            size(fetch, k + ".fetch", "max_bytes", "max_size", renames);
            millis(fetch, k + ".fetch", "timeout_ms", "timeout", renames);
          }
        }
        ObjectNode cache = object(stir, "cache");
        if (cache != null) {
          seconds(cache, k + ".cache", "max_ttl_seconds", "max_ttl", renames);
          seconds(cache, k + ".cache", "negative_ttl_seconds", "negative_ttl", renames);
        }
      }
    }
    ObjectNode reputation = object(s, "reputation");
    if (reputation != null) {
      String k = "screening.reputation";
      millis(reputation, k, "deadline_ms", "deadline", renames);
      seconds(reputation, k, "cache_ttl_seconds", "cache_ttl", renames);
      seconds(reputation, k, "negative_ttl_seconds", "negative_ttl", renames);
      seconds(reputation, k, "error_ttl_seconds", "error_ttl", renames);
      millis(reputation, k, "lookup_timeout_ms", "lookup_timeout", renames);
      millis(reputation, k, "connect_timeout_ms", "connect_timeout", renames);
      millis(reputation, k, "request_timeout_ms", "request_timeout", renames);
      size(reputation, k, "max_response_bytes", "max_response_size", renames);
      listFile(reputation, k, "feed_file", "feed", renames);
      if (reputation.has("score")) {
        reputation.set("scores", reputation.remove("score"));
        renames.add(new Rename(k + ".score", k + ".scores", "", "score maps are scores:"));
      }
      ObjectNode breaker = object(reputation, "circuit_breaker");
      if (breaker != null) {
        seconds(breaker, k + ".circuit_breaker", "cool_down_seconds", "cool_down", renames);
      }
    }
  }

  private static void sequential(ObjectNode velocity, String key, List<Rename> renames) {
    ObjectNode seq = object(velocity, "sequential_dialing");
    if (seq != null) {
      seconds(seq, key + ".sequential_dialing", "window_seconds", "window", renames);
    }
  }

  private static ObjectNode peersOf(ObjectNode root) {
    return root.get("peers") instanceof ObjectNode p ? p : root.putObject("peers");
  }

  private static ObjectNode peerOf(ObjectNode peers, String name) {
    return peers.get(name) instanceof ObjectNode p ? p : peers.putObject(name);
  }

  private static ObjectNode object(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode o ? o : null;
  }

  private static void listFile(ObjectNode o, String key, String oldName, String newName,
      List<Rename> renames) {
    JsonNode v = o.remove(oldName);
    if (v != null) {
      o.putObject(newName).set("file", v);
      renames.add(new Rename(key + "." + oldName, key + "." + newName + ".file", "", "lists are {file: ...}"));
    }
  }

  private static void millis(ObjectNode o, String key, String oldName, String newName, List<Rename> r) {
    unit(o, key, oldName, newName, "ms", r);
  }

  private static void seconds(ObjectNode o, String key, String oldName, String newName, List<Rename> r) {
    unit(o, key, oldName, newName, "s", r);
  }

  private static void hours(ObjectNode o, String key, String oldName, String newName, List<Rename> r) {
    unit(o, key, oldName, newName, "h", r);
  }

  /** {@code oldName: 300} becomes {@code newName: "300s"} (a value that is no number is moved as it is). */
  private static void unit(ObjectNode o, String key, String oldName, String newName, String unit,
      List<Rename> renames) {
    JsonNode v = o.remove(oldName);
    if (v == null) {
      return;
    }
    String text = v.isIntegralNumber() ? v.asLong() + unit : v.asText();
    o.set(newName, v.isIntegralNumber() ? TextNode.valueOf(text) : v);
    renames.add(new Rename(key + "." + oldName, key + "." + newName, v.isIntegralNumber() ? text : "",
        "durations carry their unit"));
  }

  private static void size(ObjectNode o, String key, String oldName, String newName, List<Rename> renames) {
    JsonNode v = o.remove(oldName);
    if (v == null) {
      return;
    }
    String text = v.isIntegralNumber() ? DataSize.ofBytes(v.asLong()).toString() : v.asText();
    o.set(newName, v.isIntegralNumber() ? TextNode.valueOf(text) : v);
    renames.add(new Rename(key + "." + oldName, key + "." + newName, v.isIntegralNumber() ? text : "",
        "sizes carry their unit"));
  }
}
