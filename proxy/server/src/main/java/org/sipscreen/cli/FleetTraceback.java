package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sipscreen.config.ConfigException;

/**
 * {@code sipscreen traceback --fleet}: the fleet's members from one member's {@code /admin/fleet}, then
 * each member's {@code /admin/traceback} with the same query and token, merged by time, each record
 * marked with its {@code instance}. A member that does not answer is named on stderr; the others' records
 * are still listed.
 */
final class FleetTraceback {

  private static final ObjectMapper JSON = new ObjectMapper();

  private FleetTraceback() {}

  static int run(TracebackCommand c, PrintStream out, PrintStream err) {
    AdminClient admin;
    try {
      admin = AdminClient.of(c.source.config, c.source.adminUrl, c.tokenFile);
    } catch (ConfigException e) {
      err.println("traceback: " + e.getMessage());
      return 2;
    }
    try {
      JsonNode view = FleetCommand.members(admin);
      Map<String, String> query = new LinkedHashMap<>();
      query.put("caller", c.caller);
      query.put("callee", c.callee);
      query.put("from", c.from);
      query.put("to", c.to);
      query.put("peer", c.peer);
      query.put("limit", Integer.toString(c.limit));
      StringBuilder q = new StringBuilder("/admin/traceback?");
      query.forEach((k, v) -> {
        if (v != null) {
          q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&');
        }
      });
      List<ObjectNode> records = new ArrayList<>();
      int unreachable = 0;
      for (JsonNode m : view.path("members")) {
        String id = m.path("id").asText();
        try {
          HttpResponse<String> r = admin.at(m.path("admin_url").asText()).get(q.toString());
          JsonNode body = JSON.readTree(r.body());
          if (r.statusCode() == 400) {
            err.println("traceback: " + body.path("error").asText());
            return 2;
          }
          if (r.statusCode() != 200) {
            err.println("traceback: member " + id + " answered " + r.statusCode() + ": "
                + body.path("error").asText(r.body().strip()));
            unreachable++;
            continue;
          }
          for (JsonNode record : body.path("records")) {
            ObjectNode o = (ObjectNode) record;
            ObjectNode marked = JSON.createObjectNode().put("instance", id);
            marked.setAll(o);
            records.add(marked);
          }
        } catch (IOException | ConfigException e) {
          err.println("traceback: member " + id + " at " + m.path("admin_url").asText()
              + " did not answer: " + e.getMessage());
          unreachable++;
        }
      }
      records.sort(Comparator.comparing((ObjectNode r) -> r.path("time").asText())
          .thenComparing(r -> r.path("instance").asText()));
      if (c.format.equals("jsonl")) {
        for (ObjectNode r : records) {
          out.println(JSON.writeValueAsString(r));
        }
      } else {
        TracebackCommand.table(out, records);
      }
      err.printf("%d record%s from %d member%s%s%n", records.size(), records.size() == 1 ? "" : "s",
          view.path("members").size() - unreachable, view.path("members").size() - unreachable == 1 ? "" : "s",
          unreachable > 0 ? "; " + unreachable + " did not answer" : "");
      if (unreachable > 0) {
        return AdminClient.UNREACHABLE;
      }
      return records.isEmpty() ? 1 : 0;
    } catch (IOException e) {
      err.println("traceback: " + e.getMessage());
      return AdminClient.UNREACHABLE;
    } catch (FleetCommand.AuthException e) {
      err.println("traceback: " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return AdminClient.UNREACHABLE;
    }
  }
}
