package org.sipscreen.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.check.calling_number.CallingNumberCheck;
import org.sipscreen.screening.check.number_list.NumberListCheck;
import org.sipscreen.screening.check.source_peer.SourcePeerCheck;

class ScreeningChainTest {

  private static final String BLOCKED = "<sip:+12025550123@peer.example;user=phone>";
  private static final String TAGGED = "<sip:+12025550124@peer.example;user=phone>";

  private final PeerTable peers = PeerTable.of(Map.of("carrier_a", List.of("10.1.2.0/24")));
  private final NumberList blockList = NumberList.of("block.txt", "+12025550123", "+12025550124");
  private final NumberList tagList = NumberList.of("tag.txt", "+1202555*");
  private final Verdict.Tag spam = NumberListCheck.tag(Optional.of("SPAM?"), Optional.empty());

  /** Records which checks ran, to prove that skipped checks were not even called. */
  private final List<String> ran = new ArrayList<>();

  private Check spy(Check delegate) {
    return new Check() {
      @Override
      public String name() {
        return delegate.name();
      }

      @Override
      public Verdict check(ScreenedCall call) {
        ran.add(delegate.name());
        return delegate.check(call);
      }

      @Override
      public String outcomeLabel(Verdict verdict, ScreenedCall call) {
        return delegate.outcomeLabel(verdict, call);
      }
    };
  }

  private ScreeningChain chain(NumberList allowList) {
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, allowList, List.of(
        spy(new SourcePeerCheck(peers)),
        spy(new CallingNumberCheck()),
        spy(new NumberListCheck("tag_list", tagList, spam)),
        spy(new NumberListCheck("block_list", blockList))));
  }

  private ScreeningChain chain() {
    return chain(NumberList.EMPTY);
  }

  @Test
  void dryRunAsksChecksThroughDryRunAndKeepsEveryVerdict() {
    Check counting = new Check() {
      @Override
      public String name() {
        return "counting";
      }

      @Override
      public Verdict check(ScreenedCall call) {
        throw new AssertionError("a dry run must not call check()");
      }

      @Override
      public Verdict dryRun(ScreenedCall call) {
        ran.add("counting (dry)");
        return new Verdict.Flag("would_count", 10);
      }
    };
    ScreeningChain chain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
        List.of(new SourcePeerCheck(peers), new CallingNumberCheck(), counting,
            new NumberListCheck("block_list", blockList)));

    ScreeningChain.DryRun run = chain.dryRun(TestCalls.invite().from(BLOCKED).build());

    assertThat(ran).containsExactly("counting (dry)");
    assertThat(run.verdicts()).extracting(ScreeningChain.CheckVerdict::check)
        .containsExactly("source_peer", "calling_number", "counting", "block_list");
    assertThat(run.verdicts().get(2).verdict()).isEqualTo(new Verdict.Flag("would_count", 10));
    assertThat(run.verdicts().get(3).outcome()).isEqualTo("reject");
    assertThat(((ScreeningResult) run.outcome()).decidedBy()).contains("block_list");
  }

  @Test
  void forwardsCleanCallWithEveryOutcomeRecorded() {
    ScreeningResult result = chain().screen(TestCalls.invite().from("<sip:+13035550100@p>").build());
    assertThat(result.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(result.tags()).isEmpty();
    assertThat(result.decidedBy()).isEmpty();
    assertThat(result.peerName()).contains("carrier_a");
    assertThat(result.caller()).isEqualTo(new PhoneNumber.E164("+13035550100"));
    assertThat(result.callee()).isEqualTo(new PhoneNumber.E164("+12025550199"));
    assertThat(result.outcomes()).containsExactly(
        new CheckOutcome("emergency", "continue"),
        new CheckOutcome("source_peer", "continue"),
        new CheckOutcome("calling_number", "e164"),
        new CheckOutcome("tag_list", "continue"),
        new CheckOutcome("block_list", "continue"));
  }

  @Test
  void firstRejectEndsTheChainAndKeepsEarlierTags() {
    ScreeningResult result = chain().screen(TestCalls.invite().from(BLOCKED).build());
    assertThat(result.action())
        .isEqualTo(new ScreeningResult.Action.Reject(603, "Decline", List.of()));
    assertThat(result.decidedBy()).contains("block_list");
    assertThat(result.tags()).containsExactly(new CallTag.DisplayLabel("SPAM?"));
    assertThat(result.outcomes()).extracting(CheckOutcome::outcome)
        .containsExactly("continue", "continue", "e164", "tag", "reject");
  }

  @Test
  void unknownSourceIsRejectedWith403BeforeAnyOtherCheckRuns() {
    ScreeningResult result = chain().screen(TestCalls.invite().source("203.0.113.5").build());
    assertThat(result.action())
        .isEqualTo(new ScreeningResult.Action.Reject(403, "Forbidden", List.of()));
    assertThat(result.decidedBy()).contains("source_peer");
    assertThat(result.peerName()).isEmpty();
    assertThat(ran).containsExactly("source_peer");
  }

  @Test
  void dropVerdictBecomesDropAction() {
    ScreeningChain chain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT,
        NumberList.EMPTY, List.of(new SourcePeerCheck(peers, new Verdict.Drop("unknown source"))));
    ScreeningResult result = chain.screen(TestCalls.invite().source("203.0.113.5").build());
    assertThat(result.action()).isEqualTo(new ScreeningResult.Action.Drop("unknown source"));
    assertThat(result.outcomes()).last().isEqualTo(new CheckOutcome("source_peer", "drop"));
  }

  @Test
  void tagsAccumulateWithoutDuplicates() {
    ScreeningChain chain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT,
        NumberList.EMPTY, List.of(
            new NumberListCheck("tag_list", tagList, spam),
            new NumberListCheck("tag_list_2", tagList, NumberListCheck.tag(Optional.of("SPAM?"),
                Optional.of("TN-Validation-Failed")))));
    ScreeningResult result = chain.screen(TestCalls.invite().from(TAGGED).build());
    assertThat(result.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(result.tags()).containsExactly(
        new CallTag.DisplayLabel("SPAM?"), new CallTag.Verstat("TN-Validation-Failed"));
  }

  @Test
  void emergencyCallFromBlockedCallerBypassesEveryCheck() {
    ScreeningResult result = chain().screen(TestCalls.invite()
        .source("203.0.113.5") // unknown source, too
        .from(BLOCKED)
        .to("sip:911@proxy.example;user=phone")
        .build());
    assertThat(result.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(result.isEmergency()).isTrue();
    assertThat(result.decidedBy()).contains("emergency");
    assertThat(result.tags()).isEmpty();
    assertThat(result.outcomes()).containsExactly(new CheckOutcome("emergency", "bypass"));
    assertThat(result.caller()).isEqualTo(new PhoneNumber.E164("+12025550123"));
    assertThat(ran).isEmpty();
  }

  @Test
  void sosUrnBypassesACheckThatRejectsEverything() {
    Check rejectAll = new Check() {
      @Override
      public String name() {
        return "reject_all";
      }

      @Override
      public Verdict check(ScreenedCall call) {
        return new Verdict.Reject(503, "Service Unavailable", List.of());
      }
    };
    ScreeningChain chain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT,
        NumberList.EMPTY, List.of(rejectAll));
    assertThat(chain.screen(TestCalls.invite().to("urn:service:sos.ambulance").build()).action())
        .isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(chain.screen(TestCalls.invite().build()).action())
        .isInstanceOf(ScreeningResult.Action.Reject.class);
  }

  @Test
  void allowListedCallerPassesEveryListButNotSourcePeer() {
    NumberList allow = NumberList.of("allow.txt", "+12025550123");
    ScreeningResult allowed = chain(allow).screen(TestCalls.invite().from(BLOCKED).build());
    assertThat(allowed.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(allowed.tags()).isEmpty();
    assertThat(allowed.outcomes()).extracting(CheckOutcome::outcome)
        .containsExactly("continue", "continue", "e164", "allowed", "allowed");

    ScreeningResult unknownSource =
        chain(allow).screen(TestCalls.invite().from(BLOCKED).source("203.0.113.5").build());
    assertThat(unknownSource.decidedBy()).contains("source_peer");
  }

  @Test
  void callingNumberOutcomeReportsAnonymousAndUnparseableCallers() {
    ScreeningResult anonymous = chain()
        .screen(TestCalls.invite().from("\"Anonymous\" <sip:anonymous@anonymous.invalid>").build());
    ScreeningResult garbage = chain().screen(TestCalls.invite().from("a".repeat(128 * 1024)).build());
    assertThat(anonymous.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(anonymous.outcomes()).contains(new CheckOutcome("calling_number", "anonymous"));
    assertThat(garbage.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(garbage.outcomes()).contains(new CheckOutcome("calling_number", "unparseable"));
    assertThat(garbage.caller()).isInstanceOf(PhoneNumber.Unparseable.class);
  }

  @Test
  void checkNamesMustBeUniqueSnakeCaseAndNotEmergency() {
    assertThatThrownBy(() -> new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT,
        NumberList.EMPTY, List.of(new CallingNumberCheck(), new CallingNumberCheck())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate check name: 'calling_number'");
    assertThatThrownBy(() -> new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT,
        NumberList.EMPTY, List.of(new NumberListCheck("emergency", NumberList.EMPTY))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate check name: 'emergency'");
  }

  @Test
  void checkNamesListsEmergencyFirst() {
    assertThat(chain().checkNames())
        .containsExactly("emergency", "source_peer", "calling_number", "tag_list", "block_list");
  }

  /** A check with a bug: it throws, answers null, or answers later with a failure. */
  private static Check broken(String name, java.util.function.Supplier<Verdict> answer, boolean access) {
    return new Check() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Verdict check(ScreenedCall call) {
        return answer.get();
      }

      @Override
      public boolean controlsAccess() {
        return access;
      }
    };
  }

  private ScreeningChain chainWith(Check failing) {
    return new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY, List.of(
        spy(new SourcePeerCheck(peers)), failing, spy(new NumberListCheck("block_list", blockList))));
  }

  @Test
  void aCheckThatThrowsIsSkippedAndTheRestStillJudgeTheCall() {
    ScreeningResult result = chainWith(broken("broken", () -> {
      throw new IllegalStateException("a bug");
    }, false)).screen(TestCalls.invite().from(BLOCKED).build());

    assertThat(result.action()).isEqualTo(new ScreeningResult.Action.Reject(603, "Decline", List.of()));
    assertThat(result.decidedBy()).contains("block_list");
    assertThat(result.outcomes()).containsExactly(
        new CheckOutcome("emergency", "continue"),
        new CheckOutcome("source_peer", "continue"),
        new CheckOutcome("broken", CheckOutcome.FAILED),
        new CheckOutcome("block_list", "reject"));
  }

  @Test
  void aNullVerdictIsAFailedCheck() {
    ScreeningResult result = chainWith(broken("broken", () -> null, false))
        .screen(TestCalls.invite().from("<sip:+13035550100@p>").build());

    assertThat(result.action()).isEqualTo(ScreeningResult.Action.FORWARD);
    assertThat(result.outcomes()).contains(new CheckOutcome("broken", CheckOutcome.FAILED));
    assertThat(ran).containsExactly("source_peer", "block_list");
  }

  @Test
  void aLaterVerdictThatFailsIsSkippedAndTheChainGoesOn() {
    CompletableFuture<Verdict> lookup = new CompletableFuture<>();
    ScreeningOutcome outcome = chainWith(broken("remote", () -> new Verdict.Later(lookup), false))
        .evaluate(TestCalls.invite().from(BLOCKED).build());
    lookup.completeExceptionally(new IllegalStateException("the service answered garbage"));

    ScreeningResult result = ((ScreeningOutcome.Pending) outcome).result().toCompletableFuture().join();
    assertThat(result.decidedBy()).contains("block_list");
    assertThat(result.outcomes()).contains(new CheckOutcome("remote", CheckOutcome.FAILED));
  }

  @Test
  void anAccessCheckThatFailsRefusesTheCall() {
    ScreeningChain chain = new ScreeningChain(PhoneNumbers.NANP, EmergencyCheck.DEFAULT, NumberList.EMPTY,
        List.of(broken("acl", () -> {
          throw new IllegalStateException("a bug");
        }, true), spy(new NumberListCheck("block_list", blockList))));

    ScreeningResult result = chain.screen(TestCalls.invite().from("<sip:+13035550100@p>").build());

    assertThat(result.action()).isEqualTo(new ScreeningResult.Action.Reject(500, "Server Internal Error",
        List.of()));
    assertThat(result.decidedBy()).contains("acl");
    assertThat(ran).isEmpty();
  }
}
