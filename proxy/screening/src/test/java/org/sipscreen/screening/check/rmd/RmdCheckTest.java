package org.sipscreen.screening.check.rmd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipscreen.screening.ScreenedCall;
import org.sipscreen.screening.TestCalls;
import org.sipscreen.screening.Verdict;

class RmdCheckTest {

  private static final Verdict.Reject REJECT = new Verdict.Reject(403,
      "Provider Not In Robocall Mitigation Database", List.of());

  private static RmdRecord filer(String rmd, String frn, String name) {
    return new RmdRecord(rmd, frn, name, "", "", "", "", "");
  }

  private static final RmdDatabase FILE = RmdDatabase.of(List.of(
      filer("RMD0000001", "0000000001", "Listed A"),
      filer("RMD0000002", "0000000002", "Listed B"),
      filer("RMD0000003", "0000000003", "Listed C"),
      filer("RMD0000004", "0000000004", "Listed D")));

  private static Optional<RmdReference> ref(String text) {
    return RmdReference.parse(text);
  }

  private static final Map<String, Optional<RmdReference>> PEERS = Map.of(
      "carrier_a", ref("RMD0000001"),
      "carrier_b", ref("0000000002"),
      "carrier_c", ref("RMD0000003"),
      "carrier_d", ref("RMD0000004"),
      "delisted", ref("RMD0000099"),
      "unnamed", Optional.empty());

  private final RmdCheck check = new RmdCheck(FILE, PEERS, REJECT, 0.2);

  private static ScreenedCall from(String peer) {
    ScreenedCall call = TestCalls.invite().screened();
    call.peerName(Optional.ofNullable(peer));
    return call;
  }

  @Test
  void aListedPeerContinuesAsListed() {
    assertThat(check.check(from("carrier_a"))).isEqualTo(RmdCheck.LISTED);
    assertThat(check.check(from("carrier_b"))).as("named by FRN").isEqualTo(RmdCheck.LISTED);
    assertThat(check.outcomeLabel(RmdCheck.LISTED, from("carrier_a"))).isEqualTo("continue");
  }

  @Test
  void aPeerWhoseFilingIsNotInTheFileIsFlaggedWithTheGateAnswer() {
    Verdict v = check.check(from("delisted"));
    assertThat(v).isEqualTo(new Verdict.Flag("not_listed", 0, List.of(), Optional.of(REJECT)));
    assertThat(check.outcomeLabel(v, from("delisted"))).isEqualTo("not_listed");
  }

  @Test
  void aPeerThatNamesNoFilingIsFlaggedNoRecord() {
    assertThat(check.check(from("unnamed"))).isInstanceOfSatisfying(Verdict.Flag.class,
        f -> assertThat(f.category()).isEqualTo("no_record"));
  }

  @Test
  void callsWithoutAConfiguredPeerContinue() {
    assertThat(check.check(from(null))).isEqualTo(Verdict.CONTINUE);
    assertThat(check.check(from("warmup"))).isEqualTo(Verdict.CONTINUE);
  }

  @Test
  void standingsDescribeEveryPeer() {
    assertThat(check.standings()).containsOnlyKeys(PEERS.keySet());
    assertThat(check.standings().get("carrier_a").describe())
        .isEqualTo("rmd peer=carrier_a record=RMD0000001 listed=yes business_name=\"Listed A\"");
    assertThat(check.standings().get("delisted").describe())
        .isEqualTo("rmd peer=delisted record=RMD0000099 listed=no");
    assertThat(check.standings().get("unnamed").describe()).isEqualTo("rmd peer=unnamed record=none listed=no");
  }

  @Test
  void aNewFileUnlistingMoreThanTheShareOfPeersIsSuspect() {
    RmdDatabase truncated = RmdDatabase.of(List.of(filer("RMD0000001", "0000000001", "Listed A"),
        filer("RMD0000002", "0000000002", "Listed B")));
    RmdCheck next = check.withDatabase(truncated);
    assertThat(next.suspect(check)).hasValueSatisfying(why -> assertThat(why)
        .contains("unlist 2 of 6 peers (carrier_c,carrier_d)").contains("max_drop_share 0.20"));
  }

  @Test
  void aNewFileUnlistingFewPeersIsNotSuspect() {
    RmdDatabase oneGone = RmdDatabase.of(List.of(filer("RMD0000001", "0000000001", "Listed A"),
        filer("RMD0000002", "0000000002", "Listed B"), filer("RMD0000003", "0000000003", "Listed C")));
    assertThat(check.withDatabase(oneGone).suspect(check)).as("1 of 6 is under 0.2").isEmpty();
  }

  @Test
  void theModuleKeepsTheRunningFileWhenTheNewOneIsSuspectAndCountsItOnce() {
    RmdDatabase empty = RmdDatabase.of(List.of(filer("RMD0000077", "0000000077", "Someone else")));
    RmdCheck next = RmdModule.INSTANCE.carryOver(check, check.withDatabase(empty));
    assertThat(next.database()).isSameAs(FILE);
    assertThat(next.check(from("carrier_c"))).isEqualTo(RmdCheck.LISTED);
    assertThat(next.refusedFiles()).isEqualTo(1);
    RmdCheck again = RmdModule.INSTANCE.carryOver(next, check.withDatabase(empty));
    assertThat(again.refusedFiles()).as("the same refused file found again is not counted again").isEqualTo(1);
  }

  @Test
  void theModuleAppliesAFileThatUnlistsFewPeers() {
    RmdDatabase dGone = RmdDatabase.of(List.of(filer("RMD0000001", "0000000001", "Listed A"),
        filer("RMD0000002", "0000000002", "Listed B"), filer("RMD0000003", "0000000003", "Listed C")));
    RmdCheck next = RmdModule.INSTANCE.carryOver(check, check.withDatabase(dGone));
    assertThat(next.database()).isSameAs(dGone);
    assertThat(next.check(from("carrier_d"))).isInstanceOf(Verdict.Flag.class);
    assertThat(next.refusedFiles()).isZero();
  }
}
