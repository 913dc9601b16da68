package org.sipscreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import org.sipscreen.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sipscreen fleet}: the members of the fleet a running proxy belongs to ({@code GET /admin/fleet}),
 * with the config and list versions each runs and where they drift from the rest.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "List the instances of a running proxy's fleet (from Redis) and flag config or list"
        + " drift between them.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen fleet --config /etc/sipscreen/sipscreen.yaml",
        "  sipscreen fleet --admin-url http://10.0.0.5:8080 --token-file /etc/sipscreen/admin.token"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every member runs the same config and lists",
        "1:some member drifts (marked in the DRIFT column)",
        "2:bad option or config file; the proxy refused the request (401)",
        "3:the proxy could not be reached, has no fleet section, or Redis did not answer"})
final class FleetCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  AdminTarget target;

  @Override
  public Integer call() throws InterruptedException {
    AdminClient admin;
    try {
      admin = target.client();
    } catch (ConfigException e) {
      System.err.println("fleet: " + e.getMessage());
      return 2;
    }
    JsonNode view;
    try {
      view = members(admin);
    } catch (IOException e) {
      System.err.println("fleet: " + e.getMessage());
      return AdminClient.UNREACHABLE;
    } catch (AuthException e) {
      System.err.println("fleet: " + e.getMessage());
      return 2;
    }
    String row = "%-24s %-22s %-28s %-16s %-22s %s%n";
    System.out.printf(row, "ID", "VERSION", "ADMIN URL", "CONFIG", "LAST RELOAD", "DRIFT");
    for (JsonNode m : view.path("members")) {
      System.out.printf(row, m.path("id").asText(), m.path("version").asText(), m.path("admin_url").asText(),
          m.path("config_hash").asText(), m.path("last_reload").asText(),
          m.path("drift").isEmpty() ? "-" : String.join(",", JSON.convertValue(m.path("drift"),
              String[].class)));
    }
    long drifting = view.path("drifting").asLong();
    System.err.printf("%d member%s, %d drifting (asked %s)%n", view.path("members").size(),
        view.path("members").size() == 1 ? "" : "s", drifting, admin.base());
    return drifting > 0 ? 1 : 0;
  }

  /** Refused by the admin API's authorization. */
  static final class AuthException extends Exception {
    AuthException(String message) {
      super(message);
    }
  }

  /** {@code GET /admin/fleet} of {@code admin}: the member table; IOException with a one-line reason. */
  static JsonNode members(AdminClient admin) throws IOException, InterruptedException, AuthException {
    HttpResponse<String> r;
    try {
      r = admin.get("/admin/fleet");
    } catch (IOException e) {
      throw new IOException(admin.unreachable(e), e);
    }
    if (r.statusCode() == 401) {
      throw new AuthException("the proxy refused the request (401): " + LookupCommand.errorOf(r.body()));
    }
    if (r.statusCode() == 404) {
      throw new IOException("the proxy at " + admin.base() + " has no fleet section");
    }
    if (r.statusCode() != 200) {
      throw new IOException("the proxy answered " + r.statusCode() + " (Redis did not answer): "
          + r.body().strip());
    }
    return JSON.readTree(r.body());
  }
}
