package org.sipscreen.overload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the kernel's drop counts of the SIP UDP sockets from /proc/net/udp and udp6. */
class UdpDropCounterTest {

  static final String UDP = """
         sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
        1187: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4711 2 0000000000000000 120
        1187: 0100007F:13C4 00000000:0000 07 00000000:00041000 00:00000000 00000000     0        0 4712 2 0000000000000000 30
        1200: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99 2 0000000000000000 9999
        garbage line
        """;
  static final String UDP6 = """
         sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
         300: 00000000000000000000000001000000:13C4 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4713 2 0000000000000000 5
        """;

  @Test
  void sumsTheDropsOfTheSocketsOnTheSipPortsOnly() {
    assertThat(UdpDropCounter.dropsOf(UDP, Set.of(5060))).isEqualTo(150);
    assertThat(UdpDropCounter.dropsOf(UDP6, Set.of(5060))).isEqualTo(5);
    assertThat(UdpDropCounter.dropsOf(UDP, Set.of(5070))).isZero();
  }

  @Test
  void readsBothFilesAndIsEmptyWhereNeitherExists(@TempDir Path dir) throws Exception {
    Path udp = Files.writeString(dir.resolve("udp"), UDP);
    Path udp6 = Files.writeString(dir.resolve("udp6"), UDP6);
    assertThat(new UdpDropCounter(List.of(udp, udp6), Set.of(5060)).read()).hasValue(155);
    assertThat(new UdpDropCounter(List.of(dir.resolve("nope")), Set.of(5060)).read()).isEmpty();
  }
}
