package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sipscreen reload}: makes a running proxy reload its config and lists now ({@code POST
 * /admin/reload}) and says whether the new version runs or was refused, and why.
 */
@Command(name = "reload", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Make a running proxy reload its config and every list now; print what happened.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen reload --config /etc/sipscreen/sipscreen.yaml",
        "  sipscreen reload --admin-url http://10.0.0.5:8080 --token-file /etc/sipscreen/admin.token",
        "  (kill -HUP PID and systemctl reload sipscreen do the same, without an answer)"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the new config and lists run",
        "1:the proxy refused them (the message names file, key and line); the previous version runs",
        "2:bad option or config file; the proxy refused the request (401)",
        "3:the proxy could not be reached"})
final class ReloadCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  AdminTarget target;

  @Override
  public Integer call() throws InterruptedException {
    AdminTarget.Exchange exchange = target.send("reload", admin -> admin.post("/admin/reload"));
    if (exchange instanceof AdminTarget.NoAnswer none) {
      return none.exitCode();
    }
    HttpResponse<String> r = ((AdminTarget.Answer) exchange).response();
    JsonNode a;
    try {
      a = JSON.readTree(r.body());
    } catch (IOException e) {
      System.err.println("reload: the proxy answered " + r.statusCode() + ": " + r.body().strip());
      return r.statusCode() == 401 ? 2 : AdminClient.UNREACHABLE;
    }
    if (r.statusCode() == 200) {
      System.out.println("reload applied in " + a.path("took_ms").asLong() + " ms");
      if (a.path("needs_restart").size() > 0) {
        System.out.println("changed, applied at the next restart only: " + a.path("needs_restart"));
      }
      return 0;
    }
    if (r.statusCode() == 422) {
      System.err.println("reload rejected; the previous version runs: " + a.path("error").asText());
      return 1;
    }
    System.err.println("reload: the proxy answered " + r.statusCode() + ": " + LookupCommand.errorOf(r.body()));
    return r.statusCode() == 401 ? 2 : AdminClient.UNREACHABLE;
  }
}
