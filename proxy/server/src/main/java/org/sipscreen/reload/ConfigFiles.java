package org.sipscreen.reload;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.screening.check.InstalledChain;

/**
 * The files a config consists of: the config file itself, every list or data file its checks read (each
 * check's module names them, {@link InstalledChain#files}) and the admin token file, by a stable
 * snake_case name (the {@code file} of the reload metrics). A change to any of them is a reason to reload.
 */
public final class ConfigFiles {

  /** The name of the config file itself. */
  public static final String CONFIG = "config";

  private ConfigFiles() {}

  /** Name to absolute, normalized path, in config order. */
  public static Map<String, Path> of(SipscreenConfig config, InstalledChain chain, Path configFile) {
    Path file = configFile.toAbsolutePath().normalize();
    Path base = file.getParent();
    Map<String, Path> files = new LinkedHashMap<>();
    files.put(CONFIG, file);
    chain.files().forEach((name, relative) -> put(files, name, base, relative));
    put(files, "admin_token", base, config.http().admin().tokenFile());
    return files;
  }

  private static void put(Map<String, Path> files, String name, Path base, String file) {
    if (file != null) {
      files.put(name, base.resolve(file).toAbsolutePath().normalize());
    }
  }
}
