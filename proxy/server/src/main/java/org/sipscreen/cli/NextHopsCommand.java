package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

  @Mixin
  AdminTarget target;

  @Option(names = "--json", description = "print the admin API's answer as it is")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    return target.show("next-hops", "/admin/next-hops", json, a -> {
      System.out.println("probing " + a.path("probing").asText());
      System.out.printf("%-44s %8s %6s %-5s %-10s %s%n", "URI", "PRIORITY", "WEIGHT", "STATE", "LAST PROBE",
          "FROM NAME");
      for (JsonNode h : a.path("next_hops")) {
        System.out.printf("%-44s %8d %6d %-5s %-10s %s%n", h.path("uri").asText(), h.path("priority").asInt(),
            h.path("weight").asInt(), h.path("state").asText(), h.path("last_probe").asText("-"),
            h.path("name").asText("-"));
      }
    });
  }
}
