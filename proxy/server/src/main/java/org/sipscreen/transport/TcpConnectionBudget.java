package org.sipscreen.transport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * How many SIP TCP connections the proxy accepts in all: never more than the process's open-files limit
 * minus a reserve, so that accepted connections cannot take the descriptors the HTTP port, the UDP sockets,
 * outbound connections and the JVM's own files need; lower when the config says so.
 *
 * @param openFilesLimit the process's open-files limit (RLIMIT_NOFILE), when it can be read
 * @param reservedFiles descriptors left for everything but accepted SIP TCP connections
 * @param configured {@code sip.tcp_max_connections}, when set
 * @param total the limit in force; below 1 when the open-files limit leaves nothing after the reserve
 */
public record TcpConnectionBudget(OptionalLong openFilesLimit, int reservedFiles, OptionalInt configured,
    int total) {

  /** The limit when neither the config nor the open-files limit gives one (a platform without RLIMIT_NOFILE). */
  static final int WITHOUT_OPEN_FILES_LIMIT = 10_000;

  public static TcpConnectionBudget of(OptionalLong openFilesLimit, int reservedFiles, OptionalInt configured) {
    long byFiles = openFilesLimit.isPresent() ? openFilesLimit.getAsLong() - reservedFiles : Long.MAX_VALUE;
    long wanted = configured.isPresent() ? configured.getAsInt()
        : openFilesLimit.isPresent() ? Long.MAX_VALUE : WITHOUT_OPEN_FILES_LIMIT;
    int total = (int) Math.max(0, Math.min(Integer.MAX_VALUE, Math.min(byFiles, wanted)));
    return new TcpConnectionBudget(openFilesLimit, reservedFiles, configured, total);
  }

  /** The budget of this process. */
  public static TcpConnectionBudget ofThisProcess(int reservedFiles, OptionalInt configured) {
    return of(processOpenFilesLimit(), reservedFiles, configured);
  }

  /** True when the open-files limit leaves no connection after the reserve. */
  public boolean leavesNone() {
    return total < 1;
  }

  /** True when the configured limit is more than the open-files limit allows (the smaller one holds). */
  public boolean configuredAboveFiles() {
    return configured.isPresent() && configured.getAsInt() > total;
  }

  /**
   * {@code 64512 (open-files limit 65536 - 1024 reserved)}, {@code 5000 (sip.tcp_max_connections; open-files
   * limit 65536 - 1024 reserved)} or {@code 10000 (open-files limit unknown)}.
   */
  public String describe() {
    String files = openFilesLimit.isPresent()
        ? "open-files limit " + openFilesLimit.getAsLong() + " - " + reservedFiles + " reserved"
        : "open-files limit unknown";
    boolean byConfig = configured.isPresent() && configured.getAsInt() == total;
    return total + " (" + (byConfig ? "sip.tcp_max_connections; " : "") + files + ")";
  }

  /**
   * RLIMIT_NOFILE as the JVM sees it (the JVM raises the soft limit to the hard one at start on Linux): from
   * the platform's operating-system bean, else from {@code /proc/self/limits}.
   */
  public static OptionalLong processOpenFilesLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long max = unix.getMaxFileDescriptorCount();
      if (max > 0) {
        return OptionalLong.of(max);
      }
    }
    try {
      return fromProcLimits(Files.readString(Path.of("/proc/self/limits")));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The soft limit of the {@code Max open files} line of a {@code /proc/<pid>/limits} text. */
  static OptionalLong fromProcLimits(String limits) {
    for (String line : limits.split("\n")) {
      if (line.startsWith("Max open files")) {
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        if (fields.length > 0 && fields[0].matches("[0-9]+")) {
          return OptionalLong.of(Long.parseLong(fields[0]));
        }
      }
    }
    return OptionalLong.empty();
  }
}
