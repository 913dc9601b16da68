package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.cli.CheckConfigTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Ports;

/** {@code sipscreen lookup} and {@code sipscreen reload} against a running proxy's admin API. */
@Timeout(60)
class AdminCommandsIT {

  /** Test-only token, not a secret. */
  private static final String TEST_TOKEN = "test-token-0123456789abcdef";

  @TempDir
  Path dir;
  Sipscreen running;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  private Path start(int httpPort, String admin) throws Exception {
    Files.writeString(dir.resolve("block.txt"), "+12025550199\n");
    Files.writeString(dir.resolve("admin.token"), TEST_TOKEN + "\n");
    Path config = dir.resolve("sipscreen.yaml");
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: %d}]
          warmup_calls: 0
        http: {address: 127.0.0.1, port: %d%s}
        screening:
          source_peer:
            peers:
              local: {networks: [127.0.0.0/8]}
              carrier-b: {networks: [198.51.100.0/24]}
          block_list: {file: block.txt}
        """.formatted(Ports.free(), httpPort, admin));
    running = Sipscreen.start(Sipscreen.prepare(config));
    return config;
  }

  private String url() {
    return "http://127.0.0.1:" + running.httpAddress().getPort();
  }

  @Test
  void lookupPrintsTheActionAndTheCheckThatDecided() throws Exception {
    start(0, "");

    CheckConfigTest.Run r = run("lookup", "(202) 555-0199", "--peer", "carrier-b", "--admin-url", url());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("caller      +12025550199").contains("peer        carrier-b")
        .contains("action      reject 603 Decline").contains("decided by  block_list")
        .containsPattern("block_list +listed");
  }

  @Test
  void lookupOfACleanCallerForwards() throws Exception {
    start(0, "");

    CheckConfigTest.Run r = run("lookup", "+13125550100", "--json", "--admin-url", url());

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).containsPattern("\"action\" ?: ?\"forward\"");
  }

  @Test
  void lookupOfSomethingThatIsNoNumberExitsTwoWithTheProxysReason() throws Exception {
    start(0, "");

    CheckConfigTest.Run r = run("lookup", "not;a number", "--admin-url", url());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("the proxy answered 400").contains("caller: not a telephone number");
  }

  @Test
  void reloadSaysAppliedThenRejectedNamingTheBadLine() throws Exception {
    start(0, "");

    CheckConfigTest.Run ok = run("reload", "--admin-url", url());
    Files.writeString(dir.resolve("block.txt"), "not-a-number\n");
    CheckConfigTest.Run bad = run("reload", "--admin-url", url());

    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).startsWith("reload applied in ");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("reload rejected; the previous version runs:").contains("block.txt:1:");
  }

  @Test
  void theConfigGivesTheAddressAndTheToken() throws Exception {
    Path config = start(Ports.free(), ", admin: {token_file: admin.token}");

    CheckConfigTest.Run withToken = run("reload", "--config", config.toString());
    CheckConfigTest.Run withoutToken = run("reload", "--admin-url", url());

    assertThat(withToken.exitCode()).as(withToken.err()).isZero();
    assertThat(withoutToken.exitCode()).isEqualTo(2);
    assertThat(withoutToken.err()).contains("401");
  }

  @Test
  void aProxyThatIsNotThereExitsThree() throws Exception {
    int port = Ports.free();

    CheckConfigTest.Run r = run("lookup", "+12025550199", "--admin-url", "http://127.0.0.1:" + port);

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("cannot reach the admin API at http://127.0.0.1:" + port);
  }
}
