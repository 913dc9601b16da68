package org.sipscreen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmark measures what it says: every call forwards all six messages, and with {@code signed} every
 * INVITE was verified in the set-up (it throws otherwise); its temporary files go with it.
 */
class ProxyPathBenchmarkTest {

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everyCallForwardsItsSixMessages(boolean signed) throws Exception {
    ProxyPathBenchmark bench = new ProxyPathBenchmark();
    bench.config = "loadtest/config/foundation.yaml";
    bench.stamped = true;
    bench.signed = signed;
    long tempsBefore = signedDirs();
    bench.setUp();
    try {
      for (int i = 0; i < 2_100; i++) { // past the 1,024 signed INVITEs twice
        assertThat(bench.call()).as("call %d", i).isEqualTo(6);
      }
    } finally {
      bench.tearDown();
    }
    assertThat(signedDirs()).isEqualTo(tempsBefore);
  }

  private static long signedDirs() throws Exception {
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("sipscreen-bench-signed")).count();
    }
  }
}
