package org.sipscreen.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.config.SipscreenConfig;

/**
 * The systemd unit starts with its example config as shipped: the config installs where ExecStart looks,
 * every file it names is part of the install, and the records directory is one the sandbox lets the
 * service write ({@code ProtectSystem=strict} makes everything else read-only). The exposure score and
 * the unit's syntax are checked by {@code deploy/check.sh} with systemd-analyze.
 */
class SystemdUnitTest {

  @TempDir
  Path root;

  static Path repo() {
    return Path.of(System.getProperty("sipscreen.repo", "../.."));
  }

  /** Key to values, in file order, of the [Service] section. */
  static Map<String, List<String>> service(Path unit) throws IOException {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    String section = "";
    for (String line : Files.readAllLines(unit)) {
      String t = line.strip();
      if (t.startsWith("[")) {
        section = t;
      } else if (section.equals("[Service]") && !t.startsWith("#") && t.contains("=")) {
        keys.computeIfAbsent(t.substring(0, t.indexOf('=')), k -> new ArrayList<>())
            .add(t.substring(t.indexOf('=') + 1));
      }
    }
    return keys;
  }

  private static String configPath(Map<String, List<String>> service) {
    Matcher m = Pattern.compile("--config (\\S+)").matcher(service.get("ExecStart").get(0));
    assertThat(m.find()).as("ExecStart names --config").isTrue();
    return m.group(1);
  }

  /** Installs the kit's config and the shipped lists under {@code root} as the unit's header says. */
  private Path install(String configPath) throws IOException {
    Path etc = root.resolve(configPath.substring(1)).getParent();
    Files.createDirectories(etc);
    Files.copy(repo().resolve("deploy/systemd/sipscreen.yaml"), etc.resolve("sipscreen.yaml"));
    for (String dir : List.of("lists", "data")) {
      Files.createDirectories(etc.resolve(dir));
      try (var files = Files.list(repo().resolve("config").resolve(dir))) {
        for (Path f : files.toList()) {
          Files.copy(f, etc.resolve(dir).resolve(f.getFileName()));
        }
      }
    }
    return etc.resolve("sipscreen.yaml");
  }

  @Test
  void theExampleConfigChecksOkWhereTheUnitLooksForIt() throws Exception {
    var service = service(repo().resolve("deploy/systemd/sipscreen.service"));
    String config = configPath(service);
    assertThat(config).isEqualTo("/etc/sipscreen/sipscreen.yaml");

    Sipscreen.Prepared prepared = Sipscreen.prepare(install(config));

    assertThat(prepared.chain().checkNames()).contains("block_list", "velocity");
    assertThat(service.get("ExecStartPre").get(0)).contains("check-config " + config);
  }

  @Test
  void decisionRecordsGoWhereTheSandboxLetsTheServiceWrite() throws Exception {
    var service = service(repo().resolve("deploy/systemd/sipscreen.service"));
    String config = configPath(service);
    SipscreenConfig parsed = Sipscreen.prepare(install(config)).config();
    assertThat(parsed.recordsOn()).isTrue();
    Path records = Path.of(config).getParent().resolve(parsed.records().directory()).normalize();

    List<Path> writable = new ArrayList<>();
    service.getOrDefault("StateDirectory", List.of())
        .forEach(d -> writable.add(Path.of("/var/lib").resolve(d)));
    service.getOrDefault("ReadWritePaths", List.of())
        .forEach(d -> List.of(d.split("\\s+")).forEach(p -> writable.add(Path.of(p.replaceFirst("^-", "")))));

    assertThat(service.get("ProtectSystem")).containsExactly("strict");
    assertThat(writable).as("writable paths of the unit").anyMatch(records::startsWith);
    assertThat(records).isEqualTo(Path.of("/var/lib/sipscreen/records"));
  }

  @Test
  void reloadSendsSighupAndMemoryIsCapped() throws IOException {
    var service = service(repo().resolve("deploy/systemd/sipscreen.service"));

    assertThat(service.get("ExecReload")).containsExactly("/bin/kill -HUP $MAINPID");
    assertThat(service.get("MemoryMax")).hasSize(1);
    assertThat(service.get("User")).containsExactly("sipscreen");
    String sysusers = Files.readString(repo().resolve("deploy/systemd/sysusers.conf"));
    assertThat(sysusers).containsPattern("(?m)^u sipscreen ");
    String tmpfiles = Files.readString(repo().resolve("deploy/systemd/tmpfiles.conf"));
    assertThat(tmpfiles).containsPattern("(?m)^d /var/lib/sipscreen/records\\s+0750 sipscreen sipscreen");
  }
}
