package org.sipscreen.reload;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.screening.check.DataFile;
import org.sipscreen.screening.chain.InstalledChain;

/**
 * The files a config consists of: the config file itself, every list or data file its checks read (each
 * check's module names them, {@link InstalledChain#files}) and the admin token file, by a stable
 * snake_case name (the {@code list} label of the list metrics; {@link #key} gives the {@code file} label of
 * the reload metrics). A change to any of them is a reason to reload.
 */
public final class ConfigFiles {

  /** The name of the config file itself. */
  public static final String CONFIG = "config";
  /** The name of the admin token file. */
  public static final String ADMIN_TOKEN = "admin_token";

  private ConfigFiles() {}

  /** Name to absolute, normalized path, in config order. */
  public static Map<String, Path> of(SipscreenConfig config, InstalledChain chain, Path configFile) {
    Path file = configFile.toAbsolutePath().normalize();
    Path base = file.getParent();
    Map<String, Path> files = new LinkedHashMap<>();
    files.put(CONFIG, file);
    for (DataFile f : chain.files()) {
      put(files, f.name(), base, f.file());
    }
    put(files, ADMIN_TOKEN, base, config.http().admin().tokenFile());
    return files;
  }

  /**
   * The config key that names a file, for the reload metrics' {@code file} label: {@code config} for the
   * config file itself, e.g. {@code screening.block_list.file}, {@code http.admin.token_file}.
   */
  public static String key(String name, InstalledChain chain) {
    if (name.equals(CONFIG)) {
      return CONFIG;
    }
    if (name.equals(ADMIN_TOKEN)) {
      return "http.admin.token_file";
    }
    for (DataFile f : chain.files()) {
      if (f.name().equals(name)) {
        return f.key();
      }
    }
    return name;
  }

  private static void put(Map<String, Path> files, String name, Path base, String file) {
    if (file != null) {
      files.put(name, base.resolve(file).toAbsolutePath().normalize());
    }
  }
}
