package org.sipscreen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.reputation.ReputationCheck;
import org.sipscreen.screening.check.velocity.VelocityCheck;

/** The warm-up's chain shares the prepared chain's loaded lists and leaves its check state untouched. */
class WarmupChainTest {

  static final String CALLER = "+13125550123";

  static ScreeningResult screen(ScreeningChain chain, String caller) {
    return chain.screen(new CallAttempt("c1", InetAddress.getLoopbackAddress(),
        "sip:+13105550100@127.0.0.1;user=phone", "<sip:+13105550100@127.0.0.1;user=phone>",
        "<sip:" + caller + "@127.0.0.1;user=phone>;tag=1", Optional.empty()));
  }

  static <T> T check(ScreeningChain chain, Class<T> type) {
    return chain.checks().stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  /**
   * A config with a block list, a reputation feed ({@code reputation}: the check's flow mapping) and a
   * velocity limit of {@code callerPerHour}, its files in {@code dir}.
   */
  static Path writeConfig(Path dir, String reputation, int callerPerHour) throws java.io.IOException {
    Files.writeString(dir.resolve("block.txt"), "+12025550199\n");
    Files.writeString(dir.resolve("feed.csv"), "+14155550100,80,robocall\n");
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: 25999}]
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:25998
        screening:
          source_peer:
            peers:
              local: {networks: [127.0.0.0/8]}
          block_list: {file: block.txt}
          reputation: %s
          velocity: {caller_per_hour: %d, action: reject_analytics}
          policy: {redress_url: "https://redress.example.net/"}
        """.formatted(reputation, callerPerHour));
    return config;
  }

  @Test
  void sharesTheListsAndStartsTheStatefulChecksAfresh(@TempDir Path dir) throws Exception {
    Path config = writeConfig(dir, "{feed_file: feed.csv}", 2);
    Sipscreen.Prepared ready = Sipscreen.prepare(config);
    ScreeningChain prepared = ready.chain();

    ScreeningChain warmup = ready.installed().forWarmup().chain();

    assertThat(check(warmup, NumberListCheck.class).list())
        .isSameAs(check(prepared, NumberListCheck.class).list());
    assertThat(warmup.allowList()).isSameAs(prepared.allowList());
    assertThat(check(warmup, ReputationCheck.class).feed()).isSameAs(check(prepared, ReputationCheck.class).feed());
    assertThat(check(warmup, ReputationCheck.class).stats())
        .isNotSameAs(check(prepared, ReputationCheck.class).stats());
    assertThat(check(warmup, VelocityCheck.class)).isNotSameAs(check(prepared, VelocityCheck.class))
        .matches(v -> v.sameLimits(check(prepared, VelocityCheck.class)))
        .matches(v -> v.bytesAtCapacity() < check(prepared, VelocityCheck.class).bytesAtCapacity());

    for (int i = 0; i < 5; i++) {
      screen(warmup, CALLER);
      screen(warmup, "+14155550100");
    }
    assertThat(screen(warmup, CALLER).decidedBy()).contains("velocity");
    assertThat(check(prepared, VelocityCheck.class)
        .callerCalls(new PhoneNumber.E164(CALLER), VelocityCheck.Window.PER_HOUR)).isZero();
    assertThat(check(prepared, ReputationCheck.class).stats().feedHits()).isZero();
    assertThat(screen(prepared, CALLER).action()).isEqualTo(ScreeningResult.Action.FORWARD);
  }
}
