package org.sipscreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipscreen.cli.CheckConfigTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;
import org.sipscreen.testkit.RedisServer;
import org.sipscreen.testkit.Sipp;

/**
 * {@code sipscreen fleet} and {@code sipscreen traceback --fleet} against two running members of one fleet
 * (a real redis-server), one of them with a list the other lacks.
 */
@Timeout(180)
class FleetCommandsIT {

  private static final String CALLER = "+13125550100";

  @TempDir
  Path dir;

  private Sipscreen start(RedisServer redis, int uasPort, int i, String extraScreening) throws Exception {
    int sipPort = Ports.free();
    Path config = dir.resolve("sipscreen-" + i + ".yaml");
    Files.writeString(dir.resolve("block.txt"), "+12025550199\n");
    Files.writeString(config, """
        sip:
          listen: [{ address: 127.0.0.1, port: %d, transports: [udp] }]
          warmup_calls: 0
        routing:
          default_route: sip:127.0.0.1:%d
        http: { address: 127.0.0.1, port: 0 }
        records: { directory: records-%d, flush_interval: 100ms }
        screening:
          velocity: { caller_per_minute: 1000, action: tag }
        %s
        fleet:
          nodes: ["%s"]
          instance_id: edge-%d
        """.formatted(sipPort, uasPort, i, extraScreening, redis.node(), i));
    return Sipscreen.start(Sipscreen.prepare(config));
  }

  private static int sipPort(Sipscreen s) {
    return s.proxy().settings().endpoints().get(0).bind().getPort();
  }

  @Test
  void listsTheMembersFlagsDriftAndTracesACallerAcrossTheFleet() throws Exception {
    Sipp.requireInstalled();
    int uasPort = Ports.free();
    try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
      List<Sipscreen> fleet = new ArrayList<>();
      try {
        fleet.add(start(redis, uasPort, 0, ""));
        fleet.add(start(redis, uasPort, 1, "  block_list: { file: block.txt }"));
        String url = "http://127.0.0.1:" + fleet.get(0).httpAddress().getPort();
        Await.until("both members listed", () -> run("fleet", "--admin-url", url).err()
            .startsWith("2 members"));

        CheckConfigTest.Run members = run("fleet", "--admin-url", url);
        assertThat(members.exitCode()).as(members.err()).isEqualTo(1);
        // Two members that disagree: one differs in config, and edge-1's list is one edge-0 lacks (a tie
        // goes to the smaller value, here "no list").
        assertThat(members.out()).contains("edge-0").contains("edge-1").contains("config")
            .contains("list:block_list");
        assertThat(members.err()).containsPattern("2 members, [12] drifting");

        Process uas = Sipp.uas(dir, "uas.xml", uasPort, "u1", 4);
        for (Sipscreen s : fleet) {
          Sipp.Result r = Sipp.uac(dir, "uac-call.xml", sipPort(s), "u1", 2, 10, "+13015550199",
              Sipp.caller(CALLER));
          assertThat(r.failed()).as(r.output()).isZero();
        }
        assertThat(Sipp.await(uas)).isZero();

        Await.until("records of both members", () -> run("traceback", "--fleet", "--caller", CALLER,
            "--from", "2000-01-01", "--to", "2100-01-01", "--admin-url", url, "--format", "jsonl")
            .out().lines().count() == 4);
        CheckConfigTest.Run trace = run("traceback", "--fleet", "--caller", CALLER, "--from", "2000-01-01",
            "--to", "2100-01-01", "--admin-url", url);
        assertThat(trace.exitCode()).as(trace.err()).isZero();
        assertThat(trace.out().lines().skip(1).map(l -> l.split("\\s+")[0]))
            .containsExactlyInAnyOrder("edge-0", "edge-0", "edge-1", "edge-1");
        assertThat(trace.err()).contains("4 records from 2 members");
        List<String> times = trace.out().lines().skip(1).map(l -> l.split("\\s+")[1]).toList();
        assertThat(times).isSorted();
      } finally {
        fleet.forEach(Sipscreen::close);
      }
    }
  }
}
