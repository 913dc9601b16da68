package org.sipscreen.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.http.TracebackRouteTest.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.admin.AdminResponse;
import org.sipscreen.records.DecisionJson;
import org.sipscreen.records.DecisionLog;
import org.sipscreen.records.DecisionRecord;
import org.sipscreen.records.TestRecords;

class ReportRouteTest {

  @TempDir
  Path dir;

  @BeforeEach
  void records() throws Exception {
    DecisionJson json = new DecisionJson();
    try (DecisionLog log = new DecisionLog(dir, 1 << 20, 24, 1L << 30,
        Clock.fixed(Instant.parse("2026-11-28T20:00:00Z"), ZoneOffset.UTC))) {
      DecisionRecord r = TestRecords.rejected(TestRecords.at("2026-11-28T19:04:05Z"), "c1", "+12025550123",
          "+13125550100", "carrier-a");
      log.append(r.timeMillis(), json.bytes(), json.encode(r));
    }
  }

  private AdminResponse answer(Map<String, java.util.List<String>> params) throws Exception {
    try (ReportRoute route = new ReportRoute(() -> dir)) {
      return route.answer(params).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void answersJsonByDefault() throws Exception {
    AdminResponse a = answer(params("from", "2026-11-28", "to", "2026-11-29"));
    assertThat(a.status()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(((RawValue) a.body()).rawValue().toString());
    assertThat(body.get("records").asLong()).isEqualTo(1);
    assertThat(body.get("peers").get(0).get("blocked").asLong()).isEqualTo(1);
  }

  @Test
  void answersCsvAndHtmlWithTheirContentTypes() throws Exception {
    AdminResponse csv = answer(params("from", "2026-11-28", "to", "2026-11-29", "format", "csv",
        "peer", "carrier-a"));
    assertThat(csv.body()).isInstanceOfSatisfying(AdminResponse.Text.class, t -> {
      assertThat(t.contentType()).startsWith("text/csv");
      assertThat(t.text()).contains("carrier-a,2026-11-28,calls,,1,1.0000");
    });
    AdminResponse html = answer(params("from", "2026-11-28", "to", "2026-11-29", "format", "html"));
    assertThat(html.body()).isInstanceOfSatisfying(AdminResponse.Text.class, t -> {
      assertThat(t.contentType()).startsWith("text/html");
      assertThat(t.text()).contains("<svg");
    });
  }

  @Test
  void badParametersGet400WithTheReason() throws Exception {
    assertThat(answer(params("from", "2026-11-28")).status()).isEqualTo(400);
    AdminResponse badFormat = answer(params("from", "2026-11-28", "to", "2026-11-29", "format", "pdf"));
    assertThat(badFormat.status()).isEqualTo(400);
    assertThat(badFormat.body().toString()).contains("format must be json, csv or html");
    assertThat(answer(params("from", "2026-11-28", "to", "2026-11-29", "top", "x")).status()).isEqualTo(400);
  }
}
