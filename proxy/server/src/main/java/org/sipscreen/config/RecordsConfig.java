package org.sipscreen.config;

import java.nio.file.Path;

/**
 * The {@code records:} section: where and how decision records (one JSON line per screened initial INVITE)
 * are written. A present section turns recording on unless {@code enabled: false}; an absent one leaves it
 * off. A relative {@code directory} resolves against the config file's folder.
 */
public record RecordsConfig(Boolean enabled, String directory, Integer flushIntervalMs, Integer queueSize,
    Long maxFileBytes, Integer retentionHours, Long retentionBytes) {

  /** No {@code records:} section: nothing is recorded. */
  public static final RecordsConfig OFF = new RecordsConfig(false, null, null, null, null, null, null);

  public RecordsConfig {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    directory = directory == null ? "records" : directory;
    if (directory.isBlank()) {
      throw new IllegalArgumentException("directory must not be empty");
    }
    flushIntervalMs = flushIntervalMs == null ? 1000 : flushIntervalMs;
    if (flushIntervalMs < 10 || flushIntervalMs > 60_000) {
      throw new IllegalArgumentException("flush_interval_ms must be 10-60000, was " + flushIntervalMs);
    }
    queueSize = queueSize == null ? 65_536 : queueSize;
    if (queueSize < 1 || queueSize > 10_000_000) {
      throw new IllegalArgumentException("queue_size must be 1-10000000, was " + queueSize);
    }
    maxFileBytes = maxFileBytes == null ? 256L * 1024 * 1024 : maxFileBytes;
    if (maxFileBytes < 4096) {
      throw new IllegalArgumentException("max_file_bytes must be at least 4096, was " + maxFileBytes);
    }
    retentionHours = retentionHours == null ? 24 * 90 : retentionHours;
    if (retentionHours < 1) {
      throw new IllegalArgumentException("retention_hours must be at least 1, was " + retentionHours);
    }
    retentionBytes = retentionBytes == null ? 20L * 1024 * 1024 * 1024 : retentionBytes;
    if (retentionBytes < maxFileBytes) {
      throw new IllegalArgumentException("retention_bytes must be at least max_file_bytes ("
          + maxFileBytes + "), was " + retentionBytes);
    }
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
