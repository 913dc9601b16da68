package org.sipscreen.records;

import java.nio.file.Path;
import java.time.Duration;
import org.sipscreen.screening.check.ConfigDurations;
import org.sipscreen.screening.check.DataSize;

/**
 * The {@code records:} section: where and how decision records (one JSON line per screened initial INVITE)
 * are written. A present section turns recording on; an absent one leaves it off. A relative
 * {@code directory} resolves against the config file's folder.
 *
 * @param flushInterval lines reach the operating system at least this often (what a kill -9 can lose)
 * @param queueSize records waiting for the writer; beyond, they are dropped and counted
 * @param maxFileSize a file is closed and the next one opened at this size
 * @param retention files older than this are deleted
 * @param retentionSize the oldest files are deleted while all of them take more than this
 * @param callOutcomes whether forwarded calls are stamped and their final responses and BYEs recorded
 *     (answered share, short calls); default true
 * @param callStampKeyFile a file whose first line is the key of the call stamps (at least 32 characters),
 *     relative to the config file's folder; the same file on every member of a fleet lets any member
 *     record a call another one stamped, and across restarts. Absent: a random key per process
 */
public record RecordsConfig(String directory, Duration flushInterval, Integer queueSize, DataSize maxFileSize,
    Duration retention, DataSize retentionSize, Boolean callOutcomes, String callStampKeyFile) {

  /** The section with every default. */
  public static final RecordsConfig DEFAULTS =
      new RecordsConfig(null, null, null, null, null, null, null, null);

  public RecordsConfig {
    directory = directory == null ? "records" : directory;
    callOutcomes = callOutcomes == null ? Boolean.TRUE : callOutcomes;
    if (directory.isBlank()) {
      throw new IllegalArgumentException("directory must not be empty");
    }
    flushInterval = flushInterval == null ? Duration.ofSeconds(1) : flushInterval;
    ConfigDurations.require(flushInterval, "flush_interval", Duration.ofMillis(10), Duration.ofSeconds(60));
    queueSize = queueSize == null ? 65_536 : queueSize;
    if (queueSize < 1 || queueSize > 10_000_000) {
      throw new IllegalArgumentException("queue_size must be 1-10000000, was " + queueSize);
    }
    maxFileSize = maxFileSize == null ? DataSize.ofMebibytes(256) : maxFileSize;
    if (maxFileSize.bytes() < 4096) {
      throw new IllegalArgumentException("max_file_size must be at least 4KiB, was " + maxFileSize);
    }
    retention = retention == null ? Duration.ofDays(90) : retention;
    ConfigDurations.require(retention, "retention", Duration.ofHours(1), Duration.ofDays(3650));
    retentionSize = retentionSize == null ? DataSize.ofMebibytes(20 * 1024) : retentionSize;
    if (retentionSize.bytes() < maxFileSize.bytes()) {
      throw new IllegalArgumentException("retention_size must be at least max_file_size (" + maxFileSize
          + "), was " + retentionSize);
    }
  }

  public int flushIntervalMs() {
    return (int) flushInterval.toMillis();
  }

  public long maxFileBytes() {
    return maxFileSize.bytes();
  }

  /** {@link #retention} in whole hours (files are hourly). */
  public int retentionHours() {
    return (int) Math.max(1, retention.toHours());
  }

  public long retentionBytes() {
    return retentionSize.bytes();
  }

  /** The records directory, a relative one resolved against {@code configFile}'s folder. */
  public Path directoryFor(Path configFile) {
    Path dir = Path.of(directory);
    if (dir.isAbsolute()) {
      return dir;
    }
    Path parent = configFile.toAbsolutePath().getParent();
    return parent == null ? dir.toAbsolutePath() : parent.resolve(dir).normalize();
  }
}
