package org.sipscreen.reload;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sipscreen.config.SipscreenConfig;

/**
 * The files a config consists of: the config file itself and every list or data file it names, by a
 * stable snake_case name (the {@code file} of the reload metrics is the path, the name is the
 * {@code list} label). A change to any of them is a reason to reload.
 */
public final class ConfigFiles {

  /** The name of the config file itself. */
  public static final String CONFIG = "config";

  private ConfigFiles() {}

  /** Name to absolute, normalized path, in config order. */
  public static Map<String, Path> of(SipscreenConfig config, Path configFile) {
    Path file = configFile.toAbsolutePath().normalize();
    Path base = file.getParent();
    Map<String, Path> files = new LinkedHashMap<>();
    files.put(CONFIG, file);
    SipscreenConfig.Screening s = config.screening();
    put(files, "allow_list", base, s.allowList().file());
    put(files, "block_list", base, s.blockList().file());
    put(files, "tag_list", base, s.tagList().file());
    if (s.doNotOriginate() != null) {
      put(files, "do_not_originate", base, s.doNotOriginate().file());
    }
    if (s.neighborSpoofing() != null) {
      put(files, "neighbor_spoofing_allow_list", base, s.neighborSpoofing().allowList());
    }
    if (s.invalidNumber() != null) {
      put(files, "invalid_number_npa", base,
          s.invalidNumber().npaFile() == null ? "data/nanp-npa.txt" : s.invalidNumber().npaFile());
      put(files, "invalid_number_co_code", base, s.invalidNumber().coCodeFile());
    }
    if (s.reputation() != null) {
      put(files, "reputation_feed", base, s.reputation().feedFile());
    }
    if (s.stirShaken() != null && s.stirShaken().enabled()) {
      var stir = s.stirShaken();
      for (int i = 0; i < stir.trustAnchors().size(); i++) {
        put(files, "stir_trust_anchor_" + i, base, stir.trustAnchors().get(i));
      }
      if (stir.certificateDir() != null) {
        put(files, "stir_certificate_index", base.resolve(stir.certificateDir()),
            org.sipscreen.screening.stir.CertificatePreloadDirectory.INDEX);
      }
    }
    put(files, "admin_token", base, config.http().admin().tokenFile());
    return files;
  }

  private static void put(Map<String, Path> files, String name, Path base, String file) {
    if (file != null) {
      files.put(name, base.resolve(file).toAbsolutePath().normalize());
    }
  }
}
