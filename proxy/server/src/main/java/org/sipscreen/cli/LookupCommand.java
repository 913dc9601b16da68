package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sipscreen lookup NUMBER}: asks a running proxy what it would do with a call from NUMBER (the admin
 * API's dry run, {@code GET /admin/lookup}) and prints the action, the deciding check and every check's
 * verdict. Nothing is counted or changed in the proxy.
 */
@Command(name = "lookup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Ask a running proxy what it would do with a call from NUMBER (a dry run: nothing is"
        + " counted or changed).",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen lookup +12025550199 --config /etc/sipscreen/sipscreen.yaml",
        "  sipscreen lookup 2025550199 --callee +13105550100 --peer carrier-a --admin-url http://10.0.0.5:8080"
            + " --token-file /etc/sipscreen/admin.token",
        "  sipscreen lookup +12025550199 --json | jq .checks"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the proxy answered (whatever it would do with the call)",
        "2:bad number, option or config file; the proxy refused the request (400, 401)",
        "3:the proxy could not be reached"})
final class LookupCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(paramLabel = "NUMBER", description = "the calling number, in any form the proxy reads"
      + " (+12025550199, 2025550199, (202) 555-0199)")
  String caller;

  @Option(names = "--callee", paramLabel = "NUMBER", defaultValue = "+18005550100",
      description = "the called number (default ${DEFAULT-VALUE})")
  String callee;

  @Option(names = "--peer", paramLabel = "NAME|IP",
      description = "the source peer the call comes from (default: the first configured peer)")
  String peer;

  @Mixin
  AdminTarget target;

  @Option(names = "--json", description = "print the proxy's JSON answer as it is")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    String query = "/admin/lookup?caller=" + enc(caller) + "&callee=" + enc(callee)
        + (peer == null ? "" : "&peer=" + enc(peer));
    AdminTarget.Exchange exchange = target.send("lookup", admin -> admin.get(query));
    if (exchange instanceof AdminTarget.NoAnswer none) {
      return none.exitCode();
    }
    HttpResponse<String> r = ((AdminTarget.Answer) exchange).response();
    if (r.statusCode() != 200) {
      System.err.println("lookup: the proxy answered " + r.statusCode() + ": " + errorOf(r.body()));
      return r.statusCode() == 400 || r.statusCode() == 401 ? 2 : AdminClient.UNREACHABLE;
    }
    if (json) {
      System.out.println(r.body());
      return 0;
    }
    try {
      print(JSON.readTree(r.body()));
    } catch (IOException e) {
      System.err.println("lookup: the proxy's answer is not JSON: " + e.getMessage());
      return AdminClient.UNREACHABLE;
    }
    return 0;
  }

  private static void print(JsonNode a) {
    StringBuilder action = new StringBuilder(a.path("action").asText());
    if (a.has("status")) {
      action.append(' ').append(a.path("status").asInt()).append(' ').append(a.path("reason").asText());
    }
    System.out.println("caller      " + a.path("caller").asText("(unreadable)"));
    System.out.println("callee      " + a.path("callee").asText("(unreadable)"));
    System.out.println("peer        " + a.path("peer").asText("(unknown)") + " ("
        + a.path("source_address").asText() + ")");
    System.out.println("action      " + action);
    System.out.println("decided by  " + (a.path("decided_by").isNull() ? "-" : a.path("decided_by").asText()));
    System.out.println("score       " + a.path("score").asInt());
    if (a.path("tags").size() > 0) {
      System.out.println("tags        " + a.path("tags"));
    }
    System.out.println("checks:");
    for (JsonNode c : a.path("checks")) {
      StringBuilder line = new StringBuilder(String.format("  %-20s %s", c.path("check").asText(),
          c.path("outcome").asText()));
      if (c.has("score")) {
        line.append(" score ").append(c.path("score").asInt());
      }
      System.out.println(line);
    }
    for (JsonNode d : a.path("decisions")) {
      System.out.println(String.format("policy: %s %s score %d -> %s%s", d.path("check").asText(),
          d.path("category").asText(), d.path("score").asInt(), d.path("action").asText(),
          d.path("shadow").asBoolean() ? " (shadow)" : ""));
    }
  }

  static String errorOf(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n.has("error") ? n.path("error").asText() : body.strip();
    } catch (IOException e) {
      return body.strip();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
