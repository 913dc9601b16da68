package org.sipscreen.reload;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sipscreen.config.SipscreenConfig;

/**
 * The files a config consists of: the config file itself and every list or data file it names, by a
 * stable snake_case name (the name is the {@code list} label of the list metrics; {@link #key} the
 * {@code file} label of the reload metrics). A change to any of them is a reason to reload.
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

  /**
   * The config key that names a file, for the reload metrics' {@code file} label: {@code config} for the
   * config file itself, e.g. {@code screening.block_list.file}, {@code http.admin.token_file}.
   */
  public static String key(String name) {
    if (name.startsWith("stir_trust_anchor_")) {
      return "screening.stir_shaken.trust_anchors[" + name.substring("stir_trust_anchor_".length()) + "]";
    }
    return switch (name) {
      case CONFIG -> CONFIG;
      case "allow_list", "block_list", "tag_list", "do_not_originate" -> "screening." + name + ".file";
      case "neighbor_spoofing_allow_list" -> "screening.neighbor_spoofing.allow_list";
      case "invalid_number_npa" -> "screening.invalid_number.npa_file";
      case "invalid_number_co_code" -> "screening.invalid_number.co_code_file";
      case "reputation_feed" -> "screening.reputation.feed_file";
      case "stir_certificate_index" -> "screening.stir_shaken.certificate_dir";
      case "admin_token" -> "http.admin.token_file";
      default -> name;
    };
  }

  private static void put(Map<String, Path> files, String name, Path base, String file) {
    if (file != null) {
      files.put(name, base.resolve(file).toAbsolutePath().normalize());
    }
  }
}
