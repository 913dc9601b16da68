package org.sipscreen.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.records.DecisionJson;
import org.sipscreen.records.DecisionLog;
import org.sipscreen.records.DecisionRecord;
import org.sipscreen.records.TestRecords;
import org.sipscreen.screening.PhoneNumbers;

class TracebackRouteTest {

  @TempDir
  Path dir;

  static final ObjectMapper JSON = new ObjectMapper();

  static Map<String, List<String>> params(String... kv) {
    java.util.Map<String, List<String>> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
    }
    return m;
  }

  @Test
  void answersTheMatchingRecordsAsJson() throws Exception {
    DecisionJson json = new DecisionJson();
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 24, 1L << 30,
        Clock.fixed(Instant.parse("2026-11-28T20:00:00Z"), ZoneOffset.UTC))) {
      DecisionRecord r = TestRecords.rejected(TestRecords.at("2026-11-28T19:04:05Z"), "c1", "+12025550123",
          "+13125550100", "carrier-a");
      log.append(r.timeMillis(), json.bytes(), json.encode(r));
    }
    try (TracebackRoute route = new TracebackRoute(dir, PhoneNumbers.NANP)) {
      TracebackRoute.Answer a = route.answer(params("caller", "2025550123", "from",
          "2026-11-28T19:00:00Z", "to", "2026-11-28T20:00:00Z")).get(10, TimeUnit.SECONDS);
      assertThat(a.status()).isEqualTo(200);
      JsonNode body = JSON.readTree(a.json());
      assertThat(body.get("count").asInt()).isEqualTo(1);
      assertThat(body.get("query").get("caller").asText()).isEqualTo("+12025550123");
      assertThat(body.get("records").get(0).get("peer").asText()).isEqualTo("carrier-a");
      assertThat(body.get("records").get(0).get("source").asText()).isEqualTo("198.51.100.7:5060");
      assertThat(body.get("files_scanned").asInt()).isEqualTo(1);
    }
  }

  @Test
  void badParametersGet400WithTheReason() throws Exception {
    try (TracebackRoute route = new TracebackRoute(dir, PhoneNumbers.NANP)) {
      assertThat(route.answer(params("from", "2026-11-28", "to", "2026-11-29")).get().json())
          .contains("a caller or a callee number is required");
      TracebackRoute.Answer limit = route.answer(params("caller", "+12025550123", "from", "2026-11-28",
          "to", "2026-11-29", "limit", "0")).get();
      assertThat(limit.status()).isEqualTo(400);
      assertThat(limit.json()).contains("limit must be 1-100000, was 0");
      TracebackRoute.Answer twice = route.answer(params("caller", "+12025550123", "caller",
          "+12025550124", "from", "2026-11-28", "to", "2026-11-29")).get();
      assertThat(twice.status()).isEqualTo(400);
      assertThat(twice.json()).contains("caller is given more than once");
    }
  }
}
