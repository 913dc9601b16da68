package org.sipscreen;

import java.util.List;
import org.sipscreen.config.AdminAuth;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.reload.LoadedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The start-up summary after the "sipscreen up" line: peers, every list with its size and load time, admin. */
final class StartupSummary {

  private static final Logger log = LoggerFactory.getLogger(StartupSummary.class);

  private StartupSummary() {}

  static void log(SipscreenConfig config, List<LoadedFile> files, AdminAuth auth, List<String> checkLines) {
    config.peers().entrySet().stream()
        .sorted(java.util.Map.Entry.comparingByKey())
        .forEach(p -> log.info("peer name={} networks={}", p.getKey(), String.join(",", p.getValue().networks())));
    checkLines.forEach(log::info);
    for (LoadedFile f : files) {
      if (f.isList()) {
        log.info("list name={} entries={} file={} version={} load_ms={}", f.name(), f.entries(),
            f.path(), f.contentVersion(), f.loadMillis());
      } else {
        log.info("file name={} file={}", f.name(), f.path());
      }
    }
    log.info("admin api={} auth={}", auth.enabled() ? "on" : "off",
        auth.requiresToken() ? "bearer_token" : "none (loopback only)");
  }
}
