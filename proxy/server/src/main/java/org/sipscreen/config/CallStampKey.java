package org.sipscreen.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.sipscreen.records.RecordsConfig;

/**
 * The key of the call stamps ({@code records.call_stamp_key_file}): the first line of a file, trimmed. One
 * file shared by the members of a fleet and kept over restarts lets a member record the outcome of a call
 * that another member, or the process before a restart, stamped.
 */
public final class CallStampKey {

  /** The shortest key accepted, in characters (128 bits of hex). */
  static final int MIN_LENGTH = 32;

  private CallStampKey() {}

  /**
   * The key the config names, read now; empty when records are off or no file is named (a random key per
   * process).
   *
   * @throws ConfigException naming the file and key when the file cannot be read or its key is too short
   */
  public static Optional<byte[]> of(RecordsConfig records, Path configFile) throws ConfigException {
    if (records == null || records.callStampKeyFile() == null) {
      return Optional.empty();
    }
    Path file = configFile.toAbsolutePath().getParent().resolve(records.callStampKeyFile());
    String key;
    try {
      key = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw new ConfigException(configFile + ": records.call_stamp_key_file: cannot read " + file + ": "
          + ConfigException.describe(e));
    }
    if (key.length() < MIN_LENGTH) {
      throw new ConfigException(configFile + ": records.call_stamp_key_file: " + file
          + " (line 1): the key must be at least " + MIN_LENGTH + " characters (e.g. openssl rand -hex 32)");
    }
    return Optional.of(key.getBytes(StandardCharsets.UTF_8));
  }
}
