package org.sipscreen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.WarmupChainTest.check;
import static org.sipscreen.WarmupChainTest.screen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.config.CheckServices;
import org.sipscreen.config.ScreeningFactory;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.reputation.ReputationAnswer;
import org.sipscreen.screening.check.reputation.ReputationCheck;
import org.sipscreen.screening.check.reputation.ReputationServices;
import org.sipscreen.screening.check.reputation.ReputationSource;
import org.sipscreen.screening.check.velocity.VelocityCheck;

/** The chain start() runs: the prepared chain's loaded lists, with the reputation service's live client. */
class LiveChainTest {

  @Test
  void sharesTheLoadedListsAndAsksTheServiceTheConfigNames(@TempDir Path dir) throws Exception {
    Path config = WarmupChainTest.writeConfig(dir,
        "{feed_file: feed.csv, url: \"http://127.0.0.1:9/reputation/{number}\", deadline_ms: 1000}", 100);
    Sipscreen.Prepared prepared = Sipscreen.prepare(config);
    List<String> asked = new ArrayList<>();
    List<String> looked = new ArrayList<>();
    ReputationSource service = number -> {
      looked.add(number);
      return CompletableFuture.completedFuture(ReputationAnswer.NOT_FOUND);
    };

    ReputationServices services = s -> {
      asked.add(s.url());
      return Optional.of(service);
    };
    ScreeningChain live = ScreeningFactory.live(prepared.installed(), prepared.config(), config,
        new CheckServices(java.util.Map.of(ReputationServices.class, services))).chain();

    assertThat(asked).containsExactly("http://127.0.0.1:9/reputation/{number}");
    assertThat(check(live, NumberListCheck.class)).isSameAs(check(prepared.chain(), NumberListCheck.class));
    assertThat(check(live, VelocityCheck.class)).isSameAs(check(prepared.chain(), VelocityCheck.class));
    assertThat(check(live, ReputationCheck.class).feed())
        .isSameAs(check(prepared.chain(), ReputationCheck.class).feed());
    assertThat(live.policy()).isSameAs(prepared.chain().policy());

    // a number the feed does not know goes to the live service; the feed still answers for its own
    screen(live, "+13125550123");
    screen(live, "+14155550100");
    assertThat(looked).containsExactly("+13125550123");
    assertThat(check(live, ReputationCheck.class).stats().feedHits()).isEqualTo(1);
  }
}
