package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningResult;

/**
 * screening.rmd through the config: the gate's action per policy word, per-peer records and overrides,
 * the emergency bypass, the summary, and each mistake refused naming file and key.
 */
class RmdConfigTest {

  @TempDir
  Path dir;

  private static Path repo() {
    String repo = System.getProperty("sipscreen.repo");
    return repo != null ? Path.of(repo) : Path.of("../..");
  }

  private Path config(String rmdSection, String extraPeerKeys) throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Files.copy(repo().resolve("config/data/rmd-current-filers.csv"), dir.resolve("data/rmd.csv"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path file = dir.resolve("sipscreen.yaml");
    Files.writeString(file, """
        peers:
          listed_a:
            networks: [10.1.1.0/24]
            checks: {rmd: {record: RMD0099001}}
          listed_by_frn:
            networks: [10.1.2.0/24]
            checks: {rmd: {record: "99000102"}}
          delisted:
            networks: [10.1.3.0/24]
            checks: {rmd: {record: RMD0012345%s}}
          unnamed:
            networks: [10.1.4.0/24]
        screening:
          emergency: {numbers: ["911"]}
        %s
        """.formatted(extraPeerKeys, rmdSection.indent(2)));
    return file;
  }

  private static CallAttempt call(String source, String callee) throws IOException {
    return new CallAttempt("c@test", InetAddress.getByName(source), "sip:" + callee + "@p;user=phone",
        "<sip:" + callee + "@p;user=phone>", "<sip:+12025550123@peer;user=phone>;tag=1", Optional.empty());
  }

  private ScreeningChain chain(String rmdSection) throws Exception {
    return Sipscreen.prepare(config(rmdSection, "")).chain();
  }

  @Test
  void rejectDeterministicBlocksEveryCallOfAnUnlistedPeerWithTheGateAnswer() throws Exception {
    ScreeningChain chain = chain("rmd: {file: data/rmd.csv, action: reject_deterministic}");
    ScreeningResult r = chain.screen(call("10.1.3.3", "+13019440199"));
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Reject(403,
        "Provider Not In Robocall Mitigation Database", List.of()));
    assertThat(r.decidedBy()).contains("rmd");
    assertThat(r.outcomeOf("rmd")).contains("not_listed");
    assertThat(chain.screen(call("10.1.4.4", "+13019440199")).outcomeOf("rmd")).contains("no_record");
    assertThat(chain.screen(call("10.1.4.4", "+13019440199")).action())
        .isInstanceOf(ScreeningResult.Action.Reject.class);
  }

  @Test
  void listedPeersPassTheGate() throws Exception {
    ScreeningChain chain = chain("rmd: {file: data/rmd.csv, action: reject_deterministic}");
    for (String source : List.of("10.1.1.1", "10.1.2.2")) {
      ScreeningResult r = chain.screen(call(source, "+13019440199"));
      assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Forward());
      assertThat(r.outcomeOf("rmd")).contains("continue");
    }
  }

  @Test
  void emergencyCallsOfAnUnlistedPeerPass() throws Exception {
    ScreeningChain chain = chain("rmd: {file: data/rmd.csv, action: reject_deterministic}");
    ScreeningResult r = chain.screen(call("10.1.3.3", "911"));
    assertThat(r.isEmergency()).isTrue();
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Forward());
  }

  @Test
  void theDefaultActionOnlyAlerts() throws Exception {
    ScreeningResult r = chain("rmd: {file: data/rmd.csv}").screen(call("10.1.3.3", "+13019440199"));
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Forward());
    assertThat(r.tags()).isEmpty();
    assertThat(r.outcomeOf("rmd")).as("recorded for the decision record").contains("not_listed");
  }

  @Test
  void tagTagsTheCallsOfAnUnlistedPeer() throws Exception {
    ScreeningResult r = chain("rmd: {file: data/rmd.csv, action: tag}").screen(call("10.1.3.3", "+13019440199"));
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Forward());
    assertThat(r.tags()).isNotEmpty();
  }

  @Test
  void aPeerOverrideActionExemptsOnePeer() throws Exception {
    ScreeningChain chain = Sipscreen.prepare(config(
        "rmd: {file: data/rmd.csv, action: reject_deterministic}", ", action: allow")).chain();
    assertThat(chain.screen(call("10.1.3.3", "+13019440199")).action())
        .isEqualTo(new ScreeningResult.Action.Forward());
    assertThat(chain.screen(call("10.1.4.4", "+13019440199")).action())
        .isInstanceOf(ScreeningResult.Action.Reject.class);
  }

  @Test
  void theOwnStatusAndReasonAnswerTheGate() throws Exception {
    ScreeningResult r = chain("""
        rmd: {file: data/rmd.csv, action: reject_deterministic, reject_status: 608, reject_reason: Rejected}
        """).screen(call("10.1.3.3", "+13019440199"));
    assertThat(r.action()).isEqualTo(new ScreeningResult.Action.Reject(608, "Rejected", List.of()));
  }

  @Test
  void checkConfigSummaryNamesEachPeersStanding() throws Exception {
    Sipscreen.Prepared p = Sipscreen.prepare(config("rmd: {file: data/rmd.csv}", ""));
    assertThat(p.installed().summary()).containsExactly(
        "rmd peer=delisted record=RMD0012345 listed=no",
        "rmd peer=listed_a record=RMD0099001 listed=yes business_name=\"Example Carrier A, LLC\" ocn=9A01",
        "rmd peer=listed_by_frn record=0099000102 listed=yes business_name=\"Fictional Transit Networks, Inc.\""
            + " ocn=9A02",
        "rmd peer=unnamed record=none listed=no");
  }

  private String refused(Path file) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> Sipscreen.prepare(file));
    assertThat(e).as("config is refused").isNotNull();
    assertThat(e.getMessage()).as("names the file").contains(file.toString());
    return e.getMessage();
  }

  @Test
  void mistakesAreRefusedNamingTheKey() throws Exception {
    assertThat(refused(config("rmd: {file: data/rmd.csv, max_drop_share: 1.5}", "")))
        .contains("max_drop_share must be 0-1");
    assertThat(refused(config("rmd: {file: data/rmd.csv, columns: {ocm: OCN}}", "")))
        .contains("columns.ocm: no such field");
    assertThat(refused(config("rmd: {file: data/rmd.csv, columns: {ocn: Operating Company}}", "")))
        .contains("screening.rmd.file").contains("rmd.csv:1: no column 'Operating Company' (columns.ocn)");
    assertThat(refused(config("rmd: {file: data/missing.csv}", ""))).contains("screening.rmd.file")
        .contains("cannot read");
    assertThat(refused(config("rmd: {file: data/rmd.csv, action: block}", ""))).contains("action must be one of");
    assertThat(refused(config("rmd: {file: data/rmd.csv}", "\n        extra: 1"))).isNotEmpty();
  }

  @Test
  void aPeerRecordThatIsNeitherRmdNumberNorFrnIsRefused() throws Exception {
    Path file = config("rmd: {file: data/rmd.csv}", "");
    Files.writeString(file, Files.readString(file).replace("RMD0012345", "ACME-1"));
    assertThat(refused(file)).contains("record must be an RMD number");
  }
}
