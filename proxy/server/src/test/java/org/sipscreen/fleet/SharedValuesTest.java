package org.sipscreen.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.flood.BanStore;
import org.sipscreen.screening.check.reputation.ReputationAnswer;

/** What the fleet writes into Redis for reputation answers and bans reads back the same; garbage reads as nothing. */
class SharedValuesTest {

  @Test
  void reputationAnswersRoundTripAndGarbageIsNoAnswer() {
    ReputationAnswer scored = new ReputationAnswer.Scored(97, "robocall");
    assertThat(SharedReputation.format(scored)).isEqualTo("s:97:robocall");
    assertThat(SharedReputation.parse("s:97:robocall")).contains(scored);
    assertThat(SharedReputation.parse("n")).contains(ReputationAnswer.NOT_FOUND);
    assertThat(SharedReputation.parse(null)).isEmpty();
    assertThat(SharedReputation.parse("s:101:x")).as("score out of range").isEmpty();
    assertThat(SharedReputation.parse("s:abc")).isEmpty();
    assertThat(SharedReputation.parse("{\"score\":5}")).isEmpty();
  }

  @Test
  void bansRoundTripWithAndWithoutPeerAndGarbageIsNoBan() {
    BanStore.Ban ban = new BanStore.Ban(42L, Optional.of("carrier:x"), Instant.ofEpochMilli(1_000),
        Instant.ofEpochMilli(61_000));
    assertThat(FleetBans.parse("42", FleetBans.format(ban))).isEqualTo(ban);
    BanStore.Ban anonymous = new BanStore.Ban(7L, Optional.empty(), Instant.ofEpochMilli(5),
        Instant.ofEpochMilli(9));
    assertThat(FleetBans.parse("7", FleetBans.format(anonymous))).isEqualTo(anonymous);
    assertThat(FleetBans.parse("x", "1:2:")).isNull();
    assertThat(FleetBans.parse("7", "garbage")).isNull();
  }
}
