package org.sipscreen.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginTest {

  @Test
  void authorityLeavesOutTheSchemesDefaultPortAndBracketsIpv6() {
    assertThat(new Origin(true, "cert.example", 443).authority()).isEqualTo("cert.example");
    assertThat(new Origin(false, "cert.example", 443).authority()).isEqualTo("cert.example:443");
    assertThat(new Origin(false, "rep.example", 80).authority()).isEqualTo("rep.example");
    assertThat(new Origin(false, "::1", 8090).authority()).isEqualTo("[::1]:8090");
    assertThat(new Origin(true, "::1", 443)).hasToString("https://[::1]");
  }

  @Test
  void argumentsAreCheckedWithTheirNames() {
    assertThatThrownBy(() -> new Origin(true, "", 443)).hasMessage("host must not be empty");
    assertThatThrownBy(() -> new Origin(true, "a", 0)).hasMessage("port must be 1-65535, was 0");
    Origin origin = new Origin(false, "a", 80);
    assertThatThrownBy(() -> HttpGet.of(origin, "x", Duration.ofSeconds(1)))
        .hasMessage("target must start with '/', was 'x'");
    assertThatThrownBy(() -> HttpGet.of(origin, "/", Duration.ZERO))
        .hasMessage("deadline must be positive, was PT0S");
    assertThatThrownBy(() -> new DeadlineHttpClient.Settings(Duration.ofSeconds(1), 0, 0, 1,
        AddressPolicy.ANY, Optional.empty())).hasMessage("maxResponseBytes must be positive, was 0");
    assertThatThrownBy(() -> new DeadlineHttpClient.Settings(Duration.ofSeconds(1), 1, -1, 1,
        AddressPolicy.ANY, Optional.empty()))
        .hasMessage("maxConnectionsPerOrigin must be 0 or more, was -1");
  }
}
