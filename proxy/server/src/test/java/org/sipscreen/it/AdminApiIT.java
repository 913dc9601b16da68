package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.config.ConfigException;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.check.velocity.VelocityCheck;
import org.sipscreen.testkit.Ports;

/**
 * The admin API on the HTTP port of a running proxy: authorization (open on loopback without a token,
 * 401 without or with a wrong bearer token when one is set), the lookup dry run, peers, lists, reload.
 * A test token, made up for this test only.
 */
@Timeout(120)
class AdminApiIT {

  /** Test-only token, not a secret. */
  static final String TEST_TOKEN = "test-token-0123456789abcdef";
  static final String BLOCKED = "+12025550199";
  static final String CALLER = "+13125550123";

  @TempDir
  Path dir;
  Sipscreen running;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  Path config(String http) throws Exception {
    Files.writeString(dir.resolve("block.txt"), BLOCKED + "\n");
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d}]
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:%d
        http:
        %s
        screening:
          source_peer:
            peers:
              local: {networks: [127.0.0.0/8]}
              carrier-b: {networks: [192.0.2.0/24]}
          block_list: {file: block.txt}
          velocity: {caller_per_hour: 1, action: reject_analytics}
          policy: {redress_url: "https://redress.example.net/"}
        """.formatted(Ports.free(), Ports.free(), http));
    return config;
  }

  void start(String http) throws Exception {
    running = Sipscreen.start(Sipscreen.prepare(config(http)));
  }

  HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + running.httpAddress().getPort() + path);
  }

  @Test
  void openOnLoopbackWithoutAToken() throws Exception {
    start("  address: 127.0.0.1\n  port: 0");
    HttpResponse<String> lists = get("/admin/lists", null);
    assertThat(lists.statusCode()).isEqualTo(200);
    JsonNode files = json.readTree(lists.body()).get("files");
    JsonNode block = null;
    for (JsonNode f : files) {
      if (f.get("name").asText().equals("block_list")) {
        block = f;
      }
    }
    assertThat(block).as(lists.body()).isNotNull();
    assertThat(block.get("entries").asLong()).isEqualTo(1);
    assertThat(block.get("version").asText())
        .isEqualTo(org.sipscreen.screening.NumberList.of("same", BLOCKED).version());
    assertThat(block.get("generation").asLong()).isEqualTo(1);
    assertThat(block.get("load_ms").isIntegralNumber()).isTrue();
    assertThat(block.get("file").asText()).endsWith("block.txt");
    assertThat(block.has("loaded_at")).isTrue();
  }

  @Test
  void tokenIsRequiredWhenConfigured() throws Exception {
    start("  port: 0\n  admin: {token: " + TEST_TOKEN + "}");
    HttpResponse<String> none = get("/admin/lists", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"sipscreen\"");
    assertThat(get("/admin/lists", "Bearer wrong-token-0123456789ab").statusCode()).isEqualTo(401);
    assertThat(get("/admin/lists", "Bearer " + TEST_TOKEN + "x").statusCode()).isEqualTo(401);
    assertThat(get("/admin/lists", "Basic " + TEST_TOKEN).statusCode()).isEqualTo(401);
    assertThat(post("/admin/reload", null).statusCode()).isEqualTo(401);
    assertThat(get("/admin/lists", "Bearer " + TEST_TOKEN).statusCode()).isEqualTo(200);
    // Metrics and health stay open: scrapers and load balancers have no token.
    assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void tracebackIsBehindTheSameToken() throws Exception {
    Path config = config("  port: 0\n  admin: {token: " + TEST_TOKEN + "}");
    Files.writeString(config, Files.readString(config) + "records: {directory: records}\n");
    running = Sipscreen.start(Sipscreen.prepare(config));
    String query = "/admin/traceback?caller=%2B12025550123&from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z";

    assertThat(get(query, null).statusCode()).isEqualTo(401);
    assertThat(get(query, "Bearer wrong-token-0123456789ab").statusCode()).isEqualTo(401);
    HttpResponse<String> authorized = get(query, "Bearer " + TEST_TOKEN);
    assertThat(authorized.statusCode()).isEqualTo(200);
    assertThat(json.readTree(authorized.body()).get("count").asInt()).isZero();
  }

  @Test
  void reportIsBehindTheSameTokenAndAnswersEachFormatWithItsType() throws Exception {
    Path config = config("  port: 0\n  admin: {token: " + TEST_TOKEN + "}");
    Files.writeString(config, Files.readString(config) + "records: {directory: records}\n");
    running = Sipscreen.start(Sipscreen.prepare(config));
    String query = "/admin/report?from=2026-11-28&to=2026-11-29";

    assertThat(get(query, null).statusCode()).isEqualTo(401);
    HttpResponse<String> json = get(query, "Bearer " + TEST_TOKEN);
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("content-type")).contains("application/json");
    assertThat(this.json.readTree(json.body()).get("records").asLong()).isZero();
    HttpResponse<String> csv = get(query + "&format=csv", "Bearer " + TEST_TOKEN);
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    assertThat(csv.body()).isEqualTo("peer,day,measure,key,calls,share\n");
    HttpResponse<String> html = get(query + "&format=html", "Bearer " + TEST_TOKEN);
    assertThat(html.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(html.body()).startsWith("<!DOCTYPE html>");
    assertThat(get("/admin/report?from=2026-11-28", "Bearer " + TEST_TOKEN).statusCode()).isEqualTo(400);
  }

  @Test
  void tokenFromATokenFile() throws Exception {
    Files.writeString(dir.resolve("admin.token"), TEST_TOKEN + "\n");
    start("  port: 0\n  admin: {token_file: admin.token}");
    assertThat(get("/admin/peers", null).statusCode()).isEqualTo(401);
    assertThat(get("/admin/peers", "Bearer " + TEST_TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void disabledAdminApiIsNotThere() throws Exception {
    start("  port: 0\n  admin: {enabled: false}");
    assertThat(get("/admin/lists", null).statusCode()).isEqualTo(404);
  }

  @Test
  void nonLoopbackAddressWithoutATokenIsAConfigError() throws Exception {
    Path config = config("  address: 0.0.0.0\n  port: 0");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> Sipscreen.prepare(config));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).startsWith(config.toString()).contains("http")
        .contains("admin.token or admin.token_file is required").contains("0.0.0.0");
  }

  @Test
  void lookupShowsEveryVerdictAndCountsNothing() throws Exception {
    start("  port: 0");
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = get("/admin/lookup?caller=%2B13125550123&callee=%2B13105550100&peer=local",
          null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode body = json.readTree(r.body());
      assertThat(body.get("action").asText()).as(r.body()).isEqualTo("forward");
      assertThat(body.get("peer").asText()).isEqualTo("local");
      assertThat(verdict(body, "velocity").get("verdict").asText()).as(r.body()).isEqualTo("continue");
    }
    VelocityCheck velocity = running.proxy().snapshot().chain().checks().stream()
        .filter(VelocityCheck.class::isInstance).map(VelocityCheck.class::cast).findFirst().orElseThrow();
    assertThat(velocity.callerCalls(new PhoneNumber.E164(CALLER), VelocityCheck.Window.PER_HOUR)).isZero();

    JsonNode blocked = json.readTree(get("/admin/lookup?caller=" + "%2B12025550199"
        + "&callee=%2B13105550100&peer=carrier-b", null).body());
    assertThat(blocked.get("action").asText()).isEqualTo("reject");
    assertThat(blocked.get("status").asInt()).isEqualTo(603);
    assertThat(blocked.get("decided_by").asText()).isEqualTo("block_list");
    assertThat(blocked.get("peer").asText()).isEqualTo("carrier-b");
    assertThat(verdict(blocked, "source_peer").get("verdict").asText()).isEqualTo("continue");
    assertThat(verdict(blocked, "block_list").get("verdict").asText()).isEqualTo("flag");
    assertThat(verdict(blocked, "block_list").get("category").asText()).isEqualTo("listed");

    JsonNode emergency = json.readTree(get("/admin/lookup?caller=%2B12025550199&callee=911", null)
        .body());
    assertThat(emergency.get("action").asText()).isEqualTo("forward_emergency");

    HttpResponse<String> missing = get("/admin/lookup?callee=%2B13105550100", null);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("caller is required");
    assertThat(get("/admin/lookup?caller=1&callee=2&peer=nobody", null).statusCode()).isEqualTo(400);
  }

  @Test
  void peersListsConfiguredPeers() throws Exception {
    start("  port: 0");
    JsonNode peers = json.readTree(get("/admin/peers", null).body()).get("peers");
    assertThat(peers.has("local")).isTrue();
    assertThat(peers.get("carrier-b").get("invites_total").asLong()).isZero();
  }

  @Test
  void reloadAppliesOrAnswers422WithTheError() throws Exception {
    start("  port: 0");
    assertThat(get("/admin/reload", null).statusCode()).isEqualTo(405);
    HttpResponse<String> ok = post("/admin/reload", null);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(json.readTree(ok.body()).get("result").asText()).isEqualTo("applied");

    Files.writeString(dir.resolve("block.txt"), BLOCKED + "\n+1 202 555 01x9\n");
    HttpResponse<String> bad = post("/admin/reload", null);
    assertThat(bad.statusCode()).isEqualTo(422);
    JsonNode body = json.readTree(bad.body());
    assertThat(body.get("result").asText()).isEqualTo("rejected");
    assertThat(body.get("error").asText()).contains("block.txt:2");
    assertThat(body.get("file").asText()).endsWith("block.txt");
  }

  static JsonNode verdict(JsonNode lookup, String check) {
    for (JsonNode c : lookup.get("checks")) {
      if (c.get("check").asText().equals(check)) {
        return c;
      }
    }
    throw new AssertionError("no verdict of " + check + " in " + lookup);
  }
}
