package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sipscreen bans}: lists the sources a running proxy's flood control has banned ({@code GET /admin/bans}). */
@Command(name = "bans", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "List the sources a running proxy's flood control has banned: address, peer, until when.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen bans --config /etc/sipscreen/sipscreen.yaml",
        "  sipscreen bans --admin-url http://10.0.0.5:8080 --token-file /etc/sipscreen/admin.token",
        "  sipscreen bans --json | jq -r '.bans[].address'",
        "  (lift one with: sipscreen unban 192.0.2.7)"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the proxy answered (with or without bans)",
        "2:bad option or config file; the proxy refused the request (401)",
        "3:the proxy could not be reached"})
final class BansCommand implements Callable<Integer> {

  @Mixin
  AdminTarget target;

  @Option(names = "--json", description = "print the admin API's answer as it is")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    return target.show("bans", "/admin/bans", json, a -> {
      JsonNode bans = a.path("bans");
      System.out.println(bans.size() + " banned; flood control " + a.path("flood_control").asText());
      if (bans.size() > 0) {
        System.out.printf("%-40s %-20s %s%n", "ADDRESS", "PEER", "UNTIL");
        for (JsonNode b : bans) {
          System.out.printf("%-40s %-20s %s%n", b.path("address").asText(),
              b.has("peer") ? b.path("peer").asText() : "-", b.path("until").asText());
        }
      }
    });
  }
}
