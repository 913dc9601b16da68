package org.sipscreen.cli;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sipscreen unban ADDRESS}: lifts a flood-control ban in a running proxy ({@code DELETE /admin/bans/ADDRESS}). */
@Command(name = "unban", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Lift a flood-control ban in a running proxy: the source's requests are handled again"
        + " (and counted afresh).",
    footerHeading = "%nExamples:%n",
    footer = {
        "  sipscreen unban 192.0.2.7 --config /etc/sipscreen/sipscreen.yaml",
        "  sipscreen unban 2001:db8:1:2::/64 --admin-url http://10.0.0.5:8080 --token-file /etc/sipscreen/admin.token",
        "  (list the bans with: sipscreen bans)"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the ban was lifted",
        "1:the address was not banned",
        "2:bad address, option or config file; the proxy refused the request (400, 401)",
        "3:the proxy could not be reached"})
final class UnbanCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ADDRESS", description = "an IPv4 address, an IPv6 address or its /64, as"
      + " sipscreen bans lists it")
  String address;

  @Mixin
  AdminTarget target;

  @Override
  public Integer call() throws InterruptedException {
    String path = "/admin/bans/" + URLEncoder.encode(address.strip(), StandardCharsets.UTF_8)
        .replace("%3A", ":").replace("%2F", "/");
    AdminTarget.Exchange exchange = target.send("unban", admin -> admin.delete(path));
    if (exchange instanceof AdminTarget.NoAnswer none) {
      return none.exitCode();
    }
    HttpResponse<String> r = ((AdminTarget.Answer) exchange).response();
    return switch (r.statusCode()) {
      case 200 -> {
        System.out.println("unbanned " + address.strip());
        yield 0;
      }
      case 404 -> {
        System.err.println("unban: " + LookupCommand.errorOf(r.body()));
        yield 1;
      }
      case 400, 401 -> {
        System.err.println("unban: " + LookupCommand.errorOf(r.body()));
        yield 2;
      }
      default -> {
        System.err.println("unban: the proxy answered " + r.statusCode() + ": " + LookupCommand.errorOf(r.body()));
        yield AdminClient.UNREACHABLE;
      }
    };
  }
}
