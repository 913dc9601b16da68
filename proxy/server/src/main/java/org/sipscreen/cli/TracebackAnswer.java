package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sipscreen.Sipscreen;
import org.sipscreen.config.ConfigException;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.records.Traceback;

/**
 * The answer to a traceback request, in the terms the Industry Traceback Group asks a provider for: per
 * matching call, the upstream peer it came from (name, Robocall Mitigation Database record, contact), when
 * it was received, from which address, its Call-ID, the caller ID as received, its attestation and signer,
 * and what sipscreen decided. Text for a person, JSON for a tool.
 */
final class TracebackAnswer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TracebackAnswer() {}

  /**
   * What the config says about each peer: {@code contact}, and what the checks know (the RMD filing, from
   * the RMD file the config names). When the chain cannot be built here (a list file missing on this
   * machine), only the config's contact is given and a warning says why.
   */
  static Map<String, Map<String, String>> peers(SipscreenConfig config, Path configFile, PrintStream err) {
    Map<String, Map<String, String>> peers = new LinkedHashMap<>();
    config.peers().forEach((name, p) -> {
      Map<String, String> facts = new LinkedHashMap<>();
      if (p.contact() != null) {
        facts.put("contact", p.contact());
      }
      peers.put(name, facts);
    });
    try {
      Sipscreen.Prepared prepared = Sipscreen.prepare(configFile);
      peers.forEach((name, facts) -> facts.putAll(prepared.installed().peerFacts(name)));
    } catch (ConfigException | RuntimeException e) {
      err.println("traceback: warning: the peers' RMD records are not given: " + e.getMessage());
    }
    return peers;
  }

  /**
   * @param peers per peer name what is known about it, or null when no config was given
   */
  static void write(PrintStream out, String format, Traceback.Query query, Traceback.Result result,
      Map<String, Map<String, String>> peers) throws IOException {
    ObjectNode answer = json(query, result, peers);
    if (format.equals("json")) {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
    } else {
      text(out, answer);
    }
  }

  static ObjectNode json(Traceback.Query query, Traceback.Result result, Map<String, Map<String, String>> peers) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode request = root.putObject("request");
    request.put("caller", query.caller());
    request.put("callee", query.callee());
    request.put("from", query.from().toString());
    request.put("to", query.to().toString());
    request.put("peer", query.peer());
    root.put("calls_found", result.records().size());
    root.put("truncated", result.truncated());
    ArrayNode calls = root.putArray("calls");
    for (ObjectNode r : result.records()) {
      ObjectNode c = calls.addObject();
      c.put("received", text(r, "time"));
      ObjectNode upstream = c.putObject("upstream_peer");
      String peer = text(r, "peer");
      upstream.put("name", peer);
      Map<String, String> facts = peer == null || peers == null ? null : peers.get(peer);
      if (facts != null) {
        facts.forEach(upstream::put);
      }
      c.put("source_address", text(r, "source"));
      c.put("transport", text(r, "transport"));
      c.put("call_id", text(r, "call_id"));
      c.put("caller_id_as_received", text(r, "caller_raw"));
      c.put("caller", text(r, "caller"));
      c.put("callee", text(r, "callee"));
      c.put("attestation", text(r, "attestation"));
      c.put("signer_x5u", text(r, "x5u"));
      c.put("signer_spc", text(r, "spc"));
      c.put("origid", text(r, "origid"));
      ObjectNode decision = c.putObject("decision");
      decision.put("result", text(r, "result"));
      decision.put("delivery", text(r, "delivery"));
      if (r.path("status").isNumber()) {
        decision.put("response", r.path("status").asInt() + " " + r.path("reason").asText(""));
      }
      decision.put("decided_by", text(r, "decided_by"));
      decision.set("fired", r.path("fired").deepCopy());
      decision.put("next_hop", text(r, "next_hop"));
    }
    return root;
  }

  private static void text(PrintStream out, ObjectNode answer) {
    JsonNode req = answer.path("request");
    out.printf("Traceback answer: caller %s, callee %s, %s to %s%s%n", or(req, "caller"), or(req, "callee"),
        or(req, "from"), or(req, "to"), req.path("peer").isTextual() ? ", peer " + req.path("peer").asText() : "");
    int n = answer.path("calls").size();
    out.printf("%d call%s found%s%n", n, n == 1 ? "" : "s", answer.path("truncated").asBoolean()
        ? " (limit reached)" : "");
    int i = 0;
    for (JsonNode c : answer.path("calls")) {
      out.printf("%nCall %d of %d%n", ++i, n);
      line(out, "received (UTC)", or(c, "received"));
      JsonNode up = c.path("upstream_peer");
      line(out, "upstream peer", or(up, "name"));
      if (up.has("rmd_record")) {
        String listed = up.path("rmd_listed").asText("");
        line(out, "RMD record", up.path("rmd_record").asText() + ("yes".equals(listed) ? " (listed" : " (NOT listed")
            + (up.has("rmd_business_name") ? ": " + up.path("rmd_business_name").asText() : "")
            + (up.has("rmd_ocn") ? ", OCN " + up.path("rmd_ocn").asText() : "")
            + (up.has("rmd_frn") ? ", FRN " + up.path("rmd_frn").asText() : "") + ")");
      }
      if (up.has("contact")) {
        line(out, "peer contact", up.path("contact").asText());
      }
      if (up.has("rmd_contact_name") || up.has("rmd_contact_email")) {
        line(out, "RMD contact", String.join(", ", java.util.stream.Stream.of("rmd_contact_name",
            "rmd_contact_telephone", "rmd_contact_email").filter(up::has).map(k -> up.path(k).asText()).toList()));
      }
      line(out, "source address", or(c, "source_address") + " (" + or(c, "transport") + ")");
      line(out, "Call-ID", or(c, "call_id"));
      line(out, "caller ID as received", or(c, "caller_id_as_received"));
      line(out, "caller, callee", or(c, "caller") + " -> " + or(c, "callee"));
      line(out, "attestation", c.path("attestation").isTextual()
          ? c.path("attestation").asText() + (c.path("origid").isTextual() ? " (origid " + c.path("origid").asText()
              + ")" : "") : "none (unsigned or not verified)");
      line(out, "signer (x5u)", or(c, "signer_x5u"));
      if (c.path("signer_spc").isTextual()) {
        line(out, "signer (SPC/OCN)", c.path("signer_spc").asText());
      }
      JsonNode d = c.path("decision");
      StringBuilder decision = new StringBuilder(or(d, "result"));
      if (d.has("response")) {
        decision.append(", answered ").append(d.path("response").asText());
      }
      if (d.path("decided_by").isTextual()) {
        decision.append(", by ").append(d.path("decided_by").asText());
      }
      for (JsonNode f : d.path("fired")) {
        decision.append(decision.indexOf(" flags: ") < 0 ? "; flags: " : ", ")
            .append(f.path("check").asText()).append(':').append(f.path("category").asText());
      }
      if (d.path("next_hop").isTextual()) {
        decision.append("; forwarded to ").append(d.path("next_hop").asText());
      }
      line(out, "decision", decision.toString());
    }
  }

  private static void line(PrintStream out, String label, String value) {
    out.printf("  %-22s %s%n", label + ":", value);
  }

  private static String or(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? "-" : v.asText();
  }

  private static String text(ObjectNode r, String field) {
    JsonNode n = r.path(field);
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }
}
