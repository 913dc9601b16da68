package org.sipscreen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The SIP TCP connection limit: the open-files limit minus the reserve, or the config's when lower. */
class TcpConnectionBudgetTest {

  @Test
  void withoutAConfiguredLimitTheOpenFilesLimitLessTheReserveHolds() {
    TcpConnectionBudget b = TcpConnectionBudget.of(OptionalLong.of(65_536), 1024, OptionalInt.empty());
    assertThat(b.total()).isEqualTo(64_512);
    assertThat(b.leavesNone()).isFalse();
    assertThat(b.describe()).isEqualTo("64512 (open-files limit 65536 - 1024 reserved)");
  }

  @Test
  void aConfiguredLimitBelowTheBudgetHoldsAndOneAboveItIsCut() {
    TcpConnectionBudget lower = TcpConnectionBudget.of(OptionalLong.of(65_536), 1024, OptionalInt.of(5000));
    assertThat(lower.total()).isEqualTo(5000);
    assertThat(lower.configuredAboveFiles()).isFalse();
    assertThat(lower.describe()).isEqualTo("5000 (sip.tcp_max_connections; open-files limit 65536 - 1024 reserved)");
    TcpConnectionBudget higher = TcpConnectionBudget.of(OptionalLong.of(4096), 1024, OptionalInt.of(100_000));
    assertThat(higher.total()).isEqualTo(3072);
    assertThat(higher.configuredAboveFiles()).isTrue();
  }

  @Test
  void anOpenFilesLimitNoLargerThanTheReserveLeavesNone() {
    TcpConnectionBudget b = TcpConnectionBudget.of(OptionalLong.of(1024), 1024, OptionalInt.empty());
    assertThat(b.total()).isZero();
    assertThat(b.leavesNone()).isTrue();
  }

  @Test
  void anUnknownOpenFilesLimitFallsBackToTheConfigOrTenThousand() {
    assertThat(TcpConnectionBudget.of(OptionalLong.empty(), 1024, OptionalInt.empty()).total()).isEqualTo(10_000);
    assertThat(TcpConnectionBudget.of(OptionalLong.empty(), 1024, OptionalInt.of(50_000)).total()).isEqualTo(50_000);
  }

  @Test
  void readsTheSoftLimitFromProcLimits() {
    String limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max processes             63448                63448                processes
        Max open files            20000                524288               files
        Max locked memory         8388608              8388608              bytes
        """;
    assertThat(TcpConnectionBudget.fromProcLimits(limits)).hasValue(20_000);
    assertThat(TcpConnectionBudget.fromProcLimits("Max open files  unlimited unlimited files\n")).isEmpty();
  }

  @Test
  void thisProcessHasAnOpenFilesLimitOnLinux() {
    assertThat(TcpConnectionBudget.processOpenFilesLimit()).isPresent();
    assertThat(TcpConnectionBudget.processOpenFilesLimit().getAsLong()).isPositive();
  }
}
