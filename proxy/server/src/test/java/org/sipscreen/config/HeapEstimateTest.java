package org.sipscreen.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.Sipscreen;

class HeapEstimateTest {

  private static Path repo() {
    String repo = System.getProperty("sipscreen.repo");
    return repo != null ? Path.of(repo) : Path.of("../..");
  }

  @Test
  void shippedConfigNeedsTheHeapThatJvmOptionsShips() throws Exception {
    Sipscreen.Prepared prepared = Sipscreen.prepare(repo().resolve("config/sipscreen.yaml"));
    HeapEstimate estimate = HeapEstimate.of(prepared.config(), prepared.installed());
    // one million callers at 56 bytes each
    assertThat(estimate.parts().get("velocity")).isBetween(53.0, 54.0);
    assertThat(estimate.parts().get("decision_records")).isEqualTo(72.0);
    String options = Files.readString(repo().resolve("deploy/jvm.options"));
    assertThat(options).contains("\n-Xmx" + estimate.heapMiB() + "m\n")
        .contains("\n-Xms" + estimate.heapMiB() + "m\n");
    assertThat(estimate.parts().get("young")).isCloseTo(0.6 * (32 + 72 + estimate.parts().get("velocity")),
        org.assertj.core.data.Offset.offset(0.2));
    assertThat(estimate.describe()).endsWith("run with -Xms256m -Xmx256m");
  }

  @Test
  void largerListsAndLimitsNeedMoreHeap(@TempDir Path dir) throws Exception {
    StringBuilder block = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      block.append("+1202").append(2_000_000 + i * 7).append('\n');
    }
    Files.writeString(dir.resolve("block.txt"), block);
    Path small = write(dir, "small.yaml", 1000, false);
    Path large = write(dir, "large.yaml", 4_000_000, true);

    HeapEstimate s = estimate(small);
    HeapEstimate l = estimate(large);

    assertThat(l.parts().get("block_list")).isEqualTo(s.parts().get("block_list")).isGreaterThan(0.5);
    assertThat(l.parts().get("list_reload")).isEqualTo(7 * l.parts().get("block_list"));
    assertThat(l.parts().get("velocity")).isEqualTo(4_000_000 * 32 / (1024.0 * 1024.0), org.assertj.core.data.Offset.offset(0.1)); // key, time, 2 windows: 4 words
    assertThat(s.parts().get("velocity")).isLessThan(0.1);
    assertThat(l.parts()).containsKey("decision_records");
    assertThat(s.parts()).doesNotContainKey("decision_records");
    // four times the default transaction memory, at 112 bytes per transaction
    assertThat(l.parts().get("transaction_memory")).isEqualTo(3 * 65_536 * 112 / (1024.0 * 1024.0));
    assertThat(s.parts()).doesNotContainKey("transaction_memory");
    double sum = l.parts().values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(l.heapMiB()).isGreaterThanOrEqualTo((long) sum).isLessThan((long) sum + 16);
    assertThat(l.heapMiB() % 16).isZero();
  }

  private static HeapEstimate estimate(Path config) throws Exception {
    Sipscreen.Prepared prepared = Sipscreen.prepare(config);
    return HeapEstimate.of(prepared.config(), prepared.installed());
  }

  private static Path write(Path dir, String name, long tracked, boolean records) throws Exception {
    Path config = dir.resolve(name);
    Files.writeString(config, """
        sip:
          listen: [{address: 127.0.0.1, port: 25999}]
          warmup_calls: 0
          %s
        routing:
          default_route: sip:127.0.0.1:25998
        %s
        peers:
          local: {networks: [127.0.0.0/8]}
        screening:
          policy: {redress_url: "https://redress.example.net/"}
          block_list: {file: block.txt}
          velocity: {caller_per_second: 5, caller_per_hour: 1000, max_tracked_numbers: %d}
        """.formatted(records ? "transaction_memory: 262144" : "", records ? "records: {directory: records}" : "",
            tracked));
    return config;
  }
}
