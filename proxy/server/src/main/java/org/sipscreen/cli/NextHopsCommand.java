package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sipscreen next-hops}: a running proxy's next hops and whether each is up ({@code GET /admin/next-hops}). */
@Command(name = "next-hops", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "List a running proxy's next hops: priority, weight, up or down, last probe result, and"
        + " the configured name a hop's address was resolved from.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen next-hops --config /etc/sipscreen/sipscreen.yaml",
        "  sipscreen next-hops --admin-url http://10.0.0.5:8080 --token-file /etc/sipscreen/admin.token",
        "  sipscreen next-hops --json | jq -r '.next_hops[] | select(.state == \"down\") | .uri'"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the proxy answered",
        "2:bad option or config file; the proxy refused the request (401)",
        "3:the proxy could not be reached"})
final class NextHopsCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  AdminTarget target;

  @Option(names = "--json", description = "print the admin API's answer as it is")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    AdminTarget.Exchange exchange = target.send("next-hops", admin -> admin.get("/admin/next-hops"));
    if (exchange instanceof AdminTarget.NoAnswer none) {
      return none.exitCode();
    }
    HttpResponse<String> r = ((AdminTarget.Answer) exchange).response();
    if (r.statusCode() != 200) {
      System.err.println("next-hops: the proxy answered " + r.statusCode() + ": "
          + LookupCommand.errorOf(r.body()));
      return r.statusCode() == 401 ? 2 : AdminClient.UNREACHABLE;
    }
    if (json) {
      System.out.println(r.body().strip());
      return 0;
    }
    JsonNode a;
    try {
      a = JSON.readTree(r.body());
    } catch (IOException e) {
      System.err.println("next-hops: the proxy answered something else than JSON: " + r.body().strip());
      return AdminClient.UNREACHABLE;
    }
    System.out.println("probing " + a.path("probing").asText());
    System.out.printf("%-44s %8s %6s %-5s %-10s %s%n", "URI", "PRIORITY", "WEIGHT", "STATE", "LAST PROBE",
        "FROM NAME");
    for (JsonNode h : a.path("next_hops")) {
      System.out.printf("%-44s %8d %6d %-5s %-10s %s%n", h.path("uri").asText(), h.path("priority").asInt(),
          h.path("weight").asInt(), h.path("state").asText(), h.path("last_probe").asText("-"),
          h.path("name").asText("-"));
    }
    return 0;
  }
}
